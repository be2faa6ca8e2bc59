/** The checks this project runs. Each owns its state partition and event source. */
export const CHECKS = ['tag-coverage', 'cost-anomaly', 'probe', 'cost-policy'] as const;
export type CheckName = (typeof CHECKS)[number];

/** CloudEvents `type` values, without the `finops-guardrails.` prefix. */
export const FINDING_TYPES = [
  'tag.violation',
  'tag.coverage',
  'cost.anomaly',
  'budget.forecast',
  'probe.failure',
  'guardrail.scan-gap',
  'guardrail.policy',
] as const;
export type FindingType = (typeof FINDING_TYPES)[number];

export const CATEGORIES = ['cost', 'tagging', 'availability', 'guardrail'] as const;
export type Category = (typeof CATEGORIES)[number];

export const ACTIONS = ['trigger', 'resolve'] as const;
export type Action = (typeof ACTIONS)[number];

export const EVENT_TYPE_PREFIX = 'finops-guardrails.';

/** PagerDuty's summary limit; the first 130 characters must stand alone (DESIGN §3). */
export const SUMMARY_MAX = 1024;
/** SQS FIFO MessageGroupId and MessageDeduplicationId allow 128 characters; PagerDuty's dedup_key 255. */
export const DEDUPKEY_MAX = 128;
