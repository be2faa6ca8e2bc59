import * as z from 'zod/mini';
import { CATEGORIES, CHECKS, FINDING_TYPES, SUMMARY_MAX } from './constants.js';
import { SEVERITIES } from './severity.js';
import './zod-locale.js';

export const resourceRefSchema = z.strictObject({
  arn: z.optional(z.string()),
  accountId: z.optional(z.string()),
  region: z.optional(z.string()),
  type: z.optional(z.string()),
});

export const ownerRefSchema = z.strictObject({
  team: z.string(),
  contact: z.optional(z.string()),
  source: z.enum(['resource-tag', 'account-tag', 'config', 'default']),
});

export const linksSchema = z.strictObject({
  runbook: z.optional(z.url()),
  console: z.optional(z.url()),
  /** The latest report (HTML) this finding appears in. */
  report: z.optional(z.url()),
});

/**
 * What a check concludes about one problem. A finding carries no lifecycle:
 * reconcile turns it into trigger and resolve events.
 */
export const findingSchema = z.strictObject({
  check: z.enum(CHECKS),
  rule: z.string().check(z.minLength(1)),
  type: z.enum(FINDING_TYPES),
  /** Identity of the problem within check and rule: account, resource, workload… never measured values. */
  identity: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  /** The observation scope this finding belongs to; it resolves only when a run completes this scope. */
  scope: z.string().check(z.minLength(1)),
  severity: z.enum(SEVERITIES),
  category: z.enum(CATEGORIES),
  subject: z.string().check(z.minLength(1)),
  /** Who observed it: an account id, `org` or `observer`. Becomes part of the CloudEvents source. */
  origin: z.string().check(z.regex(/^[\w.-]+$/, 'must be an account id, org or observer')),
  summary: z.string().check(z.minLength(1), z.maxLength(SUMMARY_MAX)),
  resource: z.optional(resourceRefSchema),
  owner: z.optional(ownerRefSchema),
  // z.number() refuses Infinity and NaN: classic's `.finite()` was a no-op.
  impact: z.optional(z.strictObject({ usdPerMonth: z.number() })),
  evidence: z._default(z.record(z.string(), z.unknown()), {}),
  links: z.optional(linksSchema),
});

export type Finding = z.infer<typeof findingSchema>;
export type FindingInput = z.input<typeof findingSchema>;

/** Cuts a summary to the limit, marking the cut, so no sink rejects it. */
export function clampSummary(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= SUMMARY_MAX ? flat : `${flat.slice(0, SUMMARY_MAX - 1)}…`;
}
