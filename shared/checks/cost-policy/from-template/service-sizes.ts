import { asString, resolveAt, type TemplateScope } from '../../template/resolve.js';
import type { InstanceService, Resolved, SizeFact } from '../model.js';
import { defaultEc2Type, sizeFact as size, stringAt } from './compute.js';

type Props = Readonly<Record<string, unknown>>;
type Path = readonly (string | number)[];

/**
 * Managed node groups launch t3.medium when neither `InstanceTypes` nor the
 * launch template names a type (EKS CreateNodegroup, `instanceTypes`).
 */
const EKS_NODEGROUP_DEFAULT_TYPE = 't3.medium';

/**
 * The instance classes and node types of managed services that run sized
 * instances (and of services that launch EC2 instances of a type they name:
 * Cloud9, OpsWorks, GameLift, Image Builder, dedicated hosts, capacity
 * reservations and the three EC2 fleets), beyond EC2, RDS, ElastiCache and OpenSearch
 * ({@link templateSizes} covers those). Property paths are those of the
 * CloudFormation template reference for each type. A list-valued property
 * (`InstanceTypes`, instance groups and fleets) gives one fact per element;
 * a list computed as a whole gives one fact whose candidates are every
 * element of every value it may take.
 */
export function serviceSizes(type: string, props: Props, scope: TemplateScope): SizeFact[] | undefined {
  const one = (service: InstanceService, path: Path): SizeFact[] => [size(service, props, path, scope)];
  switch (type) {
    // Neptune and DocumentDB instances are RDS DB instances underneath: RDS's db.* classes.
    case 'AWS::Neptune::DBInstance':
    case 'AWS::DocDB::DBInstance':
      return one('rds', ['DBInstanceClass']);
    case 'AWS::DMS::ReplicationInstance':
      return one('dms', ['ReplicationInstanceClass']);
    case 'AWS::MemoryDB::Cluster':
      return one('memorydb', ['NodeType']);
    case 'AWS::Redshift::Cluster':
      return one('redshift', ['NodeType']);
    case 'AWS::SageMaker::NotebookInstance':
      return one('sagemaker', ['InstanceType']);
    case 'AWS::AmazonMQ::Broker':
      return one('mq', ['HostInstanceType']);
    case 'AWS::MSK::Cluster':
      return one('msk', ['BrokerNodeGroupInfo', 'InstanceType']);
    case 'AWS::EKS::Nodegroup':
      return eksNodegroupSizes(props, scope);
    case 'AWS::Batch::ComputeEnvironment':
      // Fargate environments and unmanaged ones have no InstanceTypes: nothing to judge.
      return listSizes('ec2', props, ['ComputeResources', 'InstanceTypes'], scope);
    case 'AWS::EMR::Cluster':
      return emrClusterSizes(props, scope);
    case 'AWS::EMR::InstanceGroupConfig':
      return one('ec2', ['InstanceType']);
    case 'AWS::EMR::InstanceFleetConfig':
      return listOfObjects(props, ['InstanceTypeConfigs'], ['InstanceType'], scope);
    // Services that launch (or reserve capacity for) EC2 instances of a type they name themselves.
    case 'AWS::Cloud9::EnvironmentEC2':
    case 'AWS::OpsWorks::Instance':
    case 'AWS::OpsWorksCM::Server':
    case 'AWS::EC2::Host':
    case 'AWS::EC2::CapacityReservation':
      return one('ec2', ['InstanceType']);
    case 'AWS::GameLift::Fleet':
      // Anywhere and container fleets name no EC2InstanceType: not set, nothing to judge.
      return one('ec2', ['EC2InstanceType']);
    case 'AWS::ImageBuilder::InfrastructureConfiguration':
      return listSizes('ec2', props, ['InstanceTypes'], scope);
    case 'AWS::GameLift::ContainerFleet':
      return gameLiftContainerFleetSizes(props, scope);
    // Fleets that launch or reserve EC2 capacity from a nested list of types. An override that
    // selects by attributes (InstanceRequirements) names no type: nothing to judge there.
    case 'AWS::EC2::SpotFleet':
      return [
        ...listOfObjects(props, [...SPOT_CONFIG, 'LaunchSpecifications'], ['InstanceType'], scope),
        ...nestedListOfObjects(
          props,
          [...SPOT_CONFIG, 'LaunchTemplateConfigs'],
          ['Overrides'],
          ['InstanceType'],
          scope,
        ),
      ];
    case 'AWS::EC2::EC2Fleet':
      return nestedListOfObjects(props, ['LaunchTemplateConfigs'], ['Overrides'], ['InstanceType'], scope);
    case 'AWS::EC2::CapacityReservationFleet':
      return listOfObjects(props, ['InstanceTypeSpecifications'], ['InstanceType'], scope);
    // Services with instance names of their own: stream.standard.small, dax.r5.large, db.influx.large.
    case 'AWS::AppStream::Fleet':
    case 'AWS::AppStream::ImageBuilder':
    case 'AWS::AppStream::AppBlockBuilder':
      return one('appstream', ['InstanceType']);
    case 'AWS::DAX::Cluster':
      return one('dax', ['NodeType']);
    case 'AWS::Timestream::InfluxDBInstance':
      return one('timestream-influxdb', ['DbInstanceType']);
    default:
      return undefined;
  }
}

const SPOT_CONFIG = ['SpotFleetRequestConfigData'];

/** A container fleet with no InstanceType runs on one GameLift picks for its container groups (CreateContainerFleet). */
function gameLiftContainerFleetSizes(props: Props, scope: TemplateScope): SizeFact[] {
  const fact = size('ec2', props, ['InstanceType'], scope);
  if (fact.value.kind === 'known' && fact.value.value === undefined)
    return [{ ...fact, value: { kind: 'unknown', via: "GameLift's choice (no InstanceType)", options: [] } }];
  return [fact];
}

function eksNodegroupSizes(props: Props, scope: TemplateScope): SizeFact[] {
  const path = ['InstanceTypes'];
  const listed = resolveAt(props, path, scope);
  if (listed.kind === 'known' && listed.value === undefined)
    return [defaultEc2Type('InstanceTypes', props, EKS_NODEGROUP_DEFAULT_TYPE)];
  return listSizes('ec2', props, path, scope);
}

/** The master, core and task groups or fleets of a cluster's `Instances`. */
function emrClusterSizes(props: Props, scope: TemplateScope): SizeFact[] {
  const instances = ['Instances'];
  return [
    ...['MasterInstanceGroup', 'CoreInstanceGroup'].flatMap((group) =>
      present(props, [...instances, group], scope)
        ? [size('ec2', props, [...instances, group, 'InstanceType'], scope)]
        : [],
    ),
    ...listOfObjects(props, [...instances, 'TaskInstanceGroups'], ['InstanceType'], scope),
    ...['MasterInstanceFleet', 'CoreInstanceFleet'].flatMap((fleet) =>
      listOfObjects(props, [...instances, fleet, 'InstanceTypeConfigs'], ['InstanceType'], scope),
    ),
    ...eachElement(props, [...instances, 'TaskInstanceFleets'], scope).flatMap((fleet) =>
      listOfObjects(props, [...fleet, 'InstanceTypeConfigs'], ['InstanceType'], scope),
    ),
  ];
}

function present(props: Props, path: Path, scope: TemplateScope): boolean {
  const value = resolveAt(props, path, scope);
  return !(value.kind === 'known' && value.value === undefined);
}

/**
 * The paths of a list's elements when the list is written out; a list
 * computed as a whole is judged through {@link listSizes} or
 * {@link listOfObjects} instead.
 */
function eachElement(props: Props, path: Path, scope: TemplateScope): Path[] {
  const list = resolveAt(props, path, scope);
  if (list.kind !== 'known' || !Array.isArray(list.value)) return [];
  return list.value.map((_, i) => [...path, i]);
}

/** A list of objects with a size field each (`InstanceTypeConfigs[].InstanceType`). */
function listOfObjects(props: Props, path: Path, field: Path, scope: TemplateScope): SizeFact[] {
  const list = resolveAt(props, path, scope);
  if (list.kind === 'known') {
    if (!Array.isArray(list.value)) return [];
    return list.value.map((_, i) => size('ec2', props, [...path, i, ...field], scope));
  }
  // The list itself is computed (`!If` between two lists, an import): judge every element it may hold.
  const options = list.options.flatMap((option) =>
    Array.isArray(option) ? option.flatMap((element) => candidates(stringAt(element, field, scope))) : [],
  );
  return [{ service: 'ec2', property: [...path, ...field].join('.'), value: { ...list, options } }];
}

/**
 * Lists of objects inside a list's elements (`LaunchTemplateConfigs[].Overrides[].InstanceType`);
 * an outer list computed as a whole gives one fact with every type it may hold.
 */
function nestedListOfObjects(
  props: Props,
  outer: Path,
  inner: Path,
  field: Path,
  scope: TemplateScope,
): SizeFact[] {
  const list = resolveAt(props, outer, scope);
  if (list.kind === 'known')
    return eachElement(props, outer, scope).flatMap((element) =>
      listOfObjects(props, [...element, ...inner], field, scope),
    );
  const options = list.options.flatMap((option) =>
    Array.isArray(option)
      ? option.flatMap((element) => {
          const items = resolveAt(element, inner, scope);
          const known = items.kind === 'known' ? [items.value] : items.options;
          return known.flatMap((each) =>
            Array.isArray(each) ? each.flatMap((item) => candidates(stringAt(item, field, scope))) : [],
          );
        })
      : [],
  );
  return [
    { service: 'ec2', property: [...outer, ...inner, ...field].join('.'), value: { ...list, options } },
  ];
}

/** A list of size strings (`InstanceTypes`), judged per element. */
function listSizes(service: InstanceService, props: Props, path: Path, scope: TemplateScope): SizeFact[] {
  const list = resolveAt(props, path, scope);
  if (list.kind === 'known') {
    if (list.value === undefined) return [];
    if (!Array.isArray(list.value)) return [size(service, props, path, scope)];
    return list.value.map((_, i) => size(service, props, [...path, i], scope));
  }
  // A CommaDelimitedList parameter, `Fn::Split`, `!If` between lists: every element of every candidate.
  const value: Resolved<string | undefined> = { ...list, options: list.options.flatMap(elements) };
  return [{ service, property: path.join('.'), value }];
}

function candidates(value: Resolved<string | undefined>): (string | undefined)[] {
  return value.kind === 'known' ? [value.value] : [...value.options];
}

/** The elements of one candidate list: an array, or a CommaDelimitedList's `"a,b"`. */
function elements(option: unknown): (string | undefined)[] {
  if (Array.isArray(option)) return option.map(asString);
  const text = asString(option);
  return text === undefined ? [undefined] : text.split(',').map((t) => t.trim());
}
