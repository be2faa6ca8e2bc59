/**
 * Regular time for the detector: parses timestamps, infers the series'
 * interval, and places every point at its slot on a regular grid, so that
 * missing rows become gaps instead of shifting the seasons. Points that land
 * on one slot (duplicate timestamps, or a timestamp off the grid by less
 * than half an interval) are combined into one value.
 */
import { InputError } from '../../../core/errors.js';
import type { ScratchArena } from './scratch-arena.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** How points sharing a slot are combined. `auto`: identical repeats count once (and a set of differing rows delivered k times counts once), differing values are summed or averaged, whichever matches the neighbouring slots. */
export type DuplicatePolicy = 'auto' | 'sum' | 'mean' | 'last';

// Intervals an exporter uses; an inferred interval within 2% of one is snapped to it.
const NICE_INTERVALS_MS = [
  1_000,
  5_000,
  10_000,
  15_000,
  30_000,
  MINUTE_MS,
  2 * MINUTE_MS,
  5 * MINUTE_MS,
  10 * MINUTE_MS,
  15 * MINUTE_MS,
  30 * MINUTE_MS,
  HOUR_MS,
  2 * HOUR_MS,
  3 * HOUR_MS,
  4 * HOUR_MS,
  6 * HOUR_MS,
  12 * HOUR_MS,
  DAY_MS,
  7 * DAY_MS,
];
const SNAP_TOLERANCE = 0.02;
const MONTH_MIN_MS = 27.5 * DAY_MS;
const MONTH_MAX_MS = 31.5 * DAY_MS;
// A grid may hold many more slots than points (gaps), but not without bound: one stray timestamp
// years away on a one-minute series must not allocate a billion slots.
const MAX_SLOTS_PER_POINT = 20;
const MAX_EXTRA_SLOTS = 100_000;

const CHAR_0 = 48;
const CHAR_DASH = 45;
const CHAR_Z = 90;

/** Digits of `text` from `from` (inclusive) to `to` (exclusive) as a number, or -1 if any is not a digit. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - CHAR_0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Milliseconds since the epoch of an ISO 8601 timestamp. `YYYY-MM-DD` and
 * `YYYY-MM-DDTHH:MM:SS[.sss]Z` (what the CSV adapters produce) are read
 * without `Date.parse`: this runs once per point of every series. A date
 * alone is midnight UTC.
 *
 * @returns NaN for text that is not a timestamp.
 * @example timestampMs('2025-01-02'); // 1735776000000
 */
export function timestampMs(text: string): number {
  const length = text.length;
  if (length >= 10 && text.charCodeAt(4) === CHAR_DASH && text.charCodeAt(7) === CHAR_DASH) {
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 7);
    const day = digits(text, 8, 10);
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    // Feb 29 of a common year falls through to Date.parse, which rejects it.
    const valid =
      year >= 0 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= (DAYS_IN_MONTH[month - 1] ?? 0) &&
      (month !== 2 || day !== 29 || leap);
    // Date.parse would roll 2025-02-29 over into March: a date that does not exist is not a timestamp.
    if (!valid && year >= 0 && month >= 1 && day >= 1) return Number.NaN;
    if (valid && length === 10) return daysFromCivil(year, month, day) * DAY_MS;
    if (valid && (length === 20 || length === 24) && text.charCodeAt(length - 1) === CHAR_Z) {
      const hour = digits(text, 11, 13);
      const minute = digits(text, 14, 16);
      const second = digits(text, 17, 19);
      const millis = length === 24 ? digits(text, 20, 23) : 0;
      const separators =
        text[10] === 'T' && text[13] === ':' && text[16] === ':' && (length === 20 || text[19] === '.');
      if (
        separators &&
        hour >= 0 &&
        hour <= 23 &&
        minute >= 0 &&
        minute <= 59 &&
        second >= 0 &&
        second <= 59 &&
        millis >= 0
      )
        return (
          daysFromCivil(year, month, day) * DAY_MS +
          hour * HOUR_MS +
          minute * MINUTE_MS +
          second * 1000 +
          millis
        );
    }
  }
  return Date.parse(text);
}

/** Parses every timestamp, naming the first bad one. */
export function timestampsMs(timestamps: ReadonlyArray<string>, name = 'timestamps'): Float64Array {
  const ms = new Float64Array(timestamps.length);
  for (let i = 0; i < timestamps.length; i++) {
    const text = timestamps[i];
    const value = typeof text === 'string' ? timestampMs(text) : Number.NaN;
    if (Number.isNaN(value))
      throw new InputError(`${name}[${i}]`, `"${String(text)}" is not an ISO 8601 timestamp`);
    ms[i] = value;
  }
  return ms;
}

/** Ascending distinct values. */
function distinctSorted(ms: Float64Array): Float64Array {
  const sorted = Float64Array.from(ms).sort();
  let count = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || (sorted[i] as number) !== (sorted[count - 1] as number))
      sorted[count++] = sorted[i] as number;
  }
  return sorted.subarray(0, count);
}

function medianOfSorted(sorted: ArrayLike<number>): number {
  const mid = sorted.length >> 1;
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/**
 * The spacing of a series in milliseconds, from its timestamps in any
 * order: the median of the steps between distinct timestamps, leaving out
 * steps longer than 1.5 times the 10th percentile step (gaps), then snapped
 * to a common exporter interval (1 min, 5 min, 1 h, 1 day…) when within 2%.
 * `null` for fewer than two distinct timestamps.
 */
export function intervalOfMs(ms: Float64Array): number | null {
  // Fast path, the common case (a complete export in time order): one step throughout, nothing to sort.
  const first = ms.length >= 2 ? (ms[1] as number) - (ms[0] as number) : 0;
  if (first > 0) {
    let regular = true;
    for (let i = 2; i < ms.length && regular; i++)
      regular = (ms[i] as number) - (ms[i - 1] as number) === first;
    if (regular) return snapInterval(first);
  }
  const distinct = distinctSorted(ms);
  if (distinct.length < 2) return null;
  const steps = new Float64Array(distinct.length - 1);
  for (let i = 1; i < distinct.length; i++)
    steps[i - 1] = (distinct[i] as number) - (distinct[i - 1] as number);
  steps.sort();
  const p10 = steps[Math.floor((steps.length - 1) * 0.1)] as number;
  let kept = 0;
  while (kept < steps.length && (steps[kept] as number) <= 1.5 * p10) kept++;
  return snapInterval(medianOfSorted(steps.subarray(0, kept)));
}

/** An interval snapped to a common exporter interval within the tolerance. */
function snapInterval(interval: number): number {
  for (const nice of NICE_INTERVALS_MS) if (Math.abs(interval - nice) <= nice * SNAP_TOLERANCE) return nice;
  return interval;
}

/** The series on its grid. */
export interface TimeGrid {
  /** Slot of every input point, index-aligned with the input. */
  readonly slotOf: Int32Array;
  /** One value per slot: the combined value, NaN for a gap. */
  readonly values: Float64Array;
  /** Input index whose timestamp names each slot (the first point placed there), -1 for an empty slot. */
  readonly firstPoint: Int32Array;
  /** Grid spacing in milliseconds; `null` for a single slot. Calendar months are reported as 30 days. */
  readonly intervalMs: number | null;
  /** True when the grid is calendar months. */
  readonly monthly: boolean;
  /** Slots that more than one point with a value landed on, and how many extra points that was. */
  readonly combinedSlots: number;
  readonly combinedPoints: number;
  /** The policy applied to those slots (`auto` resolved to `sum` or `mean`). */
  readonly combinedBy: Exclude<DuplicatePolicy, 'auto'> | 'repeat';
  /** Under `auto`: slots whose differing rows were the same set delivered more than once, counted once. */
  readonly redeliveredSlots: number;
}

const monthIndex = (ms: number) => {
  const date = new Date(ms);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
};

/**
 * Places points (already validated) on a regular grid and combines those
 * that share a slot.
 *
 * @param arena where the grid's arrays come from when it is only used until the arena's next reset
 *   (the detector's own call); fresh arrays without one.
 * @throws InputError when the timestamps span far more slots than there are points.
 */
export function placeOnGrid(
  ms: Float64Array,
  values: Float64Array,
  policy: DuplicatePolicy,
  arena?: ScratchArena,
): TimeGrid {
  const n = ms.length;
  const interval = intervalOfMs(ms);
  let t0 = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) t0 = Math.min(t0, ms[i] as number);
  const monthly = interval !== null && interval >= MONTH_MIN_MS && interval <= MONTH_MAX_MS;
  const slotOf = arena?.int32(n) ?? new Int32Array(n);
  let slots = 1;
  if (interval !== null) {
    const firstMonth = monthly ? monthIndex(t0) : 0;
    let last = 0;
    for (let i = 0; i < n; i++) {
      const t = ms[i] as number;
      const slot = monthly ? monthIndex(t) - firstMonth : Math.round((t - t0) / interval);
      if (slot > last) last = slot;
      slotOf[i] = slot;
    }
    slots = last + 1;
    if (slots > MAX_SLOTS_PER_POINT * n + MAX_EXTRA_SLOTS)
      throw new InputError(
        'series',
        `timestamps span ${slots} intervals of ${interval / 1000} s for ${n} points: too sparse to place on a regular grid`,
      );
  }
  const intervalMs = interval === null ? null : monthly ? 30 * DAY_MS : interval;
  // The common case, one point per slot in time order: nothing to combine.
  if (slots === n) {
    let ordered = true;
    for (let i = 0; i < n && ordered; i++) ordered = slotOf[i] === i;
    if (ordered) {
      const firstPoint = arena?.int32(n) ?? new Int32Array(n);
      for (let i = 0; i < n; i++) firstPoint[i] = i;
      const combinedBy = policy === 'auto' ? 'repeat' : policy;
      const copy = arena?.float64(n) ?? new Float64Array(n);
      copy.set(values);
      return {
        slotOf,
        values: copy,
        firstPoint,
        intervalMs,
        monthly,
        combinedSlots: 0,
        combinedPoints: 0,
        combinedBy,
        redeliveredSlots: 0,
      };
    }
  }
  return combine(slotOf, values, slots, intervalMs, monthly, policy);
}

function combine(
  slotOf: Int32Array,
  values: Float64Array,
  slots: number,
  intervalMs: number | null,
  monthly: boolean,
  policy: DuplicatePolicy,
): TimeGrid {
  const n = slotOf.length;
  const count = new Int32Array(slots);
  const sum = new Float64Array(slots);
  const last = new Float64Array(slots).fill(Number.NaN);
  const firstValue = new Float64Array(slots).fill(Number.NaN);
  const firstPoint = new Int32Array(slots).fill(-1);
  // Slots whose values are not all equal: under `auto`, equal values are one row exported twice.
  const mixed = new Uint8Array(slots);
  let differing = false;
  for (let i = 0; i < n; i++) {
    const slot = slotOf[i] as number;
    if (firstPoint[slot] === -1) firstPoint[slot] = i;
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    if (count[slot] === 0) firstValue[slot] = v;
    else if (v !== firstValue[slot]) {
      mixed[slot] = 1;
      differing = true;
    }
    count[slot] = (count[slot] as number) + 1;
    sum[slot] = (sum[slot] as number) + v;
    last[slot] = v;
  }
  let combinedSlots = 0;
  let combinedPoints = 0;
  for (let s = 0; s < slots; s++) {
    if ((count[s] as number) > 1) {
      combinedSlots++;
      combinedPoints += (count[s] as number) - 1;
    }
  }
  let resolved: Exclude<DuplicatePolicy, 'auto'> | 'repeat' = policy === 'auto' ? 'repeat' : policy;
  let redeliveredSlots = 0;
  if (policy === 'auto' && differing) {
    // A day of several line items exported twice (a, b, a, b) is one day, as a single row exported twice
    // is, when its neighbours say so: a day of two equal instances and their two equal volumes has the
    // same shape every day, and is summed.
    const copies = redeliveries(slotOf, values, count, mixed);
    for (let s = 0; s < slots; s++) {
      const k = copies[s] as number;
      if (k < 2 || !nearerOnce(s, k, copies, count, sum, firstValue, mixed)) continue;
      redeliveredSlots++;
      sum[s] = (sum[s] as number) / k;
      count[s] = (count[s] as number) / k;
    }
    resolved = sumOrMean(count, sum, mixed);
  }
  const out = new Float64Array(slots);
  for (let s = 0; s < slots; s++) {
    const c = count[s] as number;
    if (c === 0) out[s] = Number.NaN;
    else if (c === 1) out[s] = sum[s] as number;
    else if (policy === 'auto' && mixed[s] === 0) out[s] = firstValue[s] as number;
    else if (resolved === 'sum') out[s] = sum[s] as number;
    else if (resolved === 'mean') out[s] = (sum[s] as number) / c;
    else if (resolved === 'last') out[s] = last[s] as number;
    else out[s] = firstValue[s] as number;
  }
  return {
    slotOf,
    values: out,
    firstPoint,
    intervalMs,
    monthly,
    combinedSlots,
    combinedPoints,
    combinedBy: resolved,
    redeliveredSlots,
  };
}

/**
 * Whether slot `s`'s total counted once (sum / k) lies nearer, in ratio, to the median of its nearest
 * neighbours that were not delivered twice (within 3 slots) than its full sum does.
 */
function nearerOnce(
  s: number,
  k: number,
  copies: Int32Array,
  count: Int32Array,
  sum: Float64Array,
  firstValue: Float64Array,
  mixed: Uint8Array,
): boolean {
  const reference = neighbourMedian(s, count.length, (j) =>
    (count[j] as number) === 0 || (copies[j] as number) > 1
      ? undefined
      : mixed[j] === 1
        ? (sum[j] as number)
        : (firstValue[j] as number),
  );
  if (Number.isNaN(reference)) return false;
  const total = sum[s] as number;
  return ratioDistance(total / k, reference) < ratioDistance(total, reference);
}

/** The median of what `valueAt` gives for the slots within 3 of `s` (`undefined` leaves one out); NaN for none. */
function neighbourMedian(s: number, slots: number, valueAt: (j: number) => number | undefined): number {
  const neighbours: number[] = [];
  for (let d = 1; d <= 3; d++) {
    for (const j of [s - d, s + d]) {
      const value = j >= 0 && j < slots ? valueAt(j) : undefined;
      if (value !== undefined) neighbours.push(value);
    }
  }
  if (neighbours.length === 0) return Number.NaN;
  neighbours.sort((a, b) => a - b);
  return medianOfSorted(neighbours);
}

/** How far `x` lies from `reference`, in ratio (either way alike). */
const ratioDistance = (x: number, reference: number) => Math.abs(Math.log((x + 1e-9) / (reference + 1e-9)));

/**
 * For `auto`: how many times each slot with differing values was delivered
 * whole: k when every distinct value in it appears exactly k times (k ≥ 2),
 * else 1. Only slots of four rows or more can be a repeated set of
 * differing values, so only those are read again.
 */
function redeliveries(
  slotOf: Int32Array,
  values: Float64Array,
  count: Int32Array,
  mixed: Uint8Array,
): Int32Array {
  const copies = new Int32Array(count.length).fill(1);
  const rows = new Map<number, number[]>();
  for (let i = 0; i < slotOf.length; i++) {
    const slot = slotOf[i] as number;
    const v = values[i] as number;
    if (mixed[slot] === 0 || (count[slot] as number) < 4 || Number.isNaN(v)) continue;
    const list = rows.get(slot);
    if (list) list.push(v);
    else rows.set(slot, [v]);
  }
  for (const [slot, list] of rows) {
    list.sort((a, b) => a - b);
    let k = 0;
    let run = 1;
    let even = true;
    for (let j = 1; j <= list.length && even; j++) {
      if (j < list.length && list[j] === list[j - 1]) {
        run++;
        continue;
      }
      if (k === 0) k = run;
      even = run === k;
      run = 1;
    }
    if (even && k >= 2) copies[slot] = k;
  }
  return copies;
}

/**
 * For `auto`: do the slots with differing values look like parts of one
 * value (sum) or like repeated readings (mean)? Each such slot votes for the
 * combination closer, in ratio, to the median of its nearest single-valued
 * neighbours; ties go to sum, the safe choice for costs.
 */
function sumOrMean(count: Int32Array, sum: Float64Array, mixed: Uint8Array): 'sum' | 'mean' {
  let sumVotes = 0;
  let meanVotes = 0;
  for (let s = 0; s < count.length; s++) {
    const c = count[s] as number;
    if (c < 2 || mixed[s] === 0) continue;
    const reference = neighbourMedian(s, count.length, (j) =>
      count[j] === 1 ? (sum[j] as number) : undefined,
    );
    if (Number.isNaN(reference)) continue;
    const total = sum[s] as number;
    if (ratioDistance(total, reference) <= ratioDistance(total / c, reference)) sumVotes++;
    else meanVotes++;
  }
  return meanVotes > sumVotes ? 'mean' : 'sum';
}
