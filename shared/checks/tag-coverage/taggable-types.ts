import extract from './taggable-types.json' with { type: 'json' };

/**
 * How a resource type holds its tags in a CloudFormation template:
 * - `list`: `[{Key, Value}]` (most types; Auto Scaling groups add `PropagateAtLaunch`);
 * - `map`: `{key: value}` (e.g. `AWS::SSM::Parameter`, `AWS::Serverless::Function`);
 * - `items`: `{Items: [{Key, Value}]}` (e.g. `AWS::CloudFront::AnycastIpList`);
 * - `specifications`: `[{ResourceType, Tags: [{Key, Value}]}]`, where the items whose
 *   `ResourceType` is the type's own (`launch-template`) tag the resource itself.
 */
export type TagShape = 'list' | 'map' | 'items' | 'specifications';

/** One CloudFormation resource type of the spec; empty when it cannot be tagged. */
export interface ResourceTypeInfo {
  /** The property that holds the tags, usually `Tags` (`UserPoolTags`, `HostedZoneTags`, …). */
  readonly tagProperty?: string;
  readonly shape?: TagShape;
  /** For `specifications`: the `ResourceType` that names the resource itself. */
  readonly specificationType?: string;
  /** `service:type` as the Tagging API and ARNs name it (`logs:log-group`), where the spec has an ARN template. */
  readonly arnType?: string;
}

/** The committed extract of `@aws-cdk/aws-service-spec`, written by `generate-taggable-types.ts`. */
export interface TaggableTypesData {
  /** The spec package and version it was generated from. */
  readonly source: string;
  readonly resourceTypes: Readonly<Record<string, ResourceTypeInfo>>;
}

/** Where a taggable type keeps its tags. */
export interface TaggableType {
  readonly tagProperty: string;
  readonly shape: TagShape;
  /** For `specifications`: the `ResourceType` that names the resource itself. */
  readonly specificationType?: string;
  readonly arnType?: string;
}

/** What the spec says about a CloudFormation type. */
export type TypeTaggability =
  | ({ readonly kind: 'taggable' } & TaggableType)
  | { readonly kind: 'not-taggable' }
  /** Not in the spec: `Custom::*`, `AWS::CDK::Metadata`, third-party and very new types. */
  | { readonly kind: 'unknown' };

/** Looks up CloudFormation types; tests pass a small table, the checker the committed extract. */
export type TaggabilityLookup = (cloudFormationType: string) => TypeTaggability;

/** A lookup over an extract. */
export function taggabilityFrom(data: TaggableTypesData): TaggabilityLookup {
  return (type) => {
    if (!Object.hasOwn(data.resourceTypes, type)) return { kind: 'unknown' };
    const info = data.resourceTypes[type];
    if (!info?.tagProperty || !info.shape) return { kind: 'not-taggable' };
    return {
      kind: 'taggable',
      tagProperty: info.tagProperty,
      shape: info.shape,
      ...(info.specificationType !== undefined && { specificationType: info.specificationType }),
      ...(info.arnType !== undefined && { arnType: info.arnType }),
    };
  };
}

/** The committed extract, typed. */
export const taggableTypesData: TaggableTypesData = extract as TaggableTypesData;

/**
 * Taggability of a CloudFormation type, from the committed extract of the
 * CloudFormation resource specification.
 *
 * @example
 * taggability('AWS::SSM::Parameter') // { kind: 'taggable', tagProperty: 'Tags', shape: 'map', arnType: 'ssm:parameter' }
 * taggability('AWS::IAM::Policy') // { kind: 'not-taggable' }
 */
export const taggability: TaggabilityLookup = taggabilityFrom(taggableTypesData);
