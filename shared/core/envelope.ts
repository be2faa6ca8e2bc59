import * as z from 'zod';
import { ACTIONS, CATEGORIES, CHECKS, EVENT_TYPE_PREFIX, FINDING_TYPES, SUMMARY_MAX } from './constants.js';
import { linksSchema, ownerRefSchema, resourceRefSchema } from './finding.js';
import { SEVERITIES } from './severity.js';

/**
 * The incident envelope: a CloudEvents 1.0 structured JSON event with the
 * extensions of DESIGN §3. This schema is the source of truth; the JSON
 * Schema in `schemas/incident-envelope.schema.json` is generated from it.
 */
export const envelopeSchema = z
  .object({
    specversion: z.literal('1.0'),
    id: z.string().min(1),
    source: z.string().regex(/^finops-guardrails\/[a-z-]+\/[\w.-]+$/),
    type: z.enum(FINDING_TYPES.map((t) => `${EVENT_TYPE_PREFIX}${t}` as `finops-guardrails.${typeof t}`)),
    subject: z.string().min(1),
    time: z.iso.datetime(),
    datacontenttype: z.literal('application/json'),
    dedupkey: z.string().min(1).max(128),
    action: z.enum(ACTIONS),
    severity: z.enum(SEVERITIES),
    sequence: z.number().int().min(1),
    data: z
      .object({
        summary: z.string().min(1).max(SUMMARY_MAX),
        category: z.enum(CATEGORIES),
        check: z.enum(CHECKS),
        rule: z.string().min(1),
        resource: resourceRefSchema.optional(),
        owner: ownerRefSchema.optional(),
        impact: z.object({ usdPerMonth: z.number() }).strict().optional(),
        evidence: z.record(z.string(), z.unknown()),
        links: linksSchema.optional(),
        firstSeen: z.iso.datetime(),
        lastSeen: z.iso.datetime(),
      })
      .strict(),
  })
  .strict();

export type Envelope = z.infer<typeof envelopeSchema>;
