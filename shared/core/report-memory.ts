import { isDeepStrictEqual } from 'node:util';
import {
  boundedEntryKey,
  DAILY_HISTORY_DAYS,
  DAILY_PREFIX,
  type DailyPoint,
  dailyPointsOf,
  LATEST_PREFIX,
  parseRoundKey,
  type ReportSnapshot,
  ROUND_HISTORY,
  ROUND_PREFIX,
  ROUND_RETENTION_MS,
  type RoundPoint,
  roundKey,
  roundPointOf,
} from './report-snapshot.js';
import type { MemoryChanges } from './state.js';

const DAY_MS = 86_400_000;

/**
 * Adds a run's report snapshot to its memory changes, writing only the keys
 * whose value changes (a DynamoDB write costs per item and per KB):
 *
 * - `report:latest:<entry>`: replaced by this run's value; deleted when a
 *   complete prefix covers it and this run did not see it.
 * - `report:daily:<series>`: `{points: [[day, value]…]}`, one point a day
 *   (a second run the same day replaces it), the last
 *   {@link DAILY_HISTORY_DAYS} days; one small entry per series, well under
 *   DynamoDB's 400 KB item limit.
 * - `report:round:<series>#<slot>`: a ring of {@link ROUND_HISTORY} slots,
 *   each one round `{at, value}`. A round writes one small item per series
 *   rather than rewriting the whole history every minute.
 *
 * Pure: `now` dates the points.
 */
export function foldReportSnapshot(
  changes: MemoryChanges,
  snapshot: ReportSnapshot | undefined,
  prior: ReadonlyMap<string, unknown>,
  now: Date,
): MemoryChanges {
  if (!snapshot) return changes;
  const set = new Map(changes.set);
  const remove = [...changes.delete];
  const write = (key: string, value: unknown) => {
    if (!isDeepStrictEqual(prior.get(key), value)) set.set(key, value);
  };

  const latest = new Set<string>();
  for (const [entry, value] of snapshot.latest) {
    const key = `${LATEST_PREFIX}${boundedEntryKey(entry)}`;
    latest.add(key);
    write(key, value);
  }
  const complete = snapshot.complete ?? [];
  const today = now.toISOString().slice(0, 10);
  const oldestDay = new Date(now.getTime() - (DAILY_HISTORY_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  const daily = new Map<string, unknown>();
  for (const [series, value] of snapshot.daily ?? [])
    daily.set(`${DAILY_PREFIX}${boundedEntryKey(series)}`, value);
  const rings = new Map<string, Map<number, RoundPoint>>();

  for (const [key, value] of prior) {
    if (key.startsWith(LATEST_PREFIX)) {
      const entry = key.slice(LATEST_PREFIX.length);
      if (!latest.has(key) && complete.some((p) => entry.startsWith(p)) && !snapshot.keep?.(entry))
        remove.push(key);
    } else if (key.startsWith(DAILY_PREFIX) && !daily.has(key)) {
      // A series this run did not add to still ages: days past the window go, then the entry.
      const points = dailyPointsOf(value);
      const kept = points.filter(([day]) => day >= oldestDay);
      if (kept.length === 0) remove.push(key);
      else if (kept.length !== points.length) set.set(key, { points: kept });
    } else {
      const round = parseRoundKey(key);
      const point = round && roundPointOf(value);
      if (!round || !point) continue;
      let ring = rings.get(round.series);
      if (!ring) {
        ring = new Map();
        rings.set(round.series, ring);
      }
      ring.set(round.slot, point);
    }
  }

  for (const [key, value] of daily) {
    const points: DailyPoint[] = dailyPointsOf(prior.get(key)).filter(
      ([day]) => day >= oldestDay && day !== today,
    );
    points.push([today, value]);
    points.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    write(key, { points });
  }

  const at = now.toISOString();
  const added = new Set<string>();
  for (const [series, value] of snapshot.rounds ?? []) {
    const stored = boundedEntryKey(series);
    added.add(stored);
    const slot = slotFor(rings.get(stored) ?? new Map(), at);
    write(roundKey(series, slot), { at, value });
  }
  const forgetBefore = now.getTime() - ROUND_RETENTION_MS;
  for (const [series, ring] of rings) {
    if (added.has(series)) continue;
    for (const [slot, point] of ring)
      if (Date.parse(point.at) < forgetBefore) remove.push(`${ROUND_PREFIX}${series}#${slot}`);
  }
  return { set, delete: remove };
}

/** The slot a round goes to: its own (a replayed round), a free one, else the oldest. */
function slotFor(ring: ReadonlyMap<number, RoundPoint>, at: string): number {
  let oldest: { slot: number; at: string } | undefined;
  for (const [slot, point] of ring) {
    if (point.at === at) return slot;
    if (!oldest || point.at < oldest.at) oldest = { slot, at: point.at };
  }
  for (let slot = 0; slot < ROUND_HISTORY; slot += 1) if (!ring.has(slot)) return slot;
  return oldest?.slot ?? 0;
}
