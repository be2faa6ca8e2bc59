import { InputError } from '../../core/errors.js';
import { DAY_MS, intervalOfMs, timestampMs, timestampsMs } from './detector/time-grid.js';

// Local-time daily stamps are 23 or 25 hours apart around DST changes.
const DAILY_TOLERANCE_MS = 3_600_000;
// Largest daily period: a one-second series would need 86,400 phases.
const MAX_PERIOD = 10_000;
// Share of the points that must sit on the grid (within a quarter interval) to call a series regular.
const REGULAR_SHARE = 0.9;
const ON_GRID = 0.25;

/**
 * The spacing of a series, in milliseconds, from its timestamps in any order
 * (duplicates allowed): the typical step between distinct timestamps, gaps
 * left out, snapped to a common exporter interval when within 2%. `null`
 * for fewer than two distinct timestamps.
 *
 * @throws InputError for an unparseable timestamp.
 * @example
 * inferInterval(['2025-01-01', '2025-01-02', '2025-01-04']); // 86_400_000 (the gap does not count)
 */
export function inferInterval(timestamps: ReadonlyArray<string>): number | null {
  return intervalOfMs(timestampsMs(timestamps));
}

/**
 * Points per season for a series on a grid of `intervalMs`: 7 for daily
 * data (the weekly cycle), one day of points for finer grids that divide a
 * day (24 hourly, 288 at 5 minutes, 1,440 at one minute), 1 otherwise.
 *
 * @example periodForInterval(300_000); // 288
 */
export function periodForInterval(intervalMs: number | null): number {
  if (intervalMs === null) return 1;
  if (Math.abs(intervalMs - DAY_MS) <= DAILY_TOLERANCE_MS) return 7;
  if (intervalMs < DAY_MS && DAY_MS % intervalMs === 0) {
    const perDay = DAY_MS / intervalMs;
    return perDay <= MAX_PERIOD ? perDay : 1;
  }
  return 1;
}

/** True when at least 90% of the points lie within a quarter interval of their slot. */
export function isRegularGrid(ms: Float64Array, intervalMs: number): boolean {
  let t0 = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ms.length; i++) t0 = Math.min(t0, ms[i] as number);
  let onGrid = 0;
  for (let i = 0; i < ms.length; i++) {
    const offset = ((ms[i] as number) - t0) / intervalMs;
    if (Math.abs(offset - Math.round(offset)) <= ON_GRID) onGrid++;
  }
  return onGrid >= ms.length * REGULAR_SHARE;
}

/**
 * Points per season of a series (see `periodForInterval`), or 1 when its
 * timestamps do not lie on a regular grid.
 *
 * @throws InputError for an unparseable timestamp.
 * @example
 * inferPeriod(['2025-01-01T00:00Z', '2025-01-01T01:00Z', '2025-01-01T02:00Z']); // 24
 */
export function inferPeriod(timestamps: ReadonlyArray<string>): number {
  const ms = timestampsMs(timestamps);
  const interval = intervalOfMs(ms);
  if (interval === null || !isRegularGrid(ms, interval)) return 1;
  return periodForInterval(interval);
}

const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_DASH = 45;

function twoDigitsAt(text: string, i: number): number {
  const tens = text.charCodeAt(i);
  const units = text.charCodeAt(i + 1);
  if (tens < CHAR_0 || tens > CHAR_9 || units < CHAR_0 || units > CHAR_9) return -1;
  return (tens - CHAR_0) * 10 + (units - CHAR_0);
}

/**
 * True when a timestamp is the first point of a calendar month: day 1 at
 * midnight (a date alone counts as midnight). The date is read as written
 * (`2025-03-01T00:00:00+01:00` is a month start), because billing dates are
 * calendar dates, not instants; strings without a `YYYY-MM-DD` prefix fall
 * back to their UTC date.
 *
 * @throws InputError (at `location`) for an unparseable timestamp.
 * @example
 * isMonthStart('2025-03-01'); // true
 * isMonthStart('2025-03-01T05:00:00Z'); // false: hourly data has one month start, at midnight
 */
export function isMonthStart(timestamp: string, location: string | (() => string) = 'timestamp'): boolean {
  // Fast path without Date.parse or allocation: it runs once per point of every series.
  if (
    timestamp.length >= 10 &&
    timestamp.charCodeAt(4) === CHAR_DASH &&
    timestamp.charCodeAt(7) === CHAR_DASH
  ) {
    const month = twoDigitsAt(timestamp, 5);
    const day = twoDigitsAt(timestamp, 8);
    if (month >= 1 && month <= 12 && day >= 1 && day <= 31) {
      if (day !== 1) return false;
      if (timestamp.length === 10) return true;
      // `T00:00…` or ` 00:00…`: hour and minute are both zero.
      return twoDigitsAt(timestamp, 11) === 0 && twoDigitsAt(timestamp, 14) === 0;
    }
  }
  const ms = timestampMs(timestamp);
  if (Number.isNaN(ms))
    throw new InputError(
      typeof location === 'string' ? location : location(),
      `"${timestamp}" is not an ISO 8601 timestamp`,
    );
  return ms % DAY_MS === 0 && new Date(ms).getUTCDate() === 1;
}
