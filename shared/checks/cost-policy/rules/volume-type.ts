import type { CostRuleDefinition, VolumeFact } from '../model.js';
import { allOf, COMPLIANT, judgeEach, nonCompliant, notApplicable } from '../verdicts.js';

/**
 * `volume-type`: EBS volumes (and the block device mappings of instances,
 * launch templates and launch configurations) and RDS storage use one of
 * `allowedTypes`, within the optional size and IOPS caps.
 */
export const volumeType: CostRuleDefinition<'volume-type'> = {
  kind: 'volume-type',
  templateTypes: [
    'AWS::EC2::Volume',
    'AWS::EC2::Instance',
    'AWS::EC2::LaunchTemplate',
    'AWS::AutoScaling::LaunchConfiguration',
    'AWS::RDS::DBInstance',
    'AWS::RDS::DBCluster',
  ],
  configTypes: [
    'AWS::EC2::Volume',
    'AWS::EC2::LaunchTemplate',
    'AWS::AutoScaling::LaunchConfiguration',
    'AWS::RDS::DBInstance',
  ],
  readsEnvironment: false,
  judge(resource, rule) {
    const volumes = (resource.facts.volumes ?? []).filter(
      (v) => !rule.services || rule.services.includes(v.service),
    );
    if (volumes.length === 0) return notApplicable('has no EBS volume or RDS storage this rule judges');
    return allOf(
      volumes.map((volume) =>
        allOf(
          [
            judgeEach(
              volume.volumeType,
              (t) => t ?? 'not set',
              (t) => judgeType(t, volume, rule.allowedTypes),
            ),
            judgeCap(volume, 'sizeGiB', 'GiB', rule.maxSizeGiB),
            judgeCap(volume, 'iops', 'IOPS', rule.maxIops),
          ],
          'no volume settings',
        ),
      ),
      'no volumes',
    );
  },
};

function judgeType(type: string | undefined, volume: VolumeFact, allowed: readonly string[]) {
  const property = volume.properties.type;
  if (type === undefined) return notApplicable(`${property} is not set`);
  if (allowed.includes(type)) return COMPLIANT;
  return nonCompliant(
    `${property} ${type} is not an allowed type (${allowed.join(', ')})`,
    `set ${property} to ${allowed.join(' or ')}`,
  );
}

function judgeCap(volume: VolumeFact, field: 'sizeGiB' | 'iops', unit: string, max: number | undefined) {
  if (max === undefined) return notApplicable(`no ${unit} cap`);
  const property = field === 'iops' ? volume.properties.iops : volume.properties.size;
  return judgeEach(
    volume[field],
    (n) => (n === undefined ? 'not set' : `${n} ${unit}`),
    (n) =>
      n === undefined || n <= max
        ? COMPLIANT
        : nonCompliant(`${property} ${n} ${unit} is more than ${max}`, `set ${property} to at most ${max}`),
  );
}
