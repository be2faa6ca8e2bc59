import { anyGlobMatch } from '../glob.js';
import type { CostRuleDefinition, SizeFact } from '../model.js';
import { allOf, COMPLIANT, judgeEach, nonCompliant, notApplicable } from '../verdicts.js';

/**
 * `allowed-instance-types`: EC2 instance types (instances, launch templates,
 * launch configurations, mixed-instances overrides), RDS and Aurora classes,
 * ElastiCache node types and OpenSearch instance types must match `allow`
 * and no `deny` glob.
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
  ],
  configTypes: [
    'AWS::EC2::Instance',
    'AWS::EC2::LaunchTemplate',
    'AWS::AutoScaling::LaunchConfiguration',
    'AWS::RDS::DBInstance',
    'AWS::OpenSearch::Domain',
    'AWS::Elasticsearch::Domain',
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

/** The allow patterns that can match the service's names, for a readable fix; all of them if none does. */
function patternsFor(service: SizeFact['service'], allow: readonly string[]): readonly string[] {
  const fits = (p: string) => {
    const wild = p.startsWith('*') || p.startsWith('?');
    switch (service) {
      case 'rds':
        return wild || p.startsWith('db.');
      case 'elasticache':
        return wild || p.startsWith('cache.');
      case 'opensearch':
        return p.endsWith('.search') || p === '*';
      case 'ec2':
        return !p.startsWith('db.') && !p.startsWith('cache.') && !p.endsWith('.search');
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
