import { isRecord } from './resolve.js';

/**
 * Template content that a transform writes at deploy, which no check can
 * see before: the gate reports it as not judged instead of refusing the
 * template or judging what is not there.
 */
export interface DeployTimeContent {
  /** The key it sits under: a logical id, `Fn::Transform` in `Resources`, or `Transform`. */
  readonly key: string;
  /** Where it stands, for reports: a resource type, `Fn::Transform` or the macro's name. */
  readonly type: string;
  readonly reason: string;
}

/** The Resources section without the entries only a transform can fill in. */
export interface IncludedResources {
  /** Every resource with a `Type`; `Fn::Transform` keys and resources made only of one are left out. */
  readonly resources: Record<string, unknown>;
  /** Resources whose `Properties` take part of their content from `Fn::Transform`: kept, but not judged. */
  readonly partial: readonly DeployTimeContent[];
  /** `Fn::Transform` entries of the section, and resources made only of one: left out. */
  readonly included: readonly DeployTimeContent[];
}

/**
 * The transforms the gate models itself: SAM (its `Globals`, and its
 * resources judged as written) and the language extensions (`Fn::ForEach`
 * expanded). Any other transform (a macro of the account, or one AWS hosts
 * such as `AWS::Include`) rewrites the template at deploy.
 */
const MODELLED_TRANSFORMS = new Set(['AWS::Serverless-2016-10-31', 'AWS::LanguageExtensions']);

const FN_TRANSFORM = 'Fn::Transform';

/**
 * The template-level transforms the gate does not model, in template order.
 * `Transform` is a name, a list of names, or `{Name, Parameters}` (the
 * `AWS::Include` form), or a list of those.
 *
 * @example
 * unmodelledTransforms(['AWS::LanguageExtensions', 'Count']) // [{ key: 'Transform', type: 'Count', reason: … }]
 */
export function unmodelledTransforms(transform: unknown): DeployTimeContent[] {
  const entries = Array.isArray(transform) ? transform : transform === undefined ? [] : [transform];
  return entries.flatMap((entry) => {
    const name = typeof entry === 'string' ? entry : isRecord(entry) ? entry.Name : undefined;
    if (typeof name !== 'string' || MODELLED_TRANSFORMS.has(name)) return [];
    return [
      {
        key: 'Transform',
        type: name,
        reason: `the transform ${name} rewrites the template at deploy; the resources are judged as written, before it runs`,
      },
    ];
  });
}

/**
 * Separates what `Fn::Transform` (`AWS::Include` or a macro) fills in at
 * deploy from the resources the template itself declares. CloudFormation
 * accepts `Fn::Transform` as a key of `Resources`, as the whole body of a
 * resource, and inside `Properties` (transform-aws-include.html, "Syntax
 * when the transform is embedded within a section of a template").
 */
export function splitIncludedResources(resources: Readonly<Record<string, unknown>>): IncludedResources {
  const kept: Record<string, unknown> = {};
  const partial: DeployTimeContent[] = [];
  const included: DeployTimeContent[] = [];
  for (const [key, value] of Object.entries(resources)) {
    if (key === FN_TRANSFORM) {
      included.push({ key, type: FN_TRANSFORM, reason: `${describe(value)} inserts resources at deploy` });
      continue;
    }
    if (isRecord(value) && value.Type === undefined && Object.hasOwn(value, FN_TRANSFORM)) {
      included.push({
        key,
        type: FN_TRANSFORM,
        reason: `${describe(value[FN_TRANSFORM])} writes this resource at deploy`,
      });
      continue;
    }
    kept[key] = value;
    if (!isRecord(value) || typeof value.Type !== 'string') continue;
    const properties = value.Properties;
    if (isRecord(properties) && Object.hasOwn(properties, FN_TRANSFORM)) {
      partial.push({
        key,
        type: value.Type,
        reason: `${describe(properties[FN_TRANSFORM])} writes part of its properties at deploy`,
      });
    }
  }
  return { resources: kept, partial, included };
}

/** `AWS::Include of s3://bucket/key`, or the macro's name. */
function describe(transform: unknown): string {
  if (!isRecord(transform)) return 'Fn::Transform';
  const name = typeof transform.Name === 'string' ? transform.Name : 'Fn::Transform';
  const parameters = isRecord(transform.Parameters) ? transform.Parameters : {};
  return typeof parameters.Location === 'string' ? `${name} of ${parameters.Location}` : name;
}
