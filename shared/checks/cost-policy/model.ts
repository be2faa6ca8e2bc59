import type { CostRuleKind, CostRuleOf } from '../../config/cost-policy-schema.js';

/**
 * The normalized resource model of the cost policy. A CloudFormation template
 * resource (`from-template.ts`) and an AWS Config configuration item
 * (`from-config-item.ts`) both become a {@link CostResource}; the rule
 * functions (`rules/*.ts`) read only this model, so one function judges
 * both, and the later runtime check reuses them unchanged.
 */

/**
 * A value as far as it is known before deploy. Config items always give
 * `known`; a template may compute a value:
 * - `choice`: every value it can take is listed (`Fn::If` between two
 *   sizes, a parameter with `AllowedValues`, `Fn::FindInMap` on a literal map);
 * - `unknown`: the value is computed at deploy (`Fn::ImportValue`,
 *   `Fn::GetAtt`, a parameter without `AllowedValues`); `options` holds any
 *   value it may take (a parameter's `Default`), never all of them.
 *
 * `undefined` as a value means "not set".
 */
export type Resolved<T> =
  | { readonly kind: 'known'; readonly value: T }
  | { readonly kind: 'choice'; readonly via: string; readonly options: readonly T[] }
  | { readonly kind: 'unknown'; readonly via: string; readonly options: readonly T[] };

/** A value known for certain. */
export function known<T>(value: T): Resolved<T> {
  return { kind: 'known', value };
}

/** Tags as far as they are known: a computed value is a non-`known` entry. */
export interface ResourceTags {
  readonly values: Readonly<Record<string, Resolved<string>>>;
  /** Set when the set of keys itself is computed (`Tags: !If …`): any key may be among them. */
  readonly opaque?: string;
}

/** The service whose size vocabulary an instance type belongs to. */
export type InstanceService =
  | 'ec2'
  | 'rds'
  | 'elasticache'
  | 'opensearch'
  | 'memorydb'
  | 'redshift'
  | 'dms'
  | 'sagemaker'
  | 'mq'
  | 'msk'
  | 'appstream'
  | 'dax'
  | 'timestream-influxdb';

/** One size-bearing property: an EC2 instance type, RDS class, ElastiCache node type, OpenSearch type, a managed service's node type. */
export interface SizeFact {
  readonly service: InstanceService;
  /** Where it is set, for the reason and the fix: `InstanceType`, `LaunchTemplateData.InstanceType`. */
  readonly property: string;
  readonly value: Resolved<string | undefined>;
}

/** A log group's retention; `undefined` days: never expires. */
export interface RetentionFact {
  readonly days: Resolved<number | undefined>;
  /** The function this log group belongs to: it is judged with that function, not twice. */
  readonly judgedWith?: string;
}

/** Where a function's logs go and how long they are kept. */
export type FunctionLogGroupFact =
  | {
      readonly state: 'declared';
      /** The log group's logical id (template) or name (runtime). */
      readonly logGroup: string;
      readonly retentionDays: Resolved<number | undefined>;
    }
  /** Nothing creates it: Lambda creates it on first write, and it never expires. */
  | { readonly state: 'absent'; readonly name: string }
  /** Not observable (no log-group source at runtime, a computed name). */
  | { readonly state: 'unknown'; readonly reason: string };

/** One lifecycle rule of a bucket, as the cost policy reads it. */
export interface LifecycleRuleFact {
  readonly id?: string;
  readonly enabled: boolean;
  /** Expires or transitions current or noncurrent objects. */
  readonly expiresOrTransitions: boolean;
  readonly abortIncompleteUploadDays?: number;
  /** A prefix or tag filter: S3 applies the rule to matching keys only. */
  readonly filtered: boolean;
}

/** An EBS volume (or block device mapping) or RDS storage. */
export interface VolumeFact {
  readonly service: 'ebs' | 'rds';
  /** Where each setting is: `VolumeType`/`Size`/`Iops`, `BlockDeviceMappings[0].Ebs.VolumeType`, `StorageType`/`AllocatedStorage`. */
  readonly properties: { readonly type: string; readonly size: string; readonly iops: string };
  readonly volumeType: Resolved<string | undefined>;
  readonly sizeGiB: Resolved<number | undefined>;
  readonly iops: Resolved<number | undefined>;
}

export type EgressKind =
  | 'nat-gateway'
  | 'internet-gateway'
  | 'egress-only-internet-gateway'
  | 'security-group';

/** A path to the public internet: a gateway, or a security-group egress rule's destination. */
export interface EgressFact {
  readonly kind: EgressKind;
  /** Where it is declared: `SecurityGroupEgress[0]`, `ConnectivityType`. */
  readonly property: string;
  /** A CIDR (`0.0.0.0/0`, `::/0`) or `internet` for a gateway; anything else is not public egress. */
  readonly destination: Resolved<string | undefined>;
}

/** What the rules can read about one resource; each rule reads only its own facts. */
export interface ResourceFacts {
  readonly sizes?: readonly SizeFact[];
  readonly logRetention?: RetentionFact;
  readonly functionLogGroup?: FunctionLogGroupFact;
  /** `undefined` value: the bucket has no lifecycle configuration. */
  readonly lifecycle?: Resolved<readonly LifecycleRuleFact[] | undefined>;
  readonly volumes?: readonly VolumeFact[];
  readonly egress?: readonly EgressFact[];
}

/** One resource, from a template or from AWS Config. */
export interface CostResource {
  readonly source: 'template' | 'config';
  /** The logical id (template) or the Config resource id. */
  readonly id: string;
  /** The CloudFormation type (Config's `AWS::OpenSearch::Domain` becomes `AWS::OpenSearchService::Domain`). */
  readonly type: string;
  /** The logical id: the template's, or the `aws:cloudformation:logical-id` tag at runtime. */
  readonly logicalId?: string;
  readonly arn?: string;
  readonly accountId?: string;
  readonly region?: string;
  readonly tags: ResourceTags;
  readonly facts: ResourceFacts;
}

/** A judged value of an intrinsic: one candidate and what the rule says of it. */
export interface CandidateVerdict {
  readonly value: string;
  readonly status: 'compliant' | 'non-compliant' | 'not-applicable' | 'unresolved';
  readonly reason?: string;
}

/** What one rule says of one resource. */
export type RuleVerdict =
  | { readonly status: 'compliant' }
  | { readonly status: 'not-applicable'; readonly reason: string }
  | { readonly status: 'non-compliant'; readonly reason: string; readonly fix: string }
  /** Depends on a value known only at deploy: every candidate judged, none guessed. */
  | {
      readonly status: 'unresolved';
      readonly reason: string;
      readonly fix?: string;
      readonly candidates: readonly CandidateVerdict[];
    };

/** What a rule function may know besides the resource, computed by the evaluator. */
export interface RuleContext {
  /** The resource's environment for this judgement; `undefined`: it has no environment tag. */
  readonly environment: string | undefined;
  /** The policy's environment tag key, for reasons and fixes. */
  readonly environmentTagKey: string;
  /**
   * Resources of the same type in the same environment and scope (one
   * template before deploy, one account at runtime), this one included,
   * in a stable order. Only `resource-limit` reads it.
   */
  readonly peers: readonly CostResource[];
}

/**
 * One rule kind, cdk-nag's shape: a pure function of one resource and its
 * rule's settings, plus what the runtime check needs to collect its inputs.
 */
export interface CostRuleDefinition<K extends CostRuleKind> {
  readonly kind: K;
  /** CloudFormation types it judges before deploy. */
  readonly templateTypes: readonly string[];
  /** AWS Config resource types it judges at runtime (a subset: not every type is recorded by Config). */
  readonly configTypes: readonly string[];
  /** The rule reads `context.environment` (or `peers`) even without `environments`: an unknown environment is then judged per candidate. */
  readonly readsEnvironment: boolean;
  readonly judge: (resource: CostResource, rule: CostRuleOf<K>, context: RuleContext) => RuleVerdict;
}
