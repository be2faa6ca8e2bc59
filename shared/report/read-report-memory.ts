import {
  DAILY_PREFIX,
  type DailyPoint,
  dailyPointsOf,
  LATEST_PREFIX,
  parseRoundKey,
  type RoundPoint,
  roundPointOf,
} from '../core/report-snapshot.js';

/** A check's report memory, by stored key (entry keys as the fold bounded them). */
export interface ReportMemory {
  readonly latest: ReadonlyMap<string, unknown>;
  readonly daily: ReadonlyMap<string, readonly DailyPoint[]>;
  /** Each ring's rounds, oldest first. */
  readonly rounds: ReadonlyMap<string, readonly RoundPoint[]>;
}

/** Reads the `report:` keys of a check's memory; the check's own keys are ignored. */
export function readReportMemory(memory: ReadonlyMap<string, unknown>): ReportMemory {
  const latest = new Map<string, unknown>();
  const daily = new Map<string, readonly DailyPoint[]>();
  const rounds = new Map<string, RoundPoint[]>();
  for (const [key, value] of memory) {
    if (key.startsWith(LATEST_PREFIX)) latest.set(key.slice(LATEST_PREFIX.length), value);
    else if (key.startsWith(DAILY_PREFIX)) daily.set(key.slice(DAILY_PREFIX.length), dailyPointsOf(value));
    else {
      const round = parseRoundKey(key);
      const point = round && roundPointOf(value);
      if (!round || !point) continue;
      const ring = rounds.get(round.series) ?? [];
      ring.push(point);
      rounds.set(round.series, ring);
    }
  }
  for (const ring of rounds.values()) ring.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { latest, daily, rounds };
}

/** The entries whose key starts with `prefix`, in key order. */
export function entriesUnder(latest: ReadonlyMap<string, unknown>, prefix: string): unknown[] {
  return [...latest]
    .filter(([key]) => key.startsWith(prefix))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, value]) => value);
}
