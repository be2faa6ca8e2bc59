import * as z from 'zod';
import { CATEGORIES, CHECKS, FINDING_TYPES, SUMMARY_MAX } from './constants.js';
import { SEVERITIES } from './severity.js';

export const resourceRefSchema = z
  .object({
    arn: z.string().optional(),
    accountId: z.string().optional(),
    region: z.string().optional(),
    type: z.string().optional(),
  })
  .strict();

export const ownerRefSchema = z
  .object({
    team: z.string(),
    contact: z.string().optional(),
    source: z.enum(['resource-tag', 'account-tag', 'config', 'default']),
  })
  .strict();

export const linksSchema = z
  .object({
    runbook: z.url().optional(),
    console: z.url().optional(),
    /** The latest report (HTML) this finding appears in. */
    report: z.url().optional(),
  })
  .strict();

/**
 * What a check concludes about one problem. A finding carries no lifecycle:
 * reconcile turns it into trigger and resolve events.
 */
export const findingSchema = z
  .object({
    check: z.enum(CHECKS),
    rule: z.string().min(1),
    type: z.enum(FINDING_TYPES),
    /** Identity of the problem within check and rule: account, resource, workload… never measured values. */
    identity: z.array(z.string().min(1)).min(1),
    /** The observation scope this finding belongs to; it resolves only when a run completes this scope. */
    scope: z.string().min(1),
    severity: z.enum(SEVERITIES),
    category: z.enum(CATEGORIES),
    subject: z.string().min(1),
    /** Who observed it: an account id, `org` or `observer`. Becomes part of the CloudEvents source. */
    origin: z.string().regex(/^[\w.-]+$/, 'must be an account id, org or observer'),
    summary: z.string().min(1).max(SUMMARY_MAX),
    resource: resourceRefSchema.optional(),
    owner: ownerRefSchema.optional(),
    impact: z.object({ usdPerMonth: z.number().finite() }).strict().optional(),
    evidence: z.record(z.string(), z.unknown()).default({}),
    links: linksSchema.optional(),
  })
  .strict();

export type Finding = z.infer<typeof findingSchema>;
export type FindingInput = z.input<typeof findingSchema>;

/** Cuts a summary to the limit, marking the cut, so no sink rejects it. */
export function clampSummary(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= SUMMARY_MAX ? flat : `${flat.slice(0, SUMMARY_MAX - 1)}…`;
}
