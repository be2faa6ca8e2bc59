import type { GuardrailsConfig } from '../shared/config/schema.js';

/**
 * What a config deploys, decided without CDK: the stacks and the cost model
 * (and so the CLI's `cost-estimate`, which must not load aws-cdk-lib) share
 * these answers.
 */

/** Accounts per Distributed Map child execution: a worker scans a few accounts with its own bounded concurrency. */
export const FAN_OUT_ITEMS_PER_BATCH = 5;

/** The sinks the forwarder delivers to, as configured. */
export function forwardedSinks(config: GuardrailsConfig): Array<'pagerduty' | 'slack' | 'eventbridge'> {
  const { pagerduty, slack, eventbridge } = config.sinks;
  return [
    ...(pagerduty ? (['pagerduty'] as const) : []),
    ...(slack ? (['slack'] as const) : []),
    ...(eventbridge ? (['eventbridge'] as const) : []),
  ];
}

/**
 * Whether the stack deploys the tag-coverage Distributed Map: always with
 * `accounts: auto`, since the organization may outgrow the threshold after
 * deploy (the function decides per run), and with a fixed list only when it
 * is already longer than `fanOutAboveAccounts`.
 */
export function needsFanOut(config: GuardrailsConfig): boolean {
  const { accounts, excludeAccounts, fanOutAboveAccounts } = config.organization;
  if (accounts === 'auto') return true;
  return accounts.filter((a) => !excludeAccounts.includes(a)).length > fanOutAboveAccounts;
}
