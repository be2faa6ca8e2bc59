import * as z from 'zod/mini';
import { ACTIONS, CATEGORIES, CHECKS, EVENT_TYPE_PREFIX, FINDING_TYPES, SUMMARY_MAX } from './constants.js';
import { linksSchema, ownerRefSchema, resourceRefSchema } from './finding.js';
import { SEVERITIES } from './severity.js';
import './zod-locale.js';

/**
 * The incident envelope: a CloudEvents 1.0 structured JSON event with the
 * extensions of DESIGN §3. This schema is the source of truth; the JSON
 * Schema in `schemas/incident-envelope.schema.json` is generated from it.
 */
export const envelopeSchema = z.strictObject({
  specversion: z.literal('1.0'),
  id: z.string().check(z.minLength(1)),
  source: z.string().check(z.regex(/^finops-guardrails\/[a-z-]+\/[\w.-]+$/)),
  type: z.enum(FINDING_TYPES.map((t) => `${EVENT_TYPE_PREFIX}${t}` as `finops-guardrails.${typeof t}`)),
  subject: z.string().check(z.minLength(1)),
  time: z.iso.datetime(),
  datacontenttype: z.literal('application/json'),
  dedupkey: z.string().check(z.minLength(1), z.maxLength(128)),
  action: z.enum(ACTIONS),
  severity: z.enum(SEVERITIES),
  sequence: z.number().check(z.int(), z.gte(1)),
  data: z.strictObject({
    summary: z.string().check(z.minLength(1), z.maxLength(SUMMARY_MAX)),
    category: z.enum(CATEGORIES),
    check: z.enum(CHECKS),
    rule: z.string().check(z.minLength(1)),
    resource: z.optional(resourceRefSchema),
    owner: z.optional(ownerRefSchema),
    impact: z.optional(z.strictObject({ usdPerMonth: z.number() })),
    evidence: z.record(z.string(), z.unknown()),
    links: z.optional(linksSchema),
    firstSeen: z.iso.datetime(),
    lastSeen: z.iso.datetime(),
  }),
});

export type Envelope = z.infer<typeof envelopeSchema>;
