/**
 * The expected value and robust noise scale of every point of a regularly
 * spaced series, each computed only from the points before it (one step
 * ahead, as the detector will run in production).
 *
 * Model, per point t with phase p = t mod period:
 *   expected = level(t) × seasonal(p)            (+ the learned fee on month starts)
 * - seasonal(p): median, over the last window/period seasons, of each point's
 *   ratio to its own season's median. Ratios, because cost seasonality is
 *   multiplicative (a weekend dip halves with the bill), and per-season
 *   ratios, so a level shift does not leak into the profile.
 * - level(t): median of the last two seasons of de-seasonalised points, each
 *   projected to t along a damped seasonal Theil–Sen slope (median of
 *   same-phase pair slopes, Hirsch et al. 1982), so growth does not read as
 *   anomalies; the trend is used only where it fits those points better than
 *   a flat level, so a step change is not extrapolated.
 * - scale: 1.4826 × median of the past one-step forecast errors, i.e. how
 *   wrong this very model has been recently, floored so flat series are calm.
 * The profile, slope and error scale are refitted once per season; the level
 * moves at every point.
 *
 * Gaps (NaN here) are skipped everywhere. Month-start points are kept out of
 * the regular model and get their own fee profile from previous month starts.
 */
import { MAD_TO_SIGMA, madInPlace, medianInPlace } from './robust-median.js';
import { RecentSample } from './sorted-sample.js';

/** The parts of `DetectorOptions` the baseline uses. */
export interface BaselineOptions {
  readonly period: number;
  readonly window: number;
  readonly trendDamping: number;
  readonly scaleFloor: number;
}

/** Per-point baseline, index-aligned with the input. */
export interface Baseline {
  /** Expected value, never negative. Equals the value itself where there was no history. */
  readonly expected: Float64Array;
  /** Robust standard deviation around `expected`, always > 0. */
  readonly scale: Float64Array;
  /** Observed (non-gap) points before this one. */
  readonly history: Uint32Array;
}

/** Absolute floor of the scale: only binds when the whole history is zero. */
export const MIN_SCALE = 1e-9;
// Phases whose typical value is below 5% of their season's median (e.g. zero-cost Sundays)
// say nothing about the level, and dividing by their factor would amplify noise.
const MIN_INFORMATIVE_RATIO = 0.05;
// Previous month starts remembered for the fee profile: a quarter of fees.
const MONTH_START_MEMORY = 3;
// Forecast errors needed before they, not the in-sample spread, set the scale.
const MIN_FORECAST_ERRORS = 3;
// The level uses the last two seasons, the trend the last four (at least 7 and 14 points).
const LEVEL_SEASONS = 2;
const TREND_SEASONS = 4;
const MIN_LEVEL_POINTS = 7;
const TREND_MARGIN = 1 - 1e-6;
const MIN_TREND_POINTS = 14;

const at = (buf: Float64Array, i: number): number => buf[i] as number;

/**
 * The working buffers and state of one fit. Kept between calls (see
 * `computeBaseline`) so scoring 100,000 series allocates only their outputs.
 */
class BaselineFitter {
  private readonly period: number;
  private readonly window: number;
  private readonly trendDamping: number;
  private readonly scaleFloor: number;
  private readonly seasons: number;
  private readonly levelSpan: number;
  private readonly trendSpan: number;
  // The profile, the slope and the noise scale move slowly: refit them once per season, not at every point.
  private readonly refitEvery: number;

  // Regular points (not gaps, not month starts) divided by their seasonal factor; NaN if unusable.
  private deseasonalised = new Float64Array(0);
  // Each point's ratio to the median of its own season, once that season is complete.
  private seasonRatio = new Float64Array(0);
  // One-step forecast errors of regular points, divided by their seasonal factor; NaN if none.
  private errors = new Float64Array(0);
  // The last `levelSpan` de-seasonalised points: as they are (flat level), and keyed by
  // d_i - slope * i, which orders them as their projections to any later t do (trend level).
  private readonly flatSample: RecentSample;
  private readonly trendSample: RecentSample;
  private readonly seasonal: Float64Array;
  private readonly feeResiduals = new Float64Array(MONTH_START_MEMORY);
  private readonly scratch: Float64Array;

  private values: Float64Array = new Float64Array(0);
  private monthStarts: Uint8Array | null = null;
  private slope = 0;

  constructor(options: BaselineOptions) {
    const { period, window } = options;
    this.period = period;
    this.window = window;
    this.trendDamping = options.trendDamping;
    this.scaleFloor = options.scaleFloor;
    this.seasons = Math.max(1, Math.floor(window / period));
    this.levelSpan = Math.min(window, Math.max(LEVEL_SEASONS * period, MIN_LEVEL_POINTS));
    this.trendSpan = Math.min(window, Math.max(TREND_SEASONS * period, MIN_TREND_POINTS));
    this.refitEvery = period > 1 ? period : MIN_LEVEL_POINTS;
    const perPhase = Math.ceil(this.trendSpan / period);
    const maxPairs = period * ((perPhase * (perPhase - 1)) / 2);
    this.flatSample = new RecentSample(this.levelSpan);
    this.trendSample = new RecentSample(this.levelSpan);
    this.seasonal = new Float64Array(period);
    this.scratch = new Float64Array(Math.max(maxPairs, period, this.seasons, window, MONTH_START_MEMORY) + 1);
  }

  matches(options: BaselineOptions): boolean {
    return (
      options.period === this.period &&
      options.window === this.window &&
      options.trendDamping === this.trendDamping &&
      options.scaleFloor === this.scaleFloor
    );
  }

  fit(values: Float64Array, monthStarts: Uint8Array | null): Baseline {
    const n = values.length;
    this.reset(values, monthStarts);
    const { period, window, refitEvery, scaleFloor, flatSample, trendSample } = this;
    const { errors, seasonal, feeResiduals, scratch } = this;
    const expected = new Float64Array(n);
    const scale = new Float64Array(n);
    const history = new Uint32Array(n);
    let feeCount = 0;
    let observed = 0;
    // Robust sigma of the de-seasonalised forecast errors; NaN until enough errors exist.
    let errorSigma = Number.NaN;

    for (let t = 0; t < n; t++) {
      if (t > 0 && t % refitEvery === 0) {
        if (period > 1) this.refitSeasonalProfile(t);
        this.slope = this.fitTrendSlope(t);
        this.rebuildLevelSamples(t);
        errorSigma = this.fitErrorSigma(t);
      }
      flatSample.expireBefore(t - window);
      trendSample.expireBefore(t - window);

      history[t] = observed;
      const value = at(values, t);
      const gap = Number.isNaN(value);
      const monthStart = monthStarts?.[t] === 1;
      const factor = at(seasonal, t % period);

      if (flatSample.size === 0) {
        // Nothing to compare with yet: the point is its own expectation, with zero deviation.
        expected[t] = gap ? 0 : value;
        scale[t] = gap ? MIN_SCALE : Math.max(scaleFloor * value, MIN_SCALE);
      } else {
        let level = flatSample.sample.median();
        let inSampleSigma = MAD_TO_SIGMA * flatSample.sample.mad();
        if (this.slope !== 0) {
          // A step change also yields a slope, and extrapolating it overshoots for weeks. Keep the
          // trend only where it explains the recent points clearly better than a flat level does
          // (the margin keeps exact ties, which rounding could tip either way, on the flat side).
          const trendSigma = MAD_TO_SIGMA * trendSample.sample.mad();
          if (trendSigma < inSampleSigma * TREND_MARGIN) {
            level = trendSample.sample.median() + this.slope * t;
            inSampleSigma = trendSigma;
          }
        }
        const regularExpected = Math.max(0, level * factor);
        const levelSigma = Number.isNaN(errorSigma) ? inSampleSigma : errorSigma;

        let pointExpected = regularExpected;
        let sigma = levelSigma * factor;
        if (monthStart && feeCount > 0) {
          const remembered = Math.min(feeCount, MONTH_START_MEMORY);
          for (let i = 0; i < remembered; i++) scratch[i] = at(feeResiduals, i);
          const fee = medianInPlace(scratch, remembered);
          pointExpected = Math.max(0, regularExpected + fee);
          sigma = Math.max(sigma, MAD_TO_SIGMA * madInPlace(scratch, remembered, fee));
        }
        expected[t] = pointExpected;
        scale[t] = Math.max(sigma, scaleFloor * Math.max(level, pointExpected), MIN_SCALE);

        if (!gap) {
          if (monthStart) {
            // What the month start carried on top of a regular day: the recurring fee to expect next month.
            feeResiduals[feeCount % MONTH_START_MEMORY] = value - regularExpected;
            feeCount++;
          } else if (t >= period && factor >= MIN_INFORMATIVE_RATIO) {
            // Errors made before a full season was seen reflect warm-up, not noise.
            errors[t] = Math.abs(value - regularExpected) / factor;
          }
        }
      }

      if (!gap) observed++;
      const d = this.deseasonalise(t);
      if (!Number.isNaN(d)) this.addToLevelSamples(t, d);
    }
    return { expected, scale, history };
  }

  private reset(values: Float64Array, monthStarts: Uint8Array | null): void {
    const n = values.length;
    if (this.errors.length < n) {
      this.deseasonalised = new Float64Array(n);
      this.seasonRatio = new Float64Array(n);
      this.errors = new Float64Array(n);
    }
    this.deseasonalised.fill(Number.NaN, 0, n);
    this.seasonRatio.fill(Number.NaN, 0, n);
    this.errors.fill(Number.NaN, 0, n);
    this.seasonal.fill(1);
    this.flatSample.clear();
    this.trendSample.clear();
    this.values = values;
    this.monthStarts = monthStarts;
    this.slope = 0;
  }

  private isRegular(i: number): boolean {
    return !Number.isNaN(at(this.values, i)) && this.monthStarts?.[i] !== 1;
  }

  private deseasonalise(i: number): number {
    const factor = at(this.seasonal, i % this.period);
    const d = this.isRegular(i) && factor >= MIN_INFORMATIVE_RATIO ? at(this.values, i) / factor : Number.NaN;
    this.deseasonalised[i] = d;
    return d;
  }

  private addToLevelSamples(i: number, d: number): void {
    this.flatSample.push(d, i);
    this.trendSample.push(d - this.slope * i, i);
  }

  private refitSeasonalProfile(seasonEnd: number): void {
    const { period, scratch, seasonRatio, values } = this;
    const seasonStart = seasonEnd - period;
    let count = 0;
    for (let i = seasonStart; i < seasonEnd; i++) if (this.isRegular(i)) scratch[count++] = at(values, i);
    // A season with fewer than half its points observed gives no trustworthy median.
    if (count * 2 >= period) {
      const seasonMedian = medianInPlace(scratch, count);
      if (seasonMedian > 0) {
        for (let i = seasonStart; i < seasonEnd; i++) {
          if (this.isRegular(i)) seasonRatio[i] = at(values, i) / seasonMedian;
        }
      }
    }
    for (let phase = 0; phase < period; phase++) {
      let phaseCount = 0;
      for (let k = 0, i = seasonStart + phase; k < this.seasons && i >= 0; k++, i -= period) {
        const ratio = at(seasonRatio, i);
        if (!Number.isNaN(ratio)) scratch[phaseCount++] = ratio;
      }
      if (phaseCount === 2) {
        // The median of two is their mean, so one odd week (a warm-up spike) would set the
        // profile. Take the more neutral of the two instead.
        const a = at(scratch, 0);
        const b = at(scratch, 1);
        this.seasonal[phase] = Math.abs(a - 1) <= Math.abs(b - 1) ? a : b;
      } else if (phaseCount > 0) {
        this.seasonal[phase] = medianInPlace(scratch, phaseCount);
      }
    }
    // The profile changed: re-express the history the trend reads (the level rebuild does the rest).
    for (let i = Math.max(0, seasonEnd - this.trendSpan); i < seasonEnd; i++) this.deseasonalise(i);
  }

  /** Seasonal Theil–Sen slope per point, damped. Same-phase pairs cancel any profile error. */
  private fitTrendSlope(t: number): number {
    const { period, deseasonalised, scratch } = this;
    let count = 0;
    for (let j = Math.max(0, t - this.trendSpan); j < t; j++) {
      const dj = at(deseasonalised, j);
      if (Number.isNaN(dj)) continue;
      for (let k = j + period; k < t; k += period) {
        const dk = at(deseasonalised, k);
        if (!Number.isNaN(dk)) scratch[count++] = (dk - dj) / (k - j);
      }
    }
    return count === 0 ? 0 : medianInPlace(scratch, count) * this.trendDamping;
  }

  /** 1.4826 × the median absolute forecast error in the window: how wrong this model has been. */
  private fitErrorSigma(t: number): number {
    const { errors, scratch } = this;
    let count = 0;
    for (let i = Math.max(0, t - this.window); i < t; i++) {
      const error = at(errors, i);
      if (!Number.isNaN(error)) scratch[count++] = error;
    }
    return count < MIN_FORECAST_ERRORS ? Number.NaN : MAD_TO_SIGMA * medianInPlace(scratch, count);
  }

  /** Refills the level samples after the profile or the slope changed. */
  private rebuildLevelSamples(t: number): void {
    this.flatSample.clear();
    this.trendSample.clear();
    let first = t;
    for (let found = 0, i = t - 1; i >= 0 && i >= t - this.window && found < this.levelSpan; i--) {
      // Points older than the trend span were not re-expressed by the refit; long gaps reach them.
      const d =
        i < t - this.trendSpan && this.period > 1 ? this.deseasonalise(i) : at(this.deseasonalised, i);
      if (!Number.isNaN(d)) {
        found++;
        first = i;
      }
    }
    for (let i = first; i < t; i++) {
      const d = at(this.deseasonalised, i);
      if (!Number.isNaN(d)) this.addToLevelSamples(i, d);
    }
  }
}

// Scoring is synchronous, so one fitter can serve every call; it is rebuilt when the options change.
let sharedFitter: BaselineFitter | null = null;

/**
 * Computes the baseline of a series. `values` holds NaN for gaps;
 * `monthStarts` marks month-start points with 1 (or is `null` to treat every
 * point alike). Inputs must already be validated: finite, non-negative.
 *
 * @example
 * const { expected } = computeBaseline(Float64Array.of(10, 10, 10, 10), null, DEFAULT_DETECTOR_OPTIONS);
 * expected[3]; // 10
 */
export function computeBaseline(
  values: Float64Array,
  monthStarts: Uint8Array | null,
  options: BaselineOptions,
): Baseline {
  if (sharedFitter === null || !sharedFitter.matches(options)) sharedFitter = new BaselineFitter(options);
  return sharedFitter.fit(values, monthStarts);
}
