import { anyGlobMatch } from '../glob.js';
import type { CostRuleDefinition, SizeFact } from '../model.js';
import { allOf, COMPLIANT, judgeEach, nonCompliant, notApplicable } from '../verdicts.js';

/**
 * `allowed-instance-types`: EC2 instance types (instances, launch templates,
 * launch configurations, mixed-instances overrides, EKS node groups, EMR
 * instance groups and fleets, Batch compute environments), RDS, Aurora,
 * Neptune and DocumentDB classes, ElastiCache and MemoryDB node types,
 * OpenSearch instance types, Redshift node types, DMS replication instance
 * classes, SageMaker notebook instance types, Amazon MQ broker and MSK
 * broker instance types, the EC2 types that Cloud9, OpsWorks, GameLift,
 * Image Builder, dedicated hosts, capacity reservations and EC2, Spot and
 * capacity reservation fleets name, AppStream instance types, DAX node types
 * and Timestream for InfluxDB instance types must match `allow` and no `deny` glob. A list
 * (`InstanceTypes`) is judged element by element.
 */
export const allowedInstanceTypes: CostRuleDefinition<'allowed-instance-types'> = {
  kind: 'allowed-instance-types',
  templateTypes: [
    'AWS::EC2::Instance',
    'AWS::EC2::LaunchTemplate',
    'AWS::AutoScaling::LaunchConfiguration',
    'AWS::AutoScaling::AutoScalingGroup',
    'AWS::RDS::DBInstance',
    'AWS::RDS::DBCluster',
    'AWS::ElastiCache::CacheCluster',
    'AWS::ElastiCache::ReplicationGroup',
    'AWS::OpenSearchService::Domain',
    'AWS::Elasticsearch::Domain',
    'AWS::Neptune::DBInstance',
    'AWS::DocDB::DBInstance',
    'AWS::DMS::ReplicationInstance',
    'AWS::MemoryDB::Cluster',
    'AWS::Redshift::Cluster',
    'AWS::SageMaker::NotebookInstance',
    'AWS::AmazonMQ::Broker',
    'AWS::MSK::Cluster',
    'AWS::EKS::Nodegroup',
    'AWS::Batch::ComputeEnvironment',
    'AWS::EMR::Cluster',
    'AWS::EMR::InstanceGroupConfig',
    'AWS::EMR::InstanceFleetConfig',
    'AWS::Cloud9::EnvironmentEC2',
    'AWS::OpsWorks::Instance',
    'AWS::OpsWorksCM::Server',
    'AWS::EC2::Host',
    'AWS::EC2::CapacityReservation',
    'AWS::GameLift::Fleet',
    'AWS::GameLift::ContainerFleet',
    'AWS::ImageBuilder::InfrastructureConfiguration',
    'AWS::EC2::SpotFleet',
    'AWS::EC2::EC2Fleet',
    'AWS::EC2::CapacityReservationFleet',
    'AWS::AppStream::Fleet',
    'AWS::AppStream::ImageBuilder',
    'AWS::AppStream::AppBlockBuilder',
    'AWS::DAX::Cluster',
    'AWS::Timestream::InfluxDBInstance',
  ],
  configTypes: [
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
  ],
  readsEnvironment: false,
  judge(resource, rule) {
    const sizes = (resource.facts.sizes ?? []).filter(
      (size) => !rule.services || rule.services.includes(size.service),
    );
    if (sizes.length === 0) return notApplicable('has no instance type this rule judges');
    return allOf(
      sizes.map((size) =>
        judgeEach(
          size.value,
          (type) => type ?? 'not set',
          (type) => judgeType(type, size, rule.allow, rule.deny),
        ),
      ),
      'has no instance type set',
    );
  },
};

/**
 * The name prefixes of each service's vocabulary (the services' own docs:
 * `db.r6g.large`, `cache.t4g.small`, `dms.t3.medium`, `ml.t3.medium`,
 * `mq.m5.large`, `kafka.m5.large` or `express.m7g.large`, Redshift's
 * `ra3.*`/`dc2.*`/`ds2.*`/`dc1.*`, `stream.standard.small`, `dax.r5.large`,
 * `db.influx.large`). EC2 names (also EKS, EMR and Batch)
 * have none; OpenSearch's end in `.search` instead.
 */
const PREFIXES: Readonly<Record<Exclude<SizeFact['service'], 'ec2' | 'opensearch'>, readonly string[]>> = {
  rds: ['db.'],
  memorydb: ['db.'],
  elasticache: ['cache.'],
  dms: ['dms.'],
  sagemaker: ['ml.'],
  mq: ['mq.'],
  msk: ['kafka.', 'express.'],
  redshift: ['ra3.', 'dc2.', 'ds2.', 'dc1.'],
  appstream: ['stream.'],
  dax: ['dax.'],
  'timestream-influxdb': ['db.influx.'],
};
const OTHER_PREFIXES = Object.values(PREFIXES).flat();

/** The allow patterns that can match the service's names, for a readable fix; all of them if none does. */
function patternsFor(service: SizeFact['service'], allow: readonly string[]): readonly string[] {
  const fits = (p: string) => {
    const wild = p.startsWith('*') || p.startsWith('?');
    switch (service) {
      case 'opensearch':
        return p.endsWith('.search') || p === '*';
      case 'ec2':
        return !OTHER_PREFIXES.some((prefix) => p.startsWith(prefix)) && !p.endsWith('.search');
      default:
        // db.influx.* names Timestream for InfluxDB, not the RDS or MemoryDB classes that share db.
        if (p.startsWith('db.influx.') && service !== 'timestream-influxdb') return false;
        return wild || PREFIXES[service].some((prefix) => p.startsWith(prefix));
    }
  };
  const mine = allow.filter(fits);
  return mine.length ? mine : allow;
}

function judgeType(
  type: string | undefined,
  size: SizeFact,
  allow: readonly string[],
  deny: readonly string[],
) {
  if (type === undefined) return notApplicable(`${size.property} is not set`);
  const fix = `set ${size.property} to a type the policy allows (${patternsFor(size.service, allow).join(', ')})`;
  const denied = deny.find((pattern) => anyGlobMatch([pattern], type));
  if (denied !== undefined) return nonCompliant(`${size.property} ${type} matches the denied ${denied}`, fix);
  if (!anyGlobMatch(allow, type)) return nonCompliant(`${size.property} ${type} is not an allowed type`, fix);
  return COMPLIANT;
}
