import type {
  CostResource,
  EgressFact,
  FunctionLogGroupFact,
  InstanceService,
  ResourceFacts,
  SizeFact,
  VolumeFact,
} from '../model.js';
import { known } from '../model.js';
import { type ConfigItem, parseConfigItem } from './config-item.js';
import { bucketLifecycle } from './lifecycle.js';

/** Config names a few types differently from CloudFormation. */
const CLOUDFORMATION_TYPE: Readonly<Record<string, string>> = {
  'AWS::OpenSearch::Domain': 'AWS::OpenSearchService::Domain',
};

/** A log group's retention, from CloudWatch Logs DescribeLogGroups (`retentionInDays` absent: never expires). */
export interface LogGroupRetention {
  readonly retentionInDays?: number;
}

export interface ConfigItemOptions {
  /**
   * Finds a log group by name. AWS Config does not record log groups, so a
   * function's retention comes from another source; without one, its
   * log-retention verdict is unresolved. Returns `undefined` when no such
   * log group exists.
   */
  readonly logGroup?: (name: string) => LogGroupRetention | undefined;
}

/**
 * A configuration item in the normalized model, or `undefined` for a
 * deleted resource. Field names are those of AWS Config's advanced-query
 * property schema (awslabs/aws-config-resource-schema) for each type.
 *
 * @throws InputError when the item is not a configuration item.
 */
export function resourceFromConfigItem(
  raw: unknown,
  options: ConfigItemOptions = {},
  where = 'configuration item',
): CostResource | undefined {
  const item = parseConfigItem(raw, where);
  if (item.deleted) return undefined;
  const logicalId = item.tags['aws:cloudformation:logical-id'];
  return {
    source: 'config',
    id: item.resourceId,
    type: CLOUDFORMATION_TYPE[item.resourceType] ?? item.resourceType,
    ...(logicalId && { logicalId }),
    ...(item.arn && { arn: item.arn }),
    ...(item.accountId && { accountId: item.accountId }),
    ...(item.region && { region: item.region }),
    tags: { values: Object.fromEntries(Object.entries(item.tags).map(([k, v]) => [k, known(v)])) },
    facts: configFacts(item, options),
  };
}

function configFacts(item: ConfigItem, options: ConfigItemOptions): ResourceFacts {
  const c = item.configuration;
  switch (item.resourceType) {
    case 'AWS::EC2::Instance':
      return { sizes: [size('ec2', 'InstanceType', c.instanceType)] };
    case 'AWS::EC2::LaunchTemplate': {
      const data = record(c.LaunchTemplateData);
      return {
        sizes: [size('ec2', 'LaunchTemplateData.InstanceType', data.InstanceType)],
        volumes: blockDevices(data.BlockDeviceMappings, 'LaunchTemplateData.BlockDeviceMappings', 'Ebs', {
          type: 'VolumeType',
          size: 'VolumeSize',
          iops: 'Iops',
        }),
      };
    }
    case 'AWS::AutoScaling::LaunchConfiguration':
      return {
        sizes: [size('ec2', 'InstanceType', c.instanceType)],
        volumes: blockDevices(c.blockDeviceMappings, 'BlockDeviceMappings', 'ebs', {
          type: 'volumeType',
          size: 'volumeSize',
          iops: 'iops',
        }),
      };
    case 'AWS::RDS::DBInstance':
      return { sizes: [size('rds', 'DBInstanceClass', c.dBInstanceClass)], volumes: rdsStorage(c) };
    case 'AWS::OpenSearch::Domain': {
      const cluster = record(c.ClusterConfig);
      return {
        sizes: ['InstanceType', 'DedicatedMasterType', 'WarmType'].map((f) =>
          size('opensearch', `ClusterConfig.${f}`, cluster[f]),
        ),
      };
    }
    case 'AWS::Elasticsearch::Domain': {
      const cluster = record(c.elasticsearchClusterConfig);
      return {
        sizes: ['instanceType', 'dedicatedMasterType', 'warmType'].map((f) =>
          size('opensearch', `ElasticsearchClusterConfig.${f[0]?.toUpperCase()}${f.slice(1)}`, cluster[f]),
        ),
      };
    }
    case 'AWS::Redshift::Cluster':
      return { sizes: [size('redshift', 'NodeType', c.nodeType)] };
    case 'AWS::AmazonMQ::Broker':
      return { sizes: [size('mq', 'HostInstanceType', c.HostInstanceType)] };
    case 'AWS::MSK::Cluster':
      return {
        sizes: [size('msk', 'BrokerNodeGroupInfo.InstanceType', record(c.BrokerNodeGroupInfo).InstanceType)],
      };
    case 'AWS::Batch::ComputeEnvironment': {
      // Fargate and unmanaged environments list no instance types: nothing to judge.
      const types = record(c.ComputeResources).InstanceTypes;
      return {
        sizes: Array.isArray(types)
          ? types.map((t, i) => size('ec2', `ComputeResources.InstanceTypes.${i}`, t))
          : [],
      };
    }
    case 'AWS::S3::Bucket':
      return { lifecycle: known(bucketLifecycle(item.supplementary.BucketLifecycleConfiguration)) };
    case 'AWS::EC2::Volume':
      return {
        volumes: [
          {
            service: 'ebs',
            properties: { type: 'VolumeType', size: 'Size', iops: 'Iops' },
            volumeType: known(text(c.volumeType)),
            sizeGiB: known(num(c.size)),
            iops: known(num(c.iops)),
          },
        ],
      };
    case 'AWS::EC2::NatGateway':
      return {
        egress: [
          {
            kind: 'nat-gateway',
            property: 'ConnectivityType',
            destination: known((text(c.connectivityType) ?? 'public') === 'public' ? 'internet' : undefined),
          },
        ],
      };
    case 'AWS::EC2::InternetGateway':
    case 'AWS::EC2::EgressOnlyInternetGateway': {
      const attached = Array.isArray(c.attachments) && c.attachments.length > 0;
      const igw = item.resourceType === 'AWS::EC2::InternetGateway';
      return {
        egress: [
          {
            kind: igw ? 'internet-gateway' : 'egress-only-internet-gateway',
            property: igw ? 'VPCGatewayAttachment' : 'VpcId',
            destination: known(attached ? 'internet' : undefined),
          },
        ],
      };
    }
    case 'AWS::EC2::SecurityGroup':
      return { egress: securityGroupEgress(c.ipPermissionsEgress) };
    case 'AWS::Lambda::Function':
      return { functionLogGroup: functionLogGroup(c, options) };
    default:
      return {};
  }
}

function size(service: InstanceService, property: string, value: unknown): SizeFact {
  return { service, property, value: known(text(value)) };
}

function blockDevices(
  value: unknown,
  prefix: string,
  ebsKey: string,
  fields: { readonly type: string; readonly size: string; readonly iops: string },
): VolumeFact[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((mapping, i): VolumeFact[] => {
    const ebs = record(record(mapping)[ebsKey]);
    if (Object.keys(ebs).length === 0) return [];
    const at = `${prefix}[${i}].Ebs`;
    return [
      {
        service: 'ebs',
        properties: { type: `${at}.VolumeType`, size: `${at}.VolumeSize`, iops: `${at}.Iops` },
        volumeType:
          ebs[fields.type] === undefined || ebs[fields.type] === null
            ? { kind: 'unknown', via: "the AMI's block device mapping", options: [] }
            : known(text(ebs[fields.type])),
        sizeGiB: known(num(ebs[fields.size])),
        iops: known(num(ebs[fields.iops])),
      },
    ];
  });
}

function rdsStorage(c: Readonly<Record<string, unknown>>): VolumeFact[] {
  // Aurora instances share the cluster volume: no storage of their own.
  if (text(c.dBClusterIdentifier) || text(c.engine)?.startsWith('aurora')) return [];
  return [
    {
      service: 'rds',
      properties: { type: 'StorageType', size: 'AllocatedStorage', iops: 'Iops' },
      volumeType: known(text(c.storageType)),
      sizeGiB: known(num(c.allocatedStorage)),
      iops: known(num(c.iops)),
    },
  ];
}

function securityGroupEgress(value: unknown): EgressFact[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((permission, i) => {
    const p = record(permission);
    const v4 = Array.isArray(p.ipv4Ranges) ? p.ipv4Ranges.map((r) => text(record(r).cidrIp)) : [];
    // Older items list IPv4 ranges as plain strings in ipRanges.
    const legacy = v4.length === 0 && Array.isArray(p.ipRanges) ? p.ipRanges.map(text) : [];
    const v6 = Array.isArray(p.ipv6Ranges) ? p.ipv6Ranges.map((r) => text(record(r).cidrIpv6)) : [];
    return [
      ...[...v4, ...legacy].map((cidr) => egressTo(`SecurityGroupEgress[${i}].CidrIp`, cidr)),
      ...v6.map((cidr) => egressTo(`SecurityGroupEgress[${i}].CidrIpv6`, cidr)),
    ];
  });
}

function egressTo(property: string, cidr: string | undefined): EgressFact {
  return { kind: 'security-group', property, destination: known(cidr) };
}

function functionLogGroup(
  c: Readonly<Record<string, unknown>>,
  options: ConfigItemOptions,
): FunctionLogGroupFact {
  const name = text(record(c.loggingConfig).logGroup) ?? `/aws/lambda/${text(c.functionName) ?? ''}`;
  if (!options.logGroup)
    return { state: 'unknown', reason: `its log group ${name} (not recorded by AWS Config)` };
  const group = options.logGroup(name);
  if (!group) return { state: 'absent', name };
  return { state: 'declared', logGroup: name, retentionDays: known(group.retentionInDays) };
}

function record(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
