import type { CostRuleKind } from '../../config/cost-policy-schema.js';

/**
 * The AWS Config advanced queries a runtime cost check would run through an
 * organization aggregator (`SelectAggregateResourceConfig`): one per rule
 * kind, not per resource, selecting exactly the fields the Config
 * normalizer (`from-config/`) reads. Each `Results[]` row is a JSON string
 * that `resourceFromConfigItem` parses.
 *
 * Property names come from AWS Config's advanced-query property schema
 * (github.com/awslabs/aws-config-resource-schema,
 * config/properties/resource-types/<type>.properties.json); a test checks
 * every selected property against a copy of those lists: a leaf where one
 * suffices, the parent of an array of objects (security-group egress
 * rules, block device mappings, lifecycle rules) where the rule needs
 * several fields of the same element, since conditions and selections on
 * array fields are matched across elements. That selecting such a parent
 * returns the whole array is not verified against a live aggregator. Advanced queries
 * select only what is named (`SELECT *` gives top-level scalars only), cannot
 * query `NULL`, and never return items with `ResourceNotRecorded`.
 *
 * Not here, because AWS Config does not record them (the SDK's ResourceType
 * enum has no such value): `AWS::Logs::LogGroup` (log-retention reads
 * CloudWatch Logs `DescribeLogGroups` instead) and ElastiCache clusters and
 * replication groups (allowed-instance-types would need
 * `DescribeCacheClusters`/`DescribeReplicationGroups`); nor Neptune and
 * DocumentDB instances under their own types, DMS replication instances,
 * EKS node groups, EMR clusters, MemoryDB clusters and SageMaker notebook
 * instances, which allowed-instance-types judges in templates only.
 */
export interface ConfigQuery {
  readonly kind: CostRuleKind;
  /** Config resource types the query covers. */
  readonly resourceTypes: readonly string[];
  readonly expression: string;
}

const IDENTITY = 'resourceId, resourceType, arn, accountId, awsRegion, configurationItemStatus, tags';

function select(fields: readonly string[], types: readonly string[]): string {
  const where =
    types.length === 1
      ? `resourceType = '${types[0]}'`
      : `resourceType IN (${types.map((t) => `'${t}'`).join(', ')})`;
  return `SELECT ${[IDENTITY, ...fields].join(', ')} WHERE ${where}`;
}

const INSTANCE_TYPES = [
  'AWS::EC2::Instance',
  'AWS::EC2::LaunchTemplate',
  'AWS::AutoScaling::LaunchConfiguration',
  'AWS::RDS::DBInstance',
  'AWS::OpenSearch::Domain',
  'AWS::Elasticsearch::Domain',
  'AWS::Redshift::Cluster',
  'AWS::AmazonMQ::Broker',
  'AWS::MSK::Cluster',
  'AWS::Batch::ComputeEnvironment',
];
const VOLUME_TYPES = [
  'AWS::EC2::Volume',
  'AWS::EC2::LaunchTemplate',
  'AWS::AutoScaling::LaunchConfiguration',
  'AWS::RDS::DBInstance',
];
const EGRESS_TYPES = [
  'AWS::EC2::NatGateway',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::EgressOnlyInternetGateway',
  'AWS::EC2::SecurityGroup',
];

/**
 * One query per rule kind. `resource-limit` has one per configured
 * `resourceType`; {@link resourceLimitQuery} builds it.
 */
export const CONFIG_QUERIES: readonly ConfigQuery[] = [
  {
    kind: 'allowed-instance-types',
    resourceTypes: INSTANCE_TYPES,
    expression: select(
      [
        'configuration.instanceType',
        'configuration.LaunchTemplateData.InstanceType',
        'configuration.dBInstanceClass',
        'configuration.ClusterConfig.InstanceType',
        'configuration.elasticsearchClusterConfig.instanceType',
        'configuration.elasticsearchClusterConfig.dedicatedMasterType',
        'configuration.elasticsearchClusterConfig.warmType',
        'configuration.nodeType',
        'configuration.HostInstanceType',
        'configuration.BrokerNodeGroupInfo.InstanceType',
        'configuration.ComputeResources.InstanceTypes',
      ],
      INSTANCE_TYPES,
    ),
  },
  {
    kind: 'log-retention',
    resourceTypes: ['AWS::Lambda::Function'],
    // loggingConfig is not in the stored property list: its log group falls back to /aws/lambda/<functionName>.
    expression: select(['configuration.functionName'], ['AWS::Lambda::Function']),
  },
  {
    kind: 's3-lifecycle',
    resourceTypes: ['AWS::S3::Bucket'],
    expression: select(['supplementaryConfiguration.BucketLifecycleConfiguration'], ['AWS::S3::Bucket']),
  },
  {
    kind: 'volume-type',
    resourceTypes: VOLUME_TYPES,
    expression: select(
      [
        'configuration.volumeType',
        'configuration.size',
        'configuration.iops',
        'configuration.LaunchTemplateData.BlockDeviceMappings',
        'configuration.blockDeviceMappings',
        'configuration.storageType',
        'configuration.allocatedStorage',
        'configuration.dBClusterIdentifier',
        'configuration.engine',
      ],
      VOLUME_TYPES,
    ),
  },
  {
    kind: 'egress',
    resourceTypes: EGRESS_TYPES,
    expression: select(
      ['configuration.connectivityType', 'configuration.attachments', 'configuration.ipPermissionsEgress'],
      EGRESS_TYPES,
    ),
  },
];

/** The query that counts `resource-limit`'s type: identity and tags only (the environment is a tag). */
export function resourceLimitQuery(resourceType: string): ConfigQuery {
  return { kind: 'resource-limit', resourceTypes: [resourceType], expression: select([], [resourceType]) };
}
