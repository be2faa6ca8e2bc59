import { isDeepStrictEqual } from 'node:util';
import * as z from 'zod/mini';
import { CATEGORIES, CHECKS, FINDING_TYPES } from './constants.js';
import type { Envelope } from './envelope.js';
import { envelopeSchema } from './envelope.js';
import { StateConflictError } from './errors.js';
import { linksSchema, ownerRefSchema, resourceRefSchema } from './finding.js';
import { SEVERITIES } from './severity.js';
import './zod-locale.js';

/** What a resolve event needs to say about a problem after the finding is gone. */
export const findingSnapshotSchema = z.strictObject({
  type: z.enum(FINDING_TYPES),
  rule: z.string(),
  subject: z.string(),
  origin: z.string(),
  summary: z.string(),
  category: z.enum(CATEGORIES),
  resource: z.optional(resourceRefSchema),
  owner: z.optional(ownerRefSchema),
  impact: z.optional(z.strictObject({ usdPerMonth: z.number() })),
  links: z.optional(linksSchema),
});

/**
 * One problem's lifecycle, as kept in the state store. Resolved records are
 * kept (for `resolvedRetention`) so that a problem that comes back continues
 * its sequence and consumers can drop stale events.
 */
export const incidentRecordSchema = z.strictObject({
  dedupkey: z.string().check(z.minLength(1)),
  check: z.enum(CHECKS),
  scope: z.string().check(z.minLength(1)),
  status: z.enum(['open', 'resolved']),
  severity: z.enum(SEVERITIES),
  sequence: z.number().check(z.int(), z.gte(1)),
  firstSeen: z.iso.datetime(),
  lastSeen: z.iso.datetime(),
  lastNotified: z.iso.datetime(),
  snapshot: findingSnapshotSchema,
  /** Optimistic-lock version; each committed change increments it. */
  version: z.number().check(z.int(), z.gte(1)),
});

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

export interface StateChanges {
  readonly incidents: readonly IncidentWrite[];
  readonly memory: MemoryChanges;
}

/**
 * One run's outcome, kept whole until it is delivered and applied: the
 * events with their reserved sequences, and the state changes that produced
 * them. Staged before any delivery and applied (then cleared) only after
 * every sink accepted every event, so a run killed in between leaves this
 * behind, and the next run re-sends exactly these bodies before computing
 * anything new (DESIGN §7).
 */
export interface Outbox extends StateChanges {
  /** The run that produced it (its lease holder). */
  readonly id: string;
  readonly createdAt: string;
  readonly events: readonly Envelope[];
}

/** How an outbox is kept in a file or a DynamoDB item (memory as pairs, since JSON has no Map). */
export const storedOutboxSchema = z.strictObject({
  id: z.string().check(z.minLength(1)),
  createdAt: z.iso.datetime(),
  events: z.array(envelopeSchema),
  incidents: z.array(
    z.strictObject({
      record: incidentRecordSchema,
      expectedVersion: z.nullable(z.number().check(z.int(), z.gte(1))),
    }),
  ),
  memory: z.strictObject({ set: z.array(z.tuple([z.string(), z.unknown()])), delete: z.array(z.string()) }),
});
export type StoredOutbox = z.infer<typeof storedOutboxSchema>;

/** The JSON form of an outbox. */
export function storedOutbox(outbox: Outbox): StoredOutbox {
  return {
    id: outbox.id,
    createdAt: outbox.createdAt,
    events: [...outbox.events],
    incidents: outbox.incidents.map((w) => ({ record: w.record, expectedVersion: w.expectedVersion })),
    memory: { set: [...outbox.memory.set], delete: [...outbox.memory.delete] },
  };
}

/** An outbox from its JSON form. */
export function outboxFromStored(stored: StoredOutbox): Outbox {
  return {
    id: stored.id,
    createdAt: stored.createdAt,
    events: stored.events,
    incidents: stored.incidents,
    memory: { set: new Map(stored.memory.set), delete: stored.memory.delete },
  };
}

export interface CheckState {
  readonly incidents: readonly IncidentRecord[];
  readonly memory: ReadonlyMap<string, unknown>;
  /** A staged run whose delivery was not confirmed: re-sent and applied before anything new. */
  readonly outbox?: Outbox;
}

export const NO_MEMORY_CHANGES: MemoryChanges = { set: new Map(), delete: [] };

/**
 * Applies an outbox's changes to a copy of the state, checking each
 * incident's expected version. A write whose record is already at its new
 * version was applied by an earlier, interrupted commit and is skipped, so
 * applying an outbox twice is harmless; a different record at that version
 * is a conflict. Used by the file and memory stores;
 * DynamoDB does the same with conditional writes.
 */
export function applyChanges(
  incidents: Map<string, IncidentRecord>,
  memory: Map<string, unknown>,
  changes: StateChanges,
  where: string,
): void {
  for (const { record, expectedVersion } of changes.incidents) {
    const current = incidents.get(record.dedupkey);
    const held = current?.version ?? null;
    // Already applied by an interrupted commit of this same outbox; another run's write at this version is not.
    if (held === record.version && isDeepStrictEqual(current, record)) continue;
    if (held !== expectedVersion) {
      throw new StateConflictError(
        `${where}: ${record.dedupkey} changed since it was read (expected version ${expectedVersion ?? 'none'}, found ${held ?? 'none'})`,
      );
    }
  }
  for (const { record } of changes.incidents) incidents.set(record.dedupkey, record);
  for (const [key, value] of changes.memory.set) memory.set(key, value);
  for (const key of changes.memory.delete) if (!changes.memory.set.has(key)) memory.delete(key);
}
