/**
 * Anomaly detector for series at any regular interval (daily and hourly
 * costs, 1- to 5-minute metrics). Pure: no clock, no I/O. It places the
 * points on their time grid (`detector/time-grid.ts`), builds the baseline
 * (`baseline.ts`) and turns expected-vs-actual into a verdict per point.
 */
import { InputError } from '../../core/errors.js';
import { type BaselineOptions, computeBaseline } from './baseline.js';
import { ScratchArena } from './detector/scratch-arena.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, placeOnGrid, type TimeGrid } from './detector/time-grid.js';
import { TimestampMemo } from './detector/timestamp-memo.js';
import { type DetectorOptions, resolveDetectorOptions } from './options.js';
import { isRegularGrid, periodForInterval } from './period.js';

export type { Baseline, BaselineOptions } from './baseline.js';
export { computeBaseline, MIN_SCALE } from './baseline.js';
export type { DuplicatePolicy } from './detector/time-grid.js';
export {
  DEFAULT_DETECTOR_OPTIONS,
  type DetectorOptions,
  DetectorOptionsSchema,
  resolveDetectorOptions,
} from './options.js';
export { inferInterval, inferPeriod, isMonthStart, periodForInterval } from './period.js';

/** One input point. `value: null` is a gap (no data), which is not the same as a zero cost. */
export interface SeriesPoint {
  readonly timestamp: string;
  readonly value: number | null;
}

/**
 * Why a point is anomalous:
 * - `new`: spend that started less than one period ago on a series that had been zero or empty
 *   (a new service or workload), and has not fallen back to zero since (sporadic charges are not a
 *   service starting), while the baseline still expects nothing.
 * - `month-start`: the first point of a month deviates from the fees seen on previous month starts.
 * - `deviation`: any other departure from the seasonal, trend-aware baseline.
 */
export type AnomalyReason = 'new' | 'month-start' | 'deviation';

/** The verdict on one point, index-aligned with the input. */
export interface DetectedPoint {
  readonly timestamp: string;
  /** The value scored: the point's own, or the combination of the points sharing its timestamp; `null` for a gap. */
  readonly value: number | null;
  /** Baseline value for this point, from earlier points only. */
  readonly expected: number;
  /** Band edges: where the calibrated |z| reaches `zThreshold`; `lower` is clamped at 0. */
  readonly lower: number;
  readonly upper: number;
  /**
   * Calibrated signed deviation: the normal z that is as rare as this point's deviation is for this
   * series (its own error tail); 0 for a gap.
   */
  readonly z: number;
  /** 1 − 2^(−|z| / 4): 0 on the baseline, 0.5 at |z| = 4 (the default threshold), towards 1 beyond. */
  readonly score: number;
  readonly anomaly: boolean;
  /** Set on anomalies only. */
  readonly direction: 'up' | 'down' | null;
  /** value − expected; `null` for a gap. */
  readonly impact: number | null;
  /** Set on anomalies only. */
  readonly reason: AnomalyReason | null;
}

/** What `detectSeries` saw about the series' time, and the verdicts. */
export interface DetectedSeries {
  readonly points: DetectedPoint[];
  /** The grid's interval in milliseconds (calendar months read as 30 days); `null` for a single timestamp. */
  readonly intervalMs: number | null;
  /** Points per season used. */
  readonly period: number;
  /** Slots of the grid (observed or not). */
  readonly slots: number;
  /** Slots with no point, or only empty ones. */
  readonly gaps: number;
  /** Points that shared a slot with an earlier one and were combined into it. */
  readonly combined: number;
  /** Human-readable notes on the input (duplicates combined, irregular timestamps). */
  readonly warnings: string[];
}

// Larger values are not costs, and differences of them could overflow to Infinity.
const MAX_VALUE = 1e100;
/** The z at which the score is 0.5: the default threshold, fixed so the score does not move with options. */
const SCORE_REFERENCE_Z = 4;
const DAILY_SHIFT_RUN = 10;
const FINE_SHIFT_MINUTES = 30;
const DAILY_SHIFT_MEMORY = 35;
const DAILY_TAIL_MEMORY = 365;
const FINE_TAIL_DAYS = 7;
const DAILY_LEVEL_SMOOTHING = 0.25;
const FINE_LEVEL_MINUTES = 120;
const DAILY_WINDOW = 56;
const FINE_WINDOW_SEASONS = 8;
const MIN_HISTORY = 28;
/**
 * Share of the `minHistory` slots that must hold a point before any is judged. `minHistory` is calendar
 * time (slots of the grid), as the baseline's warm-up is; a series whose export misses days still needs
 * this much data, but not `minHistory` points after every gap.
 */
const MIN_OBSERVED_SHARE = 0.5;
/**
 * Fewest points before a grid coarser than daily (weekly, monthly) is judged. `MIN_HISTORY` slots
 * would be 28 weeks or 28 months there; eight points are enough for the median and the median absolute
 * deviation the scale starts from, and a monthly series is then judged after eight months, not two
 * years and four months.
 */
const COARSE_MIN_POINTS = 8;
/** Grids with a step longer than this are coarser than daily. */
const COARSER_THAN_DAILY_MS = 1.5 * DAY_MS;

/** The default warm-up in slots: 28 days of a daily or finer grid (at least one season), or its calendar equivalent on a coarser one. */
function defaultMinHistory(intervalMs: number | null, period: number): number {
  if (intervalMs !== null && intervalMs > COARSER_THAN_DAILY_MS)
    return Math.max(COARSE_MIN_POINTS, Math.ceil((MIN_HISTORY * DAY_MS) / intervalMs));
  return Math.max(MIN_HISTORY, period);
}

/** Observed points (all zero) before spend counts as a new service. */
const NEW_MIN_HISTORY = 14;
/** A holiday-like dip longer than this (days) is a drop. */
const HOLIDAY_DAYS = 4;

/**
 * The working arrays of `detectSeries` (times, grid, month starts, baselines): all die when it
 * returns, and it is synchronous, so every call reuses one arena instead of allocating them.
 */
const arena = new ScratchArena();
/** The previous series' timestamps, parsed: the series of one query share their days. */
const stamps = new TimestampMemo();

/** Validates the points and returns their times (ms) and values (NaN for a gap), in the arena. */
function prepare(points: ReadonlyArray<SeriesPoint>): { ms: Float64Array; values: Float64Array } {
  if (points.length === 0) throw new InputError('series', 'is empty: at least one point is needed');
  const ms = arena.float64(points.length);
  const values = arena.float64(points.length);
  for (let i = 0; i < points.length; i++) {
    const point = points[i];
    if (point === undefined || typeof point.timestamp !== 'string') {
      throw new InputError(`series[${i}]`, 'needs a string timestamp');
    }
    const t = stamps.msAt(i, point.timestamp);
    if (Number.isNaN(t))
      throw new InputError(`series[${i}].timestamp`, `"${point.timestamp}" is not an ISO 8601 timestamp`);
    ms[i] = t;
    const value = point.value;
    if (value === null) {
      values[i] = Number.NaN;
    } else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_VALUE) {
      throw new InputError(
        `series[${i}]`,
        `value must be a finite, non-negative number (null for a gap), got ${String(value)}`,
      );
    } else {
      values[i] = value;
    }
  }
  return { ms, values };
}

/** Month-start slots, or null when every slot is one (a monthly series has no regular day to compare a fee with). */
function monthStartsOf(points: ReadonlyArray<SeriesPoint>, grid: TimeGrid): Uint8Array | null {
  const slots = grid.values.length;
  const marks = arena.uint8(slots);
  let consecutive = false;
  for (let s = 0; s < slots; s++) {
    const first = grid.firstPoint[s] as number;
    if (first < 0) continue;
    // The location is built only for an error: this runs once per slot of every series.
    if (
      stamps.isMonthStartAt(
        first,
        (points[first] as SeriesPoint).timestamp,
        () => `series[${first}].timestamp`,
      )
    ) {
      marks[s] = 1;
      if (s > 0 && marks[s - 1] === 1) consecutive = true;
    }
  }
  return consecutive || grid.monthly ? null : marks;
}

/** The baseline's settings for a grid of `intervalMs` and `period` points per season. */
function baselineOptionsFor(
  intervalMs: number | null,
  period: number,
  resolved: DetectorOptions,
  minHistory: number,
): BaselineOptions {
  const coarse = intervalMs === null || intervalMs >= DAY_MS;
  const perDay = coarse ? 0 : DAY_MS / (intervalMs as number);
  const pointsPerDay = !coarse && Number.isInteger(perDay) && perDay === period && period > 1 ? period : 0;
  const fineWindow = Math.min(100_000, FINE_WINDOW_SEASONS * period);
  return {
    period,
    window: resolved.window ?? (coarse ? DAILY_WINDOW : fineWindow),
    trendDamping: resolved.trendDamping,
    scaleFloor: resolved.scaleFloor,
    pointsPerDay,
    trend: coarse && resolved.trendDamping > 0,
    shiftRun: coarse
      ? DAILY_SHIFT_RUN
      : Math.max(DAILY_SHIFT_RUN, Math.round((FINE_SHIFT_MINUTES * MINUTE_MS) / (intervalMs as number))),
    shiftMemory: coarse ? DAILY_SHIFT_MEMORY : Math.max(DAILY_SHIFT_MEMORY, Math.round(perDay)),
    tailMemory: coarse ? DAILY_TAIL_MEMORY : Math.max(DAILY_TAIL_MEMORY, Math.round(FINE_TAIL_DAYS * perDay)),
    levelSmoothing: coarse
      ? DAILY_LEVEL_SMOOTHING
      : Math.min(DAILY_LEVEL_SMOOTHING, (intervalMs as number) / (FINE_LEVEL_MINUTES * MINUTE_MS)),
    zThreshold: resolved.zThreshold,
    warmUp: minHistory,
    holidayRun: coarse ? HOLIDAY_DAYS : Math.round(HOLIDAY_DAYS * perDay),
    coarse,
  };
}

/**
 * The relative floor of grids finer than an hour (metrics) when none is given: the CloudWatch series'
 * incidents are found as with none, with fewer false alerts, and deployments' small level changes on
 * the metric bench stay inside the 0.5% budget of normal points (0.49% with none).
 */
const METRIC_RELATIVE_THRESHOLD = 0.05;

/** Days back a sub-daily drop's floor looks (see `usualFloor`). */
const FLOOR_DAYS = 3;
/** …and how far either side of the same time of day. */
const FLOOR_HALF_WIDTH_MS = 30 * MINUTE_MS;

/**
 * The level this time of day (± 30 minutes) visited on at least two of the last three days (one of
 * two, with two days of history): on sub-daily grids, a drop to a value the series visits routinely
 * is not an outage, while one earlier outage does not make the next one routine. Infinity without a
 * whole day of history.
 */
function usualFloor(values: Float64Array, slot: number, intervalMs: number): number {
  const day = Math.round(DAY_MS / intervalMs);
  const half = Math.floor(FLOOR_HALF_WIDTH_MS / intervalMs);
  const minima: number[] = [];
  for (let d = 1; d <= FLOOR_DAYS; d++) {
    const centre = slot - d * day;
    if (centre < 0) break;
    let low = Number.POSITIVE_INFINITY;
    for (let k = Math.max(0, centre - half); k <= Math.min(slot - 1, centre + half); k++) {
      const v = values[k] as number;
      if (v < low) low = v;
    }
    if (low < Number.POSITIVE_INFINITY) minima.push(low);
  }
  if (minima.length === 0) return Number.POSITIVE_INFINITY;
  minima.sort((x, y) => x - y);
  return minima[Math.min(1, minima.length - 1)] as number;
}

/** `slots` of the grid in calendar words ("28 d", "8 months"). */
function describeSpan(slots: number, grid: TimeGrid): string {
  return grid.monthly ? `${slots} months` : describeInterval(slots * (grid.intervalMs as number));
}

function describeInterval(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS} d`;
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS} h`;
  if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS} min`;
  return `${ms / 1000} s`;
}

/**
 * Scores every point of a series against a robust, seasonal, trend-aware
 * baseline built from the points before it, on the series' regular time
 * grid, and says what it saw about the series' time.
 *
 * Points may come in any order, with missing timestamps (gaps for the
 * baseline) and with duplicates (combined per `options.duplicates`). The
 * result has one verdict per input point, in input order; points that share
 * a timestamp share its verdict.
 *
 * A point is an anomaly only when all hold: at least `minHistory` slots of
 * the grid precede it (calendar time, gaps included), at least half of them
 * observed; its calibrated |z| >= `zThreshold`; |impact| >=
 * `minImpact`; |impact| / expected >= `relativeThreshold` (an expected 0
 * counts as infinitely far; on grids finer than an hour, metrics, 0.05
 * unless the option is given); and, on grids finer than a day, a drop goes
 * below the level the same time of day (± 30 minutes) visited on two of the
 * last three days.
 *
 * @throws InputError for an empty series, an unparseable timestamp
 * (`series[i].timestamp`), a value that is NaN, infinite or negative
 * (`series[i]`), timestamps too sparse for a grid, or invalid options
 * (`options.<name>`).
 * @example
 * const { points, warnings } = detectSeries(rows, { duplicates: 'sum' });
 */
export function detectSeries(
  points: ReadonlyArray<SeriesPoint>,
  options: Partial<DetectorOptions> = {},
): DetectedSeries {
  const resolved = resolveDetectorOptions(options);
  arena.reset();
  const { ms, values } = prepare(points);
  const grid = placeOnGrid(ms, values, resolved.duplicates, arena);
  const regular = grid.intervalMs !== null && (grid.monthly || isRegularGrid(ms, grid.intervalMs));
  const period = resolved.period ?? (regular ? periodForInterval(grid.intervalMs) : 1);
  const monthStarts = resolved.monthStart ? monthStartsOf(points, grid) : null;
  const minHistory = resolved.minHistory ?? defaultMinHistory(grid.intervalMs, period);
  const minObserved = Math.ceil(MIN_OBSERVED_SHARE * minHistory);
  const baselineOptions = baselineOptionsFor(grid.intervalMs, period, resolved, minHistory);
  const baseline = computeBaseline(grid.values, monthStarts, baselineOptions, arena);
  const { zThreshold, minImpact } = resolved;
  // Billing data is hourly at its finest: a finer grid is a metric, not judged by a cost's 20% floor
  // unless one is asked for (on labelled CloudWatch series, drops of 15-19% that it hid were incidents).
  const relativeThreshold =
    options.relativeThreshold === undefined && grid.intervalMs !== null && grid.intervalMs < HOUR_MS
      ? METRIC_RELATIVE_THRESHOLD
      : resolved.relativeThreshold;
  const fine = !baselineOptions.coarse;

  // Slot of the first positive value, for the `new` reason.
  let firstPositive = -1;
  for (let s = 0; s < grid.values.length && firstPositive < 0; s++)
    if ((grid.values[s] as number) > 0) firstPositive = s;
  // A new service spends from its first charge on; a zero after it means sporadic charges, not a
  // start. Only for daily and coarser grids: an idle minute of a metric says nothing of the kind.
  let firstZeroAfter = grid.values.length;
  if (firstPositive >= 0 && grid.intervalMs !== null && grid.intervalMs >= DAY_MS)
    for (let s = firstPositive + 1; s < grid.values.length && firstZeroAfter === grid.values.length; s++)
      if (grid.values[s] === 0) firstZeroAfter = s;

  // A service that started after a run of zeros: the model built on the zeros knows nothing of the
  // service's weekly shape, noise or bursts. From one period after its start (when `new` no longer
  // applies) a baseline that starts with the service judges it, with its own warm-up.
  const restartAt =
    grid.intervalMs !== null &&
    grid.intervalMs >= DAY_MS &&
    firstPositive >= NEW_MIN_HISTORY &&
    firstZeroAfter >= firstPositive + period
      ? firstPositive
      : -1;
  const restarted =
    restartAt < 0
      ? null
      : computeBaseline(
          grid.values.subarray(restartAt),
          monthStarts?.subarray(restartAt) ?? null,
          baselineOptions,
          arena,
        );

  const detected: DetectedPoint[] = new Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const timestamp = (points[i] as SeriesPoint).timestamp;
    const slot = grid.slotOf[i] as number;
    const value = grid.values[slot] as number;
    const fromRestart = restarted !== null && slot >= restartAt + period;
    const model = fromRestart ? restarted : baseline;
    const at = fromRestart ? slot - restartAt : slot;
    const expected = model.expected[at] as number;
    const lower = Math.max(0, expected - (model.lowerWidth[at] as number));
    const upper = expected + (model.upperWidth[at] as number);
    if (Number.isNaN(value)) {
      detected[i] = {
        timestamp,
        value: null,
        expected,
        lower,
        upper,
        z: 0,
        score: 0,
        anomaly: false,
        direction: null,
        impact: null,
        reason: null,
      };
      continue;
    }
    const impact = value - expected;
    const deviation = Math.abs(impact);
    const z = model.z[at] as number;
    const relative = expected > 0 ? deviation / expected : deviation > 0 ? Number.POSITIVE_INFINITY : 0;
    const history = model.history[at] as number;
    // Spend after a history of nothing but zeros needs less history to be news.
    const isNew = impact > 0 && slot - firstPositive < period && firstPositive > 0 && slot < firstZeroAfter;
    const judged = isNew
      ? history >= Math.min(minHistory, NEW_MIN_HISTORY)
      : at >= minHistory && history >= minObserved;
    let anomaly =
      judged && Math.abs(z) >= zThreshold && deviation >= minImpact && relative >= relativeThreshold;
    // Sub-daily grids: a drop must also go below the lowest value of this time of day in recent days
    // (real metrics visit their idle floor at odd times; a profile learnt from a few days expects more).
    if (anomaly && impact < 0 && fine)
      anomaly = value < usualFloor(grid.values, slot, grid.intervalMs as number);

    let reason: AnomalyReason | null = null;
    if (anomaly) {
      if (isNew) reason = 'new';
      else if (monthStarts?.[slot] === 1) reason = 'month-start';
      else reason = 'deviation';
    }
    detected[i] = {
      timestamp,
      value,
      expected,
      lower,
      upper,
      z,
      score: 1 - 2 ** (-Math.abs(z) / SCORE_REFERENCE_Z),
      anomaly,
      direction: anomaly ? (impact > 0 ? 'up' : 'down') : null,
      impact,
      reason,
    };
  }

  const warnings: string[] = [];
  if (grid.combinedPoints > 0) {
    warnings.push(
      `${grid.combinedPoints} point(s) shared a timestamp${grid.intervalMs === null ? '' : ` (or a ${describeInterval(grid.intervalMs)} slot)`} with another point, on ${grid.combinedSlots} timestamp(s): combined by ${grid.combinedBy === 'repeat' ? 'keeping one of each identical repeat' : grid.combinedBy}${grid.redeliveredSlots > 0 ? ` (${grid.redeliveredSlots} timestamp(s) held the same rows more than once: counted once)` : ''}`,
    );
  }
  // Points in the warm-up get a score but are never flagged: when they are half the series or more,
  // say so, or a short series looks calm.
  let warmUpPoints = 0;
  let observedPoints = 0;
  let warmUpLast = -1;
  for (let i = 0; i < points.length; i++) {
    const slot = grid.slotOf[i] as number;
    if (Number.isNaN(grid.values[slot] as number)) continue;
    observedPoints++;
    if (slot >= minHistory) continue;
    warmUpPoints++;
    if (warmUpLast < 0 || slot > (grid.slotOf[warmUpLast] as number)) warmUpLast = i;
  }
  if (warmUpPoints > 0 && warmUpPoints * 2 >= observedPoints) {
    const span = grid.intervalMs === null ? '' : `, ${describeSpan(minHistory, grid)}`;
    warnings.push(
      `${warmUpPoints} point(s), up to ${(points[warmUpLast] as SeriesPoint).timestamp}, are in the warm-up (the first ${minHistory} slots${span}): scored, never flagged`,
    );
  }
  if (grid.intervalMs !== null && !regular && resolved.period === undefined) {
    warnings.push(
      `timestamps are irregular (typical step ${describeInterval(grid.intervalMs)}): no seasonality assumed`,
    );
  }
  let gaps = 0;
  for (let s = 0; s < grid.values.length; s++) if (Number.isNaN(grid.values[s] as number)) gaps++;
  return {
    points: detected,
    intervalMs: grid.intervalMs,
    period,
    slots: grid.values.length,
    gaps,
    combined: grid.combinedPoints,
    warnings,
  };
}

/**
 * The verdicts of `detectSeries`, one per input point in input order.
 *
 * @throws InputError as `detectSeries` does.
 * @example
 * const points = dailyCosts.map(([timestamp, value]) => ({ timestamp, value }));
 * const flagged = detectAnomalies(points, { minImpact: 50 }).filter((p) => p.anomaly);
 */
export function detectAnomalies(
  points: ReadonlyArray<SeriesPoint>,
  options: Partial<DetectorOptions> = {},
): DetectedPoint[] {
  return detectSeries(points, options).points;
}
