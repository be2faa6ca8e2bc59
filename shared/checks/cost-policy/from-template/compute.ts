import {
  asNumber,
  asString,
  flatMapResolved,
  mapResolved,
  resolveAt,
  type TemplateScope,
} from '../../template/resolve.js';
import type { InstanceService, Resolved, SizeFact, VolumeFact } from '../model.js';

type Props = Readonly<Record<string, unknown>>;

/** CloudFormation's default for AWS::EC2::Instance InstanceType (template reference). */
const EC2_INSTANCE_DEFAULT_TYPE = 'm1.small';
/** EC2 CreateVolume's default VolumeType, which AWS::EC2::Volume uses when none is set. */
const EBS_VOLUME_DEFAULT_TYPE = 'gp2';

/** The instance types, classes and node types a template resource sets. */
export function templateSizes(type: string, props: Props, scope: TemplateScope): SizeFact[] | undefined {
  const size = (service: InstanceService, path: readonly (string | number)[]): SizeFact =>
    sizeFact(service, props, path, scope);
  switch (type) {
    case 'AWS::EC2::Instance':
      if (props.InstanceType === undefined)
        return [defaultEc2Type('InstanceType', props, EC2_INSTANCE_DEFAULT_TYPE)];
      return [size('ec2', ['InstanceType'])];
    case 'AWS::EC2::LaunchTemplate':
      return [size('ec2', ['LaunchTemplateData', 'InstanceType'])];
    case 'AWS::AutoScaling::LaunchConfiguration':
      return [size('ec2', ['InstanceType'])];
    case 'AWS::AutoScaling::AutoScalingGroup': {
      const overrides = props.MixedInstancesPolicy;
      const list = resolveAt(overrides, ['LaunchTemplate', 'Overrides'], scope);
      const count = list.kind === 'known' && Array.isArray(list.value) ? list.value.length : 0;
      return Array.from({ length: count }, (_, i) =>
        size('ec2', ['MixedInstancesPolicy', 'LaunchTemplate', 'Overrides', i, 'InstanceType']),
      );
    }
    case 'AWS::RDS::DBInstance':
      return [size('rds', ['DBInstanceClass'])];
    case 'AWS::RDS::DBCluster':
      return [size('rds', ['DBClusterInstanceClass'])];
    case 'AWS::ElastiCache::CacheCluster':
    case 'AWS::ElastiCache::ReplicationGroup':
      return [size('elasticache', ['CacheNodeType'])];
    case 'AWS::OpenSearchService::Domain':
      return searchSizes(props, 'ClusterConfig', scope);
    case 'AWS::Elasticsearch::Domain':
      return searchSizes(props, 'ElasticsearchClusterConfig', scope);
    default:
      return undefined;
  }
}

function searchSizes(props: Props, config: string, scope: TemplateScope): SizeFact[] {
  const at = (field: string): SizeFact => ({
    service: 'opensearch',
    property: `${config}.${field}`,
    value: stringAt(props, [config, field], scope),
  });
  return [at('InstanceType'), at('DedicatedMasterType'), at('WarmType')];
}

/** The EBS volumes and RDS storage a template resource provisions. */
export function templateVolumes(type: string, props: Props, scope: TemplateScope): VolumeFact[] | undefined {
  switch (type) {
    case 'AWS::EC2::Volume':
      return [
        {
          service: 'ebs',
          properties: { type: 'VolumeType', size: 'Size', iops: 'Iops' },
          volumeType: withDefault(stringAt(props, ['VolumeType'], scope), EBS_VOLUME_DEFAULT_TYPE),
          sizeGiB: numberAt(props, ['Size'], scope),
          iops: numberAt(props, ['Iops'], scope),
        },
      ];
    case 'AWS::EC2::Instance':
    case 'AWS::AutoScaling::LaunchConfiguration':
      return blockDevices(props, ['BlockDeviceMappings'], scope);
    case 'AWS::EC2::LaunchTemplate':
      return blockDevices(props, ['LaunchTemplateData', 'BlockDeviceMappings'], scope);
    case 'AWS::RDS::DBInstance':
      return rdsInstanceStorage(props, scope);
    case 'AWS::RDS::DBCluster':
      return rdsClusterStorage(props, scope);
    default:
      return undefined;
  }
}

function blockDevices(props: Props, path: readonly string[], scope: TemplateScope): VolumeFact[] {
  const list = resolveAt(props, path, scope);
  if (list.kind !== 'known' || !Array.isArray(list.value)) return [];
  return list.value.flatMap((mapping, i): VolumeFact[] => {
    const ebs = resolveAt(mapping, ['Ebs'], scope);
    if (ebs.kind === 'known' && ebs.value === undefined) return []; // instance store or NoDevice
    const at = (field: string) => [...path, i, 'Ebs', field];
    const prefix = `${path.join('.')}[${i}].Ebs`;
    return [
      {
        service: 'ebs',
        properties: { type: `${prefix}.VolumeType`, size: `${prefix}.VolumeSize`, iops: `${prefix}.Iops` },
        // Unset, the AMI's own block device mapping decides: not known from the template.
        volumeType: withUnknownDefault(
          stringAt(props, at('VolumeType'), scope),
          "the AMI's block device mapping",
        ),
        sizeGiB: numberAt(props, at('VolumeSize'), scope),
        iops: numberAt(props, at('Iops'), scope),
      },
    ];
  });
}

function rdsInstanceStorage(props: Props, scope: TemplateScope): VolumeFact[] {
  const engine = stringAt(props, ['Engine'], scope);
  // Aurora instances have no storage of their own: the cluster volume is shared.
  if (props.DBClusterIdentifier !== undefined) return [];
  if (engine.kind === 'known' && engine.value?.startsWith('aurora')) return [];
  const iops = numberAt(props, ['Iops'], scope);
  const storage = stringAt(props, ['StorageType'], scope);
  return [
    {
      service: 'rds',
      properties: { type: 'StorageType', size: 'AllocatedStorage', iops: 'Iops' },
      volumeType: flatMapResolved(storage, (t): Resolved<string | undefined> => {
        if (t !== undefined) return { kind: 'known', value: t };
        // RDS picks io1 with Iops; otherwise gp2 or gp3, depending on the API version's default.
        if (iops.kind === 'known' && iops.value !== undefined) return { kind: 'known', value: 'io1' };
        return { kind: 'choice', via: "RDS's default StorageType (gp2 or gp3)", options: ['gp2', 'gp3'] };
      }),
      sizeGiB: numberAt(props, ['AllocatedStorage'], scope),
      iops,
    },
  ];
}

function rdsClusterStorage(props: Props, scope: TemplateScope): VolumeFact[] {
  const engine = stringAt(props, ['Engine'], scope);
  // Aurora's cluster volume (aurora, aurora-iopt1) is another axis than EBS-style storage: only Multi-AZ DB clusters are judged.
  if (engine.kind !== 'known' || engine.value === undefined || engine.value.startsWith('aurora')) return [];
  return [
    {
      service: 'rds',
      properties: { type: 'StorageType', size: 'AllocatedStorage', iops: 'Iops' },
      volumeType: stringAt(props, ['StorageType'], scope),
      sizeGiB: numberAt(props, ['AllocatedStorage'], scope),
      iops: numberAt(props, ['Iops'], scope),
    },
  ];
}

/** The string at a path; a non-string literal is reported as not set. */
/** The size a resource's property names, as a fact for `allowed-instance-types`. */
export function sizeFact(
  service: InstanceService,
  props: unknown,
  path: readonly (string | number)[],
  scope: TemplateScope,
): SizeFact {
  return { service, property: path.join('.'), value: stringAt(props, path, scope) };
}

/**
 * The EC2 type of a resource that leaves it unset: the service's default, or unknown when a launch
 * template the resource names may set it.
 */
export function defaultEc2Type(property: string, props: Props, defaultType: string): SizeFact {
  return {
    service: 'ec2',
    property,
    value:
      props.LaunchTemplate === undefined
        ? { kind: 'known', value: defaultType }
        : { kind: 'unknown', via: 'its LaunchTemplate', options: [] },
  };
}

export function stringAt(
  props: unknown,
  path: readonly (string | number)[],
  scope: TemplateScope,
): Resolved<string | undefined> {
  return mapResolved(resolveAt(props, path, scope), asString);
}

/** The number at a path (`"100"` and `100` alike). */
export function numberAt(
  props: unknown,
  path: readonly (string | number)[],
  scope: TemplateScope,
): Resolved<number | undefined> {
  return mapResolved(resolveAt(props, path, scope), asNumber);
}

function withDefault(value: Resolved<string | undefined>, fallback: string): Resolved<string | undefined> {
  return mapResolved(value, (v) => v ?? fallback);
}

function withUnknownDefault(
  value: Resolved<string | undefined>,
  decidedBy: string,
): Resolved<string | undefined> {
  return flatMapResolved(
    value,
    (v): Resolved<string | undefined> =>
      v === undefined ? { kind: 'unknown', via: decidedBy, options: [] } : { kind: 'known', value: v },
  );
}
