import { InputError } from '../../shared/core/errors.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
// Local-time daily stamps are 23 or 25 hours apart around DST changes.
const DAILY_TOLERANCE_MS = HOUR_MS;
const HOURLY_TOLERANCE_MS = 60_000;
// A step counts as regular within 5% of a whole number of intervals (covers the DST hour).
const STEP_TOLERANCE = 0.05;
// Share of the steps that must be whole multiples of the interval (gaps allowed) to call a series regular.
const REGULAR_SHARE = 0.9;

function parseTimestamp(timestamp: string, location: string): number {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) throw new InputError(location, `"${timestamp}" is not an ISO 8601 timestamp`);
  return ms;
}

/** Positive steps between consecutive timestamps, in milliseconds. */
function stepsOf(timestamps: ReadonlyArray<string>): number[] {
  const steps: number[] = [];
  let previous = Number.NaN;
  timestamps.forEach((timestamp, i) => {
    const ms = parseTimestamp(timestamp, `timestamps[${i}]`);
    if (i > 0) {
      if (ms <= previous) throw new InputError(`timestamps[${i}]`, 'timestamps must be strictly increasing');
      steps.push(ms - previous);
    }
    previous = ms;
  });
  return steps;
}

function medianOf(sortedAscending: number[]): number {
  const mid = sortedAscending.length >> 1;
  const upper = sortedAscending[mid] ?? 0;
  return sortedAscending.length % 2 === 1 ? upper : ((sortedAscending[mid - 1] ?? upper) + upper) / 2;
}

/**
 * The typical spacing of a series: the median step between consecutive
 * timestamps, in milliseconds, so a few gaps do not change it. `null` for
 * fewer than two timestamps.
 *
 * @throws InputError for an unparseable or non-increasing timestamp.
 * @example
 * inferInterval(['2025-01-01', '2025-01-02', '2025-01-04']); // 86_400_000 (the gap does not count)
 */
export function inferInterval(timestamps: ReadonlyArray<string>): number | null {
  const steps = stepsOf(timestamps);
  if (steps.length === 0) return null;
  return medianOf(steps.sort((a, b) => a - b));
}

/**
 * Points per season for a series: 7 for daily data (weekly cycle), 24 for
 * hourly data (daily cycle), 1 (no seasonality) for anything else, including
 * irregular spacing.
 *
 * @throws InputError for an unparseable or non-increasing timestamp.
 * @example
 * inferPeriod(['2025-01-01T00:00Z', '2025-01-01T01:00Z', '2025-01-01T02:00Z']); // 24
 */
export function inferPeriod(timestamps: ReadonlyArray<string>): number {
  const steps = stepsOf(timestamps);
  if (steps.length === 0) return 1;
  const interval = medianOf([...steps].sort((a, b) => a - b));
  const regularSteps = steps.filter((step) => {
    const multiple = Math.max(1, Math.round(step / interval));
    return Math.abs(step - multiple * interval) <= interval * STEP_TOLERANCE;
  }).length;
  if (regularSteps < steps.length * REGULAR_SHARE) return 1;
  if (Math.abs(interval - DAY_MS) <= DAILY_TOLERANCE_MS) return 7;
  if (Math.abs(interval - HOUR_MS) <= HOURLY_TOLERANCE_MS) return 24;
  return 1;
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
export function isMonthStart(timestamp: string, location = 'timestamp'): boolean {
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
  const ms = parseTimestamp(timestamp, location);
  return ms % DAY_MS === 0 && new Date(ms).getUTCDate() === 1;
}
