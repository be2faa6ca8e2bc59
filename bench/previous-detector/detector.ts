/**
 * FROZEN: the detector as it was at commit 49d4d6e (before issue 11), kept
 * verbatim (imports aside) so the bench can report it beside the current one.
 * It scores rows by position: missing days are not inserted, and `detect`
 * dropped duplicate timestamps. Do not change it; do not import it from
 * shared/ or cli/.
 */
/**
 * Anomaly detector for regularly spaced series (daily costs, hourly usage).
 * Pure: no clock, no I/O. The baseline lives in `baseline.ts`; this file
 * validates input and turns expected-vs-actual into a verdict per point.
 */
import { InputError } from '../../shared/core/errors.js';
import { computeBaseline } from './baseline.js';
import { type DetectorOptions, resolveDetectorOptions } from './options.js';
import { isMonthStart } from './period.js';

export type { Baseline, BaselineOptions } from './baseline.js';
export { computeBaseline, MIN_SCALE } from './baseline.js';
export {
  DEFAULT_DETECTOR_OPTIONS,
  type DetectorOptions,
  DetectorOptionsSchema,
  resolveDetectorOptions,
} from './options.js';
export { inferInterval, inferPeriod, isMonthStart } from './period.js';

/** One input point. `value: null` is a gap (no data), which is not the same as a zero cost. */
export interface SeriesPoint {
  readonly timestamp: string;
  readonly value: number | null;
}

/**
 * Why a point is anomalous:
 * - `new`: spend that started less than one period ago on a series that had been zero or empty
 *   (a new service or workload), while the baseline still expects nothing.
 * - `month-start`: the first point of a month deviates from the fees seen on previous month starts.
 * - `deviation`: any other departure from the seasonal, trend-aware baseline.
 */
export type AnomalyReason = 'new' | 'month-start' | 'deviation';

/** The verdict on one point, index-aligned with the input. */
export interface DetectedPoint {
  readonly timestamp: string;
  /** The input value; `null` for a gap. */
  readonly value: number | null;
  /** Baseline value for this point, from earlier points only. */
  readonly expected: number;
  /** Band edges at `zThreshold` robust sigmas; `lower` is clamped at 0. */
  readonly lower: number;
  readonly upper: number;
  /** Signed deviation in robust sigmas; 0 for a gap. */
  readonly z: number;
  /** 1 − 2^(−|z| / zThreshold): 0 on the baseline, 0.5 at the threshold, towards 1 beyond. */
  readonly score: number;
  readonly anomaly: boolean;
  /** Set on anomalies only. */
  readonly direction: 'up' | 'down' | null;
  /** value − expected; `null` for a gap. */
  readonly impact: number | null;
  /** Set on anomalies only. */
  readonly reason: AnomalyReason | null;
}

// Larger values are not costs, and differences of them could overflow to Infinity.
const MAX_VALUE = 1e100;

/** Validates the series and splits it into a NaN-for-gap value array and a month-start mask. */
function prepareSeries(
  points: ReadonlyArray<SeriesPoint>,
  monthStartAware: boolean,
): { values: Float64Array; monthStarts: Uint8Array | null } {
  if (points.length === 0) throw new InputError('series', 'is empty: at least one point is needed');
  const values = new Float64Array(points.length);
  const monthStarts = monthStartAware ? new Uint8Array(points.length) : null;
  let consecutiveMonthStarts = false;
  for (let i = 0; i < points.length; i++) {
    const point = points[i];
    if (point === undefined || typeof point.timestamp !== 'string') {
      throw new InputError(`series[${i}]`, 'needs a string timestamp');
    }
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
    if (monthStarts !== null && isMonthStart(point.timestamp, `series[${i}].timestamp`)) {
      monthStarts[i] = 1;
      if (i > 0 && monthStarts[i - 1] === 1) consecutiveMonthStarts = true;
    }
  }
  // In a monthly series every point is a month start; there is no regular day to compare a fee with.
  return { values, monthStarts: consecutiveMonthStarts ? null : monthStarts };
}

/**
 * Scores every point of a regularly spaced series against a robust,
 * seasonal, trend-aware baseline built from the points before it.
 *
 * A point is an anomaly only when all hold: at least `minHistory` observed
 * points precede it; |z| > `zThreshold`; |impact| >= `minImpact`; and
 * |impact| / expected >= `relativeThreshold` (an expected 0 counts as infinitely
 * far). Gaps (`null`) are skipped, never read as zero.
 *
 * Points must be in time order and evenly spaced, with `null` for missing
 * ones; `period` is in points (use `inferPeriod` for unknown data).
 *
 * @throws InputError for an empty series or a value that is NaN, infinite or
 * negative (location `series[i]`), or for invalid options (`options.<name>`).
 * @example
 * const points = dailyCosts.map(([timestamp, value]) => ({ timestamp, value }));
 * const flagged = detectAnomalies(points, { minImpact: 50 }).filter((p) => p.anomaly);
 */
export function detectAnomalies(
  points: ReadonlyArray<SeriesPoint>,
  options: Partial<DetectorOptions> = {},
): DetectedPoint[] {
  const resolved = resolveDetectorOptions(options);
  const { values, monthStarts } = prepareSeries(points, resolved.monthStart);
  const { expected, scale, history } = computeBaseline(values, monthStarts, resolved);
  const { zThreshold, minHistory, minImpact, relativeThreshold } = resolved;

  const detected: DetectedPoint[] = new Array(points.length);
  let firstPositive = -1;
  for (let i = 0; i < points.length; i++) {
    const timestamp = (points[i] as SeriesPoint).timestamp;
    const value = values[i] as number;
    const pointExpected = expected[i] as number;
    const sigma = scale[i] as number;
    const lower = Math.max(0, pointExpected - zThreshold * sigma);
    const upper = pointExpected + zThreshold * sigma;
    if (Number.isNaN(value)) {
      detected[i] = {
        timestamp,
        value: null,
        expected: pointExpected,
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
    const impact = value - pointExpected;
    const deviation = Math.abs(impact);
    // Finite: sigma is floored above zero and values are capped at MAX_VALUE.
    const z = impact / sigma;
    const relative =
      pointExpected > 0 ? deviation / pointExpected : deviation > 0 ? Number.POSITIVE_INFINITY : 0;
    const anomaly =
      (history[i] as number) >= minHistory &&
      Math.abs(z) > zThreshold &&
      deviation >= minImpact &&
      relative >= relativeThreshold;
    let reason: AnomalyReason | null = null;
    if (anomaly) {
      if (impact > 0 && (firstPositive < 0 || i - firstPositive < resolved.period)) reason = 'new';
      else if (monthStarts?.[i] === 1) reason = 'month-start';
      else reason = 'deviation';
    }
    detected[i] = {
      timestamp,
      value,
      expected: pointExpected,
      lower,
      upper,
      z,
      score: 1 - 2 ** (-Math.abs(z) / zThreshold),
      anomaly,
      direction: anomaly ? (impact > 0 ? 'up' : 'down') : null,
      impact,
      reason,
    };
    if (value > 0 && firstPositive < 0) firstPositive = i;
  }
  return detected;
}
