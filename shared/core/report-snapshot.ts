import { createHash } from 'node:crypto';

/**
 * What a check's run contributes to the report, besides its findings: the
 * figures a person wants to see as a scorecard or a trend. `evaluate`
 * returns it (pure); the pipeline folds it into the check's memory under
 * reserved keys (see {@link foldReportSnapshot}), so it travels in the
 * outbox and is committed with the run, or not at all.
 *
 * Every value is JSON and describes itself (names, ids): a reader never
 * parses an entry key, which may end in a hash when long.
 */
export interface ReportSnapshot {
  /** What this run saw, by entry key (e.g. `coverage/account/111122223333`). Replaces the stored entry. */
  readonly latest: ReadonlyMap<string, unknown>;
  /**
   * Entry-key prefixes this run observed in full: a stored entry under one
   * of them that `latest` lacks is gone (an account that left, a probe
   * removed) and is deleted. Entries under no such prefix are kept as they were.
   */
  readonly complete?: readonly string[];
  /** Stored entries to keep although a complete prefix covers them: scopes this run could not read. */
  readonly keep?: (entry: string) => boolean;
  /** Today's point of each daily series, by series key; a second run the same day replaces it. */
  readonly daily?: ReadonlyMap<string, unknown>;
  /** This round's point of each round series (probe rounds), kept in a ring of small entries. */
  readonly rounds?: ReadonlyMap<string, unknown>;
}

/** Every report key in a check's memory starts with this; checks keep their own memory elsewhere. */
export const REPORT_MEMORY_PREFIX = 'report:';
export const LATEST_PREFIX = `${REPORT_MEMORY_PREFIX}latest:`;
export const DAILY_PREFIX = `${REPORT_MEMORY_PREFIX}daily:`;
export const ROUND_PREFIX = `${REPORT_MEMORY_PREFIX}round:`;

/** Days a daily series keeps: the 90 days a cost series spans, so trends line up. */
export const DAILY_HISTORY_DAYS = 90;
/** Rounds a round series keeps: an hour of one-minute probe rounds. */
export const ROUND_HISTORY = 60;
/** A round series no run has added to for this long (a removed probe) is forgotten. */
export const ROUND_RETENTION_MS = 7 * 86_400_000;

/**
 * Entry keys longer than this end in a hash instead: a DynamoDB sort key
 * holds at most 1024 bytes, and an owner tag or a service name may be long.
 */
export const ENTRY_KEY_MAX = 300;

/** One day of a daily series. */
export type DailyPoint = readonly [day: string, value: unknown];

/** One round of a round series. */
export interface RoundPoint {
  readonly at: string;
  readonly value: unknown;
}

/** The key an entry is stored under: itself, or a readable prefix and a hash when too long. */
export function boundedEntryKey(entry: string): string {
  if (entry.length <= ENTRY_KEY_MAX) return entry;
  const digest = createHash('sha256').update(entry).digest('hex').slice(0, 24);
  return `${entry.slice(0, ENTRY_KEY_MAX - digest.length - 1)}~${digest}`;
}

/** The memory key of a round series' slot: `report:round:<series>#<slot>`. */
export function roundKey(series: string, slot: number): string {
  return `${ROUND_PREFIX}${boundedEntryKey(series)}#${slot}`;
}

/** Splits a round key into its series and slot, or undefined for another key. */
export function parseRoundKey(key: string): { series: string; slot: number } | undefined {
  if (!key.startsWith(ROUND_PREFIX)) return undefined;
  const hash = key.lastIndexOf('#');
  const slot = key.slice(hash + 1);
  if (hash < ROUND_PREFIX.length || !/^\d+$/.test(slot)) return undefined;
  return { series: key.slice(ROUND_PREFIX.length, hash), slot: Number(slot) };
}

/** The points of a stored daily series, oldest first; anything malformed reads as none. */
export function dailyPointsOf(value: unknown): DailyPoint[] {
  const points = (value as { points?: unknown } | null | undefined)?.points;
  if (!Array.isArray(points)) return [];
  return points.filter(
    (p): p is DailyPoint => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string',
  );
}

/** A stored round point, or undefined when malformed. */
export function roundPointOf(value: unknown): RoundPoint | undefined {
  const at = (value as { at?: unknown } | null | undefined)?.at;
  return typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? (value as RoundPoint) : undefined;
}
