import type { CostRuleDefinition } from '../model.js';
import { COMPLIANT, nonCompliant, notApplicable } from '../verdicts.js';

/**
 * `resource-limit`: at most `max` resources of `resourceType` per
 * environment, counted in one template before deploy and in one account
 * at runtime (for example, no `AWS::EC2::NatGateway` in `dev`).
 */
export const resourceLimit: CostRuleDefinition<'resource-limit'> = {
  kind: 'resource-limit',
  // Any type: the rule names it.
  templateTypes: ['*'],
  configTypes: ['*'],
  readsEnvironment: true,
  judge(resource, rule, context) {
    if (resource.type !== rule.resourceType) return notApplicable(`not an ${rule.resourceType}`);
    const where =
      context.environment === undefined
        ? `with no ${context.environmentTagKey} tag`
        : `in ${context.environment}`;
    const count = context.peers.length;
    if (count <= rule.max) return COMPLIANT;
    if (rule.max === 0)
      return nonCompliant(
        `${rule.resourceType} is not allowed ${where}`,
        `remove it, or deploy it to an environment the rule ${rule.id} does not cover`,
      );
    return nonCompliant(
      `${count} ${rule.resourceType} ${where}, at most ${rule.max} allowed: ${context.peers.map((p) => p.id).join(', ')}`,
      `remove ${count - rule.max} of them, or share one`,
    );
  },
};
