import { z } from 'zod';
import { CATEGORIES, CHECKS, FINDING_TYPES } from './constants.js';
import { linksSchema, ownerRefSchema, resourceRefSchema } from './finding.js';
import { SEVERITIES } from './severity.js';

/** What a resolve event needs to say about a problem after the finding is gone. */
export const findingSnapshotSchema = z
  .object({
    type: z.enum(FINDING_TYPES),
    rule: z.string(),
    subject: z.string(),
    origin: z.string(),
    summary: z.string(),
    category: z.enum(CATEGORIES),
    resource: resourceRefSchema.optional(),
    owner: ownerRefSchema.optional(),
    impact: z.object({ usdPerMonth: z.number() }).strict().optional(),
    links: linksSchema.optional(),
  })
  .strict();

/**
 * One problem's lifecycle, as kept in the state store. Resolved records are
 * kept (for `resolvedRetention`) so that a problem that comes back continues
 * its sequence and consumers can drop stale events.
 */
export const incidentRecordSchema = z
  .object({
    dedupkey: z.string().min(1),
    check: z.enum(CHECKS),
    scope: z.string().min(1),
    status: z.enum(['open', 'resolved']),
    severity: z.enum(SEVERITIES),
    sequence: z.number().int().min(1),
    firstSeen: z.iso.datetime(),
    lastSeen: z.iso.datetime(),
    lastNotified: z.iso.datetime(),
    snapshot: findingSnapshotSchema,
    /** Optimistic-lock version; each committed change increments it. */
    version: z.number().int().min(1),
  })
  .strict();

export type IncidentRecord = z.infer<typeof incidentRecordSchema>;

/** A record to write, and the version the store must still hold (null: must not exist yet). */
export interface IncidentWrite {
  readonly record: IncidentRecord;
  readonly expectedVersion: number | null;
}

/** Check-owned memory, such as when a resource was first seen or a probe's consecutive failures. */
export interface MemoryChanges {
  /** A Map: a first run over a large org sets hundreds of thousands of keys. */
  readonly set: ReadonlyMap<string, unknown>;
  readonly delete: readonly string[];
}

export interface CheckState {
  readonly incidents: readonly IncidentRecord[];
  readonly memory: ReadonlyMap<string, unknown>;
}

export interface StateChanges {
  readonly incidents: readonly IncidentWrite[];
  readonly memory: MemoryChanges;
}

export const NO_MEMORY_CHANGES: MemoryChanges = { set: new Map(), delete: [] };
