import type { GuardrailsConfig } from '../shared/config/schema.js';

/**
 * Stack and role names the stacks agree on without CDK: trust policies,
 * queue policies and the CLI's `queue-policy` name roles of other stacks by
 * these patterns, because those roles live in other accounts.
 */

/** Stack names; role name patterns in other accounts' trust policies are derived from them. */
export const STACK_NAMES = {
  guardrails: 'GuardrailsStack',
  managementAccess: 'ManagementAccessStack',
  memberReadRole: 'MemberReadRole',
  probe: 'ProbeStack',
} as const;

/** Construct id of the probe function; its role is `<stack name>-ProbeRole<hash>-<random>`. */
export const PROBE_FUNCTION_ID = 'Probe';

/**
 * The probe stack's name in an observer region: `ProbeStack` in the primary
 * region, as with a single region, and `ProbeStack-<region>` in the others.
 */
export function probeStackName(config: GuardrailsConfig, region: string): string {
  return region === config.deployment.observer.region ? STACK_NAMES.probe : `${STACK_NAMES.probe}-${region}`;
}

/**
 * The name pattern of a role CloudFormation creates for a construct: it
 * names roles `<stack name>-<logical id>-<random>`, and the logical id
 * starts with the construct id.
 */
export function roleNamePattern(stackName: string, constructId: string): string {
  return `${stackName}-${constructId}Role*`;
}
