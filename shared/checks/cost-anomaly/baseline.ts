/**
 * The expected value, noise scale and calibrated deviation of every slot of
 * a series on its regular grid, each computed one step ahead from the slots
 * before it, as the detector runs in production.
 *
 * Model, per slot t with phase p = t mod period:
 *   expected = level(t) × seasonal(p) × weekday(t)   (+ the learned fee on month starts)
 * - seasonal(p): median, over the last window/period seasons, of each point's
 *   ratio to its own season's median (refitted once per season; robust to
 *   bursts, gaps and level shifts, as in robust STL's use of medians).
 *   Phases with few values borrow their neighbours' on fine grids.
 * - weekday(t), on grids finer than a day whose period is one day: each
 *   weekday's level relative to its week, so 5-minute metrics get their
 *   weekly cycle from a few weeks instead of a 2,016-point profile.
 * - level(t): robust exponential smoothing of the de-seasonalised values
 *   (errors clipped at 2 sigmas, as in robust Holt–Winters, Gelper, Fried &
 *   Croux 2010), with a damped trend on daily and coarser grids.
 * - level shifts: a run of errors beyond 3 sigmas on one side, `shiftRun`
 *   points long, re-levels at the run's median (a changepoint). The old
 *   level is remembered for a while: a return to it is recognised, scored
 *   against it, and restores it, so the end of an incident is not a second one.
 * - scale: the mean absolute error (clipped, robust) of the recent one-step
 *   forecasts, per hour of the day on fine grids; floored so flat series are
 *   calm and mostly-zero series are not infinitely surprised by a charge.
 *   On daily and coarser grids upward errors are clipped at 1 sigma (bursts
 *   are one-sided: a scale that let them in would widen until they fit
 *   inside it). Level and scale start from the first week's median and the
 *   warm-up's median absolute deviation, not from its first point and first
 *   error (either may be a burst).
 * - z: the error in sigmas, divided by the series' own tail scale on that
 *   side (`ResidualTail`): how far its usual large errors reach beyond
 *   normal noise. Routine bursts thus set their own bar.
 * - burst guard (daily and coarser grids): an upward departure must also
 *   exceed 1.8 times the second largest recent burst, measured as a share of
 *   the level (`BurstGuard`), a unit that does not drift when the scale
 *   settles after a bursty warm-up. The warm-up's bursts are measured against
 *   its median level, so they are known from the first judged day.
 *
 * Gaps (NaN) are skipped everywhere. Month-start points are kept out of the
 * regular model and get their own fee profile from previous month starts; the
 * return test applies to them too (less the fee), and a shift re-measures the
 * fees learnt during its run.
 */

import { BurstGuard } from './detector/burst-guard.js';
import { PersistenceChart } from './detector/persistence-chart.js';
import { ResidualTail } from './detector/residual-tail.js';
import { ScratchArena } from './detector/scratch-arena.js';
import { MIN_INFORMATIVE_RATIO, SeasonalProfile } from './detector/seasonal-profile.js';
import { MAD_TO_SIGMA, madInPlace, medianInPlace } from './robust-median.js';
import { RecentSample } from './sorted-sample.js';

/** What the baseline needs to know about the series and the options. */
export interface BaselineOptions {
  /** Points per season. */
  readonly period: number;
  /** Points of history the seasonal profile uses (whole seasons of it). */
  readonly window: number;
  /** Share of the fitted trend carried to the next point (the damping of a damped trend). */
  readonly trendDamping: number;
  /** Smallest scale, as a share of the expected value. */
  readonly scaleFloor: number;
  /** Points per day on grids finer than a day whose period is one day (adds the weekday factor); else 0. */
  readonly pointsPerDay: number;
  /** Fit a trend (daily and coarser grids). */
  readonly trend: boolean;
  /** Consecutive points beyond 3 sigmas on one side that confirm a level shift. */
  readonly shiftRun: number;
  /** Points a previous level is remembered after a shift. */
  readonly shiftMemory: number;
  /** Points over which the error tail forgets (1/e). */
  readonly tailMemory: number;
  /** Weight of the level's update per point (0 to 1). */
  readonly levelSmoothing: number;
  /** Longest run of low points that may still be a holiday (see `holidayLike`). */
  readonly holidayRun: number;
  /** Points never judged (minHistory): their seasons may set the initial profile. */
  readonly warmUp: number;
  /** Band edges are where the calibrated |z| reaches this. */
  readonly zThreshold: number;
  /**
   * Daily and coarser (cost) grids: learn routine bursts as a share of the level (`BurstGuard`), and
   * hold rises and drops out of the level until the run test has decided whether they are a shift.
   */
  readonly coarse: boolean;
}

/** Per-slot baseline, index-aligned with the grid. */
export interface Baseline {
  /** Expected value, never negative. Equals the value itself where there was no history. */
  readonly expected: Float64Array;
  /** Robust standard deviation around `expected`, always > 0. */
  readonly scale: Float64Array;
  /** Observed (non-gap) slots before this one. */
  readonly history: Uint32Array;
  /** Calibrated signed z (0 for gaps and where nothing is known yet). */
  readonly z: Float64Array;
  /** Distance from `expected` to the band's upper and lower edges. */
  readonly upperWidth: Float64Array;
  readonly lowerWidth: Float64Array;
}

/** Absolute floor of the scale: only binds when the whole history is zero. */
export const MIN_SCALE = 1e-9;
const MONTH_START_MEMORY = 3;
/** A fee known from one month start is trusted to within half its size (a quarter from two, …). */
const FEE_UNCERTAINTY = 0.5;
/** Errors beyond this many sigmas move the level only this far (Huber). */
const LEVEL_CLIP = 2;
/** Errors beyond this many sigmas count towards a level shift. */
const SHIFT_BAND = 3;
/** Consecutive errors beyond this many sigmas on one side are one event for the tail. */
const EVENT_BAND = 3;
/** A point this much closer (as a share of the distance) to the remembered level than to the current one is a return. */
const RETURN_SHARE = 0.3;
/** Largest change of the scale carried over a level shift. */
const MAX_SHIFT_RATIO = 10;
/** The mean absolute error is clipped here, so bursts do not inflate the scale (the tail model sees them). */
const SCALE_CLIP = 2.5;
/**
 * Daily and coarser grids: upward errors are clipped here instead. Routine bursts are upward only;
 * with the 2.5-sigma clip, a burst every third day keeps a scale several times too wide (the bursts
 * then sit inside it, never count as bursts, and widen it further), a state it does not leave.
 */
const UP_SCALE_CLIP = 1;
/** Mean absolute error to standard deviation for normal errors. */
const MEAN_ABS_TO_SIGMA = 1.2533;
/**
 * The same with upward errors clipped at 1 sigma: for normal errors E[min(Z, 1) | Z > 0] = 0.6313
 * against E[|Z|] = 0.7979, so the mean of both sides is 0.7146 and sigma = 1.2533 × 0.7979 / 0.7146.
 */
const ONE_SIDED_MEAN_ABS_TO_SIGMA = (MEAN_ABS_TO_SIGMA * 0.7979) / ((0.6313 + 0.7979) / 2);
/** Share of the unclipped mean absolute error the scale never goes below (mostly-zero series). */
const RAW_SCALE_SHARE = 0.1;
const TREND_SMOOTHING = 0.1;
/** The scale is widened by this many errors' worth while few are known: ×(1 + 3/n). */
const SMALL_SAMPLE = 3;
/** Errors after which a bucket's scale is trusted enough to call a large upward error a burst. */
const SETTLED_SCALE_ERRORS = 10;
/** Bursts are at most this share of the points; more errors than that beyond the band mean a wrong scale. */
const MAX_BURST_RATE = 0.25;
/**
 * On daily grids, rises and drops are held out of the level up to this share of recent points: a run
 * of them is the run test's to confirm as a shift (10 days), not the level's to creep after.
 */
const MAX_EVENT_RATE_COARSE = 0.6;
const UP_RATE_SMOOTHING = 1 / 14;
/** An up-tail scale above this marks a series with routine bursts (see `calibrated`). */
const BURSTY_TAIL = 1.3;
/** Errors a scale bucket needs before its errors count towards the tail. */
const MIN_SCALE_ERRORS = 3;
// Fine grids: 24 scale buckets (hours).
const SCALE_BUCKETS_FINE = 24;
const MAX_PROFILE_SEASONS = 8;
/** A series with more zeros than this share of its recent points is intermittent. */
const INTERMITTENT_ZERO_SHARE = 0.4;
/** Recent charges kept to judge the next one, and how many are needed first. */
const RECENT_SIZES = 15;
const MIN_SIZES = 3;
/** An intermittent series' charge must depart from the typical one this many times the largest routine charge's departure to alert. */
const CHARGE_MARGIN = 2;
/** A phase counts as quieter (a holiday could look like it) below this share of the judged one. */
const HOLIDAY_CONTRAST = 0.9;

/** An upward departure must exceed the guard's bar (as a share of the level) this many times to alert. */
const GUARD_MARGIN = 1.8;
/** The bar is the second largest recent departure: a size seen once is not yet usual (see `BurstGuard`). */
const GUARD_RANK = 2;
/** Points per block (at least) whose median starts the level (see `startFromWarmUp`): a week of days. */
const START_BLOCK = 7;
/** Observed points the burst guard needs before it says anything. */
const GUARD_MIN_POINTS = 14;
/** Days each side of a warm-up point whose median is its local level (see `localLevels`). */
const LOCAL_HALF_WIDTH = 3;
/**
 * A warm-up whose first and last weeks' levels are this far apart moved (a service ramping up):
 * the burst guard then measures its departures from the week around each point, not from its median.
 */
const MOVED_RATIO = 1.5;
/** Steps since the level's last update for which the damped trend's carry is precomputed. */
const CARRIED_STEPS = 32;

const at = (buf: Float64Array, i: number): number => buf[i] as number;

/** Per-bucket scale: clipped and unclipped mean absolute errors, and how many errors each has seen. */
interface ScaleState {
  readonly clippedAbs: Float64Array;
  readonly rawAbs: Float64Array;
  readonly count: Float64Array;
}

const newScaleState = (buckets: number): ScaleState => ({
  clippedAbs: new Float64Array(buckets),
  rawAbs: new Float64Array(buckets),
  count: new Float64Array(buckets),
});

function copyScales(from: ScaleState, to: ScaleState): void {
  to.clippedAbs.set(from.clippedAbs);
  to.rawAbs.set(from.rawAbs);
  to.count.set(from.count);
}

class BaselineModel {
  private readonly o: BaselineOptions;
  private readonly buckets: number;
  private readonly relativeScale: boolean;
  private readonly profile: SeasonalProfile;
  private readonly tail: ResidualTail;
  // The same errors in level sigmas (not scaled down on quiet phases): the size of a burst in dollars.
  private readonly sizeTail: ResidualTail;
  // Upward departures as a share of the level (daily and coarser grids): how large bursts get here.
  private readonly guard: BurstGuard | null;
  private scratch: Float64Array = new Float64Array(64);
  // Work buffers of `localLevels`.
  private localIn: Float64Array = new Float64Array(0);
  private localOut: Float64Array = new Float64Array(0);
  private readonly localWindow = new Float64Array(2 * LOCAL_HALF_WIDTH + 1);
  // One block (a week on daily grids) of de-seasonalised values, for `startFromWarmUp`.
  private readonly blockValues: Float64Array;
  // The scale per bucket, and copies taken before the first and the latest of a series of level
  // shifts (one is restored on a return).
  private readonly scales: ScaleState;
  private readonly savedScales: ScaleState;
  private readonly latestScales: ScaleState;
  private readonly runStartScales: ScaleState;
  private runStartLevel = Number.NaN;
  private runStartSlot = 0;
  // The latest slot whose error was within SHIFT_BAND: month starts after it belong to the run.
  private calmSlot = -1;
  private readonly clippedAbs: Float64Array;
  private readonly rawAbs: Float64Array;
  private readonly scaleCount: Float64Array;
  private readonly scaleRate: number;
  // Off (null) on daily and coarser grids, where one point is evidence enough.
  private readonly persistence: PersistenceChart | null;
  private readonly feeResiduals = new Float64Array(MONTH_START_MEMORY);
  // The slot of each remembered fee (see `refeeRun`).
  private readonly feeSlots = new Int32Array(MONTH_START_MEMORY);
  private feeCount = 0;
  private pendingFee = -1;

  private values: Float64Array = new Float64Array(0);
  // Level state.
  private level = Number.NaN;
  private slope = 0;
  private levelAt = 0;
  private profileReady = false;
  // Mostly zeros recently: no seasonal shape, no level shifts, the scale from the charges.
  private intermittent = false;
  // The most recent positive values, for judging a charge of an intermittent series.
  private readonly sizes = new RecentSample(RECENT_SIZES);
  // The recent charges that were not alerts: the sizes an intermittent series has shown to be routine.
  private readonly routine = new RecentSample(RECENT_SIZES);
  // Whether the last charge was an alert (the charge after it belongs to the same event).
  private chargeAlerted = false;
  // Level-shift state: the current run beyond SHIFT_BAND, and the levels before the first and the
  // latest of a series of shifts (each within `shiftMemory` of the one before), remembered until
  // `shiftMemory` after the latest.
  private runSign = 0;
  private runLength = 0;
  private readonly runLevels: Float64Array;
  private previousLevel = Number.NaN;
  private latestLevel = Number.NaN;
  private previousUntil = -1;
  private shiftError = 0;
  private shiftSize = 0;
  private shiftWeight = 0;
  // The open event (consecutive errors beyond EVENT_BAND on one side) and its entry in the tail.
  private eventSign = 0;
  private eventError = 0;
  private eventSize = 0;
  private eventWeight = 0;
  private eventInTail = false;
  // Smoothed share of recent errors beyond EVENT_BAND upwards, and downwards.
  private upRate = 0;
  private downRate = 0;
  // Consecutive observed points beyond SHIFT_BAND downwards.
  private lowRun = 0;
  // The warm-up's errors (value units), with their factor and bucket (see `restandardiseWarmUp`).
  private readonly warmUpErrors: Float64Array;
  private readonly warmUpFactors: Float64Array;
  private readonly warmUpBuckets: Uint16Array;
  private warmUpCount = 0;
  // `carried(steps)` for the usual few steps since the level's last update (mostly 1): the power in it
  // was a tenth of the per-point loop's time.
  private readonly carriedSteps = new Float64Array(CARRIED_STEPS);

  constructor(options: BaselineOptions) {
    this.o = options;
    const { period, window } = options;
    this.buckets = period > 24 ? SCALE_BUCKETS_FINE : 1;
    this.relativeScale = this.buckets === 1;
    const seasons = Math.max(1, Math.min(MAX_PROFILE_SEASONS, Math.floor(window / period)));
    this.profile = new SeasonalProfile(period, seasons, options.pointsPerDay, options.coarse, options.coarse);
    this.tail = new ResidualTail(options.tailMemory);
    this.sizeTail = new ResidualTail(options.tailMemory);
    this.guard = options.coarse ? new BurstGuard(options.tailMemory, GUARD_RANK) : null;
    this.scales = newScaleState(this.buckets);
    this.savedScales = newScaleState(this.buckets);
    this.latestScales = newScaleState(this.buckets);
    this.runStartScales = newScaleState(this.buckets);
    this.clippedAbs = this.scales.clippedAbs;
    this.rawAbs = this.scales.rawAbs;
    this.scaleCount = this.scales.count;
    // Each bucket sees 1/buckets of the points; remember about 4 weeks (coarse) or 3 days (fine) of them.
    this.scaleRate = this.buckets === 1 ? 1 / 28 : Math.min(1, this.buckets / (3 * period));
    this.runLevels = new Float64Array(Math.max(1, options.shiftRun));
    this.blockValues = new Float64Array(Math.max(period, START_BLOCK));
    this.warmUpErrors = new Float64Array(options.warmUp);
    this.warmUpFactors = new Float64Array(options.warmUp);
    this.warmUpBuckets = new Uint16Array(options.warmUp);
    // The chart's spread is learned over about a day of points.
    this.persistence = options.trend ? null : new PersistenceChart(options.shiftRun, period);
    for (let steps = 0; steps < CARRIED_STEPS; steps++) this.carriedSteps[steps] = this.carried(steps);
  }

  /** True when this model was built for the same options (so it can be reused). */
  matches(options: BaselineOptions): boolean {
    const o = this.o;
    return (
      o.period === options.period &&
      o.window === options.window &&
      o.trendDamping === options.trendDamping &&
      o.scaleFloor === options.scaleFloor &&
      o.pointsPerDay === options.pointsPerDay &&
      o.trend === options.trend &&
      o.shiftRun === options.shiftRun &&
      o.shiftMemory === options.shiftMemory &&
      o.tailMemory === options.tailMemory &&
      o.levelSmoothing === options.levelSmoothing &&
      o.warmUp === options.warmUp &&
      o.holidayRun === options.holidayRun &&
      o.zThreshold === options.zThreshold &&
      o.coarse === options.coarse
    );
  }

  /** Forgets everything learned from the previous series. */
  private reset(): void {
    this.tail.reset();
    this.sizeTail.reset();
    this.guard?.reset();
    this.clippedAbs.fill(0);
    this.rawAbs.fill(0);
    this.scaleCount.fill(0);
    this.feeResiduals.fill(0);
    this.feeCount = 0;
    this.pendingFee = -1;
    this.level = Number.NaN;
    this.slope = 0;
    this.levelAt = 0;
    this.profileReady = false;
    this.intermittent = false;
    this.sizes.clear();
    this.routine.clear();
    this.chargeAlerted = false;
    this.runSign = 0;
    this.runLength = 0;
    this.calmSlot = -1;
    this.previousLevel = Number.NaN;
    this.latestLevel = Number.NaN;
    this.previousUntil = -1;
    this.shiftError = 0;
    this.shiftSize = 0;
    this.shiftWeight = 0;
    this.eventSign = 0;
    this.eventError = 0;
    this.eventSize = 0;
    this.eventWeight = 0;
    this.eventInTail = false;
    this.upRate = 0;
    this.downRate = 0;
    this.lowRun = 0;
    this.persistence?.reset();
    this.warmUpCount = 0;
  }

  fit(values: Float64Array, monthStarts: Uint8Array | null, arena: ScratchArena | undefined): Baseline {
    this.reset();
    const n = values.length;
    const { period, pointsPerDay, scaleFloor } = this.o;
    this.values = values;
    this.profile.reset(values, monthStarts);
    // The caller's arena when the outputs die with its call; else one backing store for the six of
    // them (a typed array over 64 bytes gets its own off-heap allocation, and six of them per series
    // were a tenth of the detector's time at 100,000 series).
    const out =
      arena ?? new ScratchArena(n * (5 * Float64Array.BYTES_PER_ELEMENT + Uint32Array.BYTES_PER_ELEMENT));
    const expected = out.float64(n);
    const scale = out.float64(n);
    const z = out.float64(n);
    const upperWidth = out.float64(n);
    const lowerWidth = out.float64(n);
    const history = out.uint32(n);
    let observed = 0;

    // Holt–Winters practice: the first seasons (never judged: they are the warm-up) set the initial
    // profile, so the errors of the warm-up already teach the scale and the tail (a burst in week one).
    const initialSeasons = Math.floor(Math.min(n, this.o.warmUp) / period);
    const initialEnd = period > 1 && initialSeasons > 0 ? initialSeasons * period : 0;
    if (initialEnd > 0) this.initialProfile(initialEnd, initialSeasons);
    this.startFromWarmUp(Math.min(n, this.o.warmUp), monthStarts);
    for (let t = 0; t < n; t++) {
      if (t > initialEnd && t % period === 0) this.refitProfile(t);
      if (pointsPerDay > 0 && t > 0 && t % pointsPerDay === 0) this.profile.refitWeekday(t);
      this.tail.tick();
      this.sizeTail.tick();
      if (t === this.o.warmUp) {
        this.restandardiseWarmUp();
        this.guardFromWarmUp(t, monthStarts);
      }
      history[t] = observed;
      const value = at(values, t);
      const gap = Number.isNaN(value);
      const monthStart = monthStarts?.[t] === 1;
      const factor = this.factorAt(t);

      if (Number.isNaN(this.level)) {
        // Nothing to compare with yet: the point is its own expectation, with zero deviation.
        expected[t] = gap ? 0 : value;
        scale[t] = gap ? MIN_SCALE : Math.max(scaleFloor * value, MIN_SCALE);
        if (!gap) {
          observed++;
          // A fee on a month start seen before any regular point: learned once the level is known.
          if (monthStart) this.pendingFee = t;
          else this.startLevel(t, value, factor);
        }
        continue;
      }

      let level = this.levelForecast(t);
      if (this.pendingFee >= 0 && this.profileReady) this.learnPendingFee();
      let regularExpected = Math.max(0, level * factor);
      const bucket = this.buckets === 1 ? 0 : Math.floor(((t % period) * this.buckets) / period);
      let sigma = this.sigmaOf(bucket, factor, level, regularExpected);
      let regularSigma = sigma;
      if (this.intermittent && !monthStart && this.sizes.size >= MIN_SIZES) {
        // Mostly zeros: a zero is normal, and a charge is judged against the recent charges' sizes.
        const typical = this.sizes.median();
        const sizeSigma = Math.max(MAD_TO_SIGMA * this.sizes.mad(), scaleFloor * typical, MIN_SCALE);
        expected[t] = gap ? regularExpected : value > 0 ? typical : 0;
        scale[t] = sizeSigma;
        // Upwards, a charge must also beat the largest routine charge by a margin (see `chargeBound`).
        const bound = this.chargeBound(typical);
        upperWidth[t] = Math.max(this.o.zThreshold * this.tail.scale(true) * sizeSigma, bound);
        lowerWidth[t] = this.o.zThreshold * this.tail.scale(false) * sizeSigma;
        if (gap) continue;
        observed++;
        if (value > 0) {
          const r = (value - typical) / sizeSigma;
          // A smaller charge than usual is not news on a series that is mostly nothing.
          let zt = r > 0 ? r / this.tail.scale(true) : 0;
          if (bound > 0 && r > 0) zt = Math.min(zt, (this.o.zThreshold * (value - typical)) / bound);
          z[t] = zt;
          // An alert's charge (and the next one, the same event) is no routine size.
          const alerted = zt >= this.o.zThreshold && t >= this.o.warmUp;
          if (!alerted && !this.chargeAlerted) this.routine.push(value, t);
          this.chargeAlerted = alerted;
          this.recordError(r, r);
          this.sizes.push(value, t);
        }
        this.level = level + this.o.levelSmoothing * (value - level);
        this.slope = 0;
        this.levelAt = t;
        continue;
      }
      // A mostly-zero series' charges after its first, before there are enough to judge a charge by,
      // teach the typical charge: judged against the level of a series of zeros they all read as
      // news (the first is, as spend that starts).
      const learningCharges = this.intermittent && !gap && !monthStart && value > 0 && this.sizes.size >= 1;
      if (!gap && !monthStart && value > 0) {
        this.sizes.push(value, t);
        // An intermittent series' first charges, before there are enough to judge by, are routine too.
        if (this.intermittent) this.routine.push(value, t);
      }

      // What a month start carries on top of a regular day (the fee), and how sure that is.
      let fee = 0;
      let feeSpread = 0;
      if (monthStart && this.feeCount > 0) {
        const remembered = Math.min(this.feeCount, MONTH_START_MEMORY);
        const scratch = this.scratchOf(remembered);
        for (let i = 0; i < remembered; i++) scratch[i] = at(this.feeResiduals, i);
        fee = medianInPlace(scratch, remembered);
        // One or two month starts say little about a fee (a burst may have landed on the first).
        const unsure = (FEE_UNCERTAINTY * Math.abs(fee)) / (remembered * remembered);
        feeSpread = Math.max(MAD_TO_SIGMA * madInPlace(scratch, remembered, fee), unsure);
      }

      // The end of an incident is recognised on any day: on a month start, from what the day carried
      // besides the fee, beyond the fee's own uncertainty (a step's end that fell on the first was
      // paged, and taught the fee a saving).
      if (!gap && !Number.isNaN(this.previousLevel) && t <= this.previousUntil) {
        // Back to the level from before the shifts? Then they were an excursion, not a new normal.
        // Back to the level from before the first of them (a rise confirmed in two steps) or the
        // latest (a small shift, then an incident's rise that ended): whichever the value is nearer.
        const regularValue = value - fee;
        const nearerLatest =
          !Number.isNaN(this.latestLevel) &&
          Math.abs(regularValue - this.latestLevel * factor) <
            Math.abs(regularValue - this.previousLevel * factor);
        const previousLevel = nearerLatest ? this.latestLevel : this.previousLevel;
        const previousScales = nearerLatest ? this.latestScales : this.savedScales;
        const previousExpected = Math.max(0, previousLevel * factor);
        const previousSigma = this.sigmaOf(bucket, factor, previousLevel, previousExpected, previousScales);
        const fromCurrent = Math.abs(regularValue - regularExpected);
        if (
          fromCurrent > SHIFT_BAND * Math.max(sigma, feeSpread) &&
          Math.abs(regularValue - previousExpected) < RETURN_SHARE * fromCurrent
        ) {
          level = previousLevel;
          this.restorePreviousLevel(t, previousLevel, previousScales);
          regularExpected = previousExpected;
          sigma = previousSigma;
          regularSigma = previousSigma;
        }
      }

      let pointExpected = regularExpected;
      if (monthStart && this.feeCount > 0) {
        pointExpected = Math.max(0, regularExpected + fee);
        sigma = Math.max(sigma, feeSpread, scaleFloor * pointExpected);
      }

      expected[t] = pointExpected;
      scale[t] = sigma;
      upperWidth[t] = this.o.zThreshold * this.tail.scale(true) * sigma;
      lowerWidth[t] = this.o.zThreshold * this.tail.scale(false) * sigma;
      // Downwards, a month start is judged as a regular day (see below): the band says so too.
      if (monthStart && fee > 0)
        lowerWidth[t] = Math.max(
          at(lowerWidth, t),
          fee + this.o.zThreshold * this.tail.scale(false) * regularSigma,
        );
      const guardBound = monthStart ? 0 : this.guardBound(t, level);
      if (guardBound > 0) upperWidth[t] = Math.max(at(upperWidth, t), guardBound);
      if (gap) continue;
      observed++;

      let r = (value - pointExpected) / sigma;
      if (r >= -SHIFT_BAND) this.lowRun = 0;
      // A holiday is a few days; a drop that lasts longer is a drop, even at the weekend level.
      else if (++this.lowRun <= this.o.holidayRun)
        r = this.holidayLike(t, r, value - fee, level, factor, bucket);
      // The first month start with a charge on top is how a recurring fee first shows: learn it, do not page.
      if (monthStart && this.feeCount === 0 && r > 0) r = 0;
      // A month start without the learnt fee is a saving, not an incident: downwards it is judged as a
      // regular day (a fee learnt from a burst on the first would otherwise page every next month).
      if (monthStart && fee > 0 && r < 0)
        r = Math.max(r, Math.min(0, (value - regularExpected) / regularSigma));
      let zt = this.calibrated(r, factor);
      if (this.guard !== null && !monthStart && level > 0) {
        const departure = (value - pointExpected) / level;
        if (guardBound > 0 && departure > 0)
          zt = Math.min(zt, (this.o.zThreshold * (value - pointExpected)) / guardBound);
        // A young model's departures measure the model, not the series (the warm-up's are taken
        // against its median level in `guardFromWarmUp`).
        const informative = t >= this.o.warmUp && at(this.scaleCount, bucket) >= SETTLED_SCALE_ERRORS;
        this.guard.observe(
          t,
          informative ? departure : 0,
          zt >= this.o.zThreshold && t >= this.o.warmUp,
          r > SHIFT_BAND,
        );
      }
      z[t] = learningCharges ? 0 : this.withPersistence(zt, r);

      if (monthStart) {
        // What the month start carried on top of a regular day: the recurring fee to expect next month.
        // A month start of a series that has not started spending says nothing about its fees.
        if (value === 0 && !(regularExpected > 0)) continue;
        this.feeResiduals[this.feeCount % MONTH_START_MEMORY] = value - regularExpected;
        this.feeSlots[this.feeCount % MONTH_START_MEMORY] = t;
        this.feeCount++;
        continue;
      }
      this.learn(t, value, factor, level, sigma, r, bucket);
    }
    return { expected, scale, history, z, upperWidth, lowerWidth };
  }

  /**
   * A day that falls to the level of the series' quietest phase (a weekday that looks like a
   * Sunday: a public holiday, a quiet business day) is judged against that phase, not its own: spend
   * at a level the series has every week is not an outage. Below it, the drop still counts, from there.
   */
  private holidayLike(
    t: number,
    r: number,
    value: number,
    level: number,
    factor: number,
    bucket: number,
  ): number {
    const low = this.profile.quietFactorAt(t);
    if (this.intermittent || low >= HOLIDAY_CONTRAST * factor) return r;
    const lowExpected = Math.max(0, level * low);
    const lowSigma = this.sigmaOf(bucket, low, level, lowExpected);
    return Math.max(r, Math.min(0, (value - lowExpected) / lowSigma));
  }

  /**
   * A month start inside a run that proved a level shift carried the shift, not only the fee: its fee
   * is what it carried above the new level (an incident's step that spanned the first taught a fee the
   * size of the step, which paged every next month start as a saving or, once the step ended, as a rise).
   */
  private refeeRun(newLevel: number): void {
    const remembered = Math.min(this.feeCount, MONTH_START_MEMORY);
    for (let i = 0; i < remembered; i++) {
      const slot = this.feeSlots[i] as number;
      if (slot <= this.calmSlot) continue;
      this.feeResiduals[i] = at(this.values, slot) - Math.max(0, newLevel * this.factorAt(slot));
    }
  }

  /** The fee of a month start that came before the level: what it carried above today's regular value. */
  private learnPendingFee(): void {
    const t = this.pendingFee;
    const { period } = this.o;
    // Its phase needs a factor learned from data (month starts are kept out of the profile).
    if (period > 1 && !this.intermittent && !this.profile.knows(t)) return;
    this.pendingFee = -1;
    if (this.feeCount > 0) return;
    const regular = Math.max(0, this.level * this.factorAt(t));
    this.feeResiduals[0] = at(this.values, t) - regular;
    this.feeSlots[0] = t;
    this.feeCount = 1;
  }

  private scratchOf(size: number): Float64Array {
    if (this.scratch.length < size) this.scratch = new Float64Array(size * 2);
    return this.scratch;
  }

  private factorAt(t: number): number {
    return this.intermittent ? 1 : this.profile.factorAt(t);
  }

  private startLevel(t: number, value: number, factor: number): void {
    this.level = factor >= MIN_INFORMATIVE_RATIO ? value / factor : value;
    this.slope = 0;
    this.levelAt = t;
  }

  /** The level carried to slot t along the damped trend. */
  private levelForecast(t: number): number {
    if (this.slope === 0) return this.level;
    const steps = t - this.levelAt;
    const carried = steps < this.carriedSteps.length ? at(this.carriedSteps, steps) : this.carried(steps);
    return this.level + this.slope * carried;
  }

  /** How many slopes the damped trend carries the level over `steps` points. */
  private carried(steps: number): number {
    const phi = this.o.trendDamping;
    return phi === 1 ? steps : (phi * (1 - phi ** steps)) / (1 - phi);
  }

  private sigmaOf(
    bucket: number,
    factor: number,
    level: number,
    expected: number,
    scales: ScaleState = this.scales,
  ): number {
    const clipped =
      (this.o.coarse ? ONE_SIDED_MEAN_ABS_TO_SIGMA : MEAN_ABS_TO_SIGMA) * at(scales.clippedAbs, bucket);
    const raw = RAW_SCALE_SHARE * MEAN_ABS_TO_SIGMA * at(scales.rawAbs, bucket);
    // An intermittent series' errors are its charges: the unclipped mean is its scale.
    const spread = this.intermittent ? Math.max(clipped, raw / RAW_SCALE_SHARE) : Math.max(clipped, raw);
    // A scale from a handful of errors is likely too small (as Student's t knows): widen it while young.
    const base = spread * (1 + SMALL_SAMPLE / Math.max(1, at(scales.count, bucket)));
    const sigma = this.relativeScale ? base * Math.max(factor, MIN_INFORMATIVE_RATIO) : base;
    return Math.max(sigma, this.o.scaleFloor * Math.max(Math.abs(level) * factor, expected), MIN_SCALE);
  }

  /** Updates level, trend, scale, tail and the shift state with a regular observed point. */
  private learn(
    t: number,
    value: number,
    factor: number,
    level: number,
    sigma: number,
    r: number,
    bucket: number,
  ): void {
    const informative = factor >= MIN_INFORMATIVE_RATIO;
    // Errors count towards the tail once the profile and the bucket's scale have settled.
    if (this.profileReady && at(this.scaleCount, bucket) >= MIN_SCALE_ERRORS) {
      this.recordError(r, this.relativeScale ? r * Math.max(factor, MIN_INFORMATIVE_RATIO) : r);
      if (t < this.o.warmUp) this.rememberWarmUpError(r * sigma, factor, bucket);
      if (informative && this.trackShift(t, r, value / factor)) return;
    }
    // An upward event (a burst, or the start of a rise the shift logic will confirm) says nothing about
    // the noise or the level; routine bursts would otherwise inflate both. Most errors beyond the band
    // upwards means the scale is too small, not that bursts are many.
    this.upRate += UP_RATE_SMOOTHING * ((r > EVENT_BAND ? 1 : 0) - this.upRate);
    this.downRate += UP_RATE_SMOOTHING * ((r < -EVENT_BAND ? 1 : 0) - this.downRate);
    const settled = at(this.scaleCount, bucket) >= SETTLED_SCALE_ERRORS;
    // On daily grids a sudden drop or rise is an event too: sliding the level after it (and widening
    // the scale) would keep the run test from ever confirming the shift, and the day it ends would be
    // a second alert.
    const coarse = this.o.coarse;
    const burst =
      settled &&
      ((r > EVENT_BAND && this.upRate < (coarse ? MAX_EVENT_RATE_COARSE : MAX_BURST_RATE)) ||
        (coarse && r < -EVENT_BAND && this.downRate < MAX_EVENT_RATE_COARSE));
    const scaleUnit = this.relativeScale ? Math.max(factor, MIN_INFORMATIVE_RATIO) : 1;
    this.updateScale(bucket, Math.abs(r * sigma) / scaleUnit, r, burst);
    if (!informative || burst) return;
    const clip = (LEVEL_CLIP * sigma) / factor;
    const deseasonalisedError = (value - level * factor) / factor;
    const psi = Math.max(-clip, Math.min(clip, deseasonalisedError));
    const alpha = this.o.levelSmoothing;
    this.level = Math.max(0, level + alpha * psi);
    if (this.o.trend) this.slope = this.o.trendDamping * this.slope + alpha * TREND_SMOOTHING * psi;
    this.levelAt = t;
  }

  /**
   * Feeds the tail one entry per *event*: consecutive errors beyond EVENT_BAND on one side are one
   * event, entered at its largest error. A three-day spike is one unusual event, not three, so it
   * takes recurring events, not one long one, to make a size routine.
   */
  private recordError(r: number, size: number): void {
    const sign = r > EVENT_BAND ? 1 : r < -EVENT_BAND ? -1 : 0;
    if (sign === 0) {
      this.tail.add(r);
      this.sizeTail.add(size);
      this.eventSign = 0;
      return;
    }
    if (sign === this.eventSign) {
      if (Math.abs(r) <= Math.abs(this.eventError)) return;
      if (this.eventInTail) this.removeEvent(this.eventError, this.eventSize, this.eventWeight);
    }
    this.eventSign = sign;
    this.eventError = r;
    this.eventSize = size;
    this.eventWeight = this.tail.currentWeight;
    this.eventInTail = true;
    this.tail.add(r);
    this.sizeTail.add(size);
  }

  private rememberWarmUpError(error: number, factor: number, bucket: number): void {
    if (this.warmUpCount >= this.warmUpErrors.length) return;
    this.warmUpErrors[this.warmUpCount] = error;
    this.warmUpFactors[this.warmUpCount] = factor;
    this.warmUpBuckets[this.warmUpCount] = bucket;
    this.warmUpCount++;
  }

  /**
   * The warm-up's errors were measured against a scale learned from a handful of them, often far too
   * small: re-express them in the scale the warm-up ends with, so a noisy first week is not taken for
   * bursts (and a tail scale inflated for a year).
   */
  private restandardiseWarmUp(): void {
    if (this.warmUpCount === 0) return;
    this.tail.reset();
    this.sizeTail.reset();
    this.eventSign = 0;
    this.eventInTail = false;
    const level = Number.isNaN(this.level) ? 0 : this.level;
    for (let i = 0; i < this.warmUpCount; i++) {
      const factor = at(this.warmUpFactors, i);
      const sigma = this.sigmaOf(this.warmUpBuckets[i] as number, factor, level, Math.max(0, level * factor));
      const r = at(this.warmUpErrors, i) / sigma;
      this.tail.add(r);
      this.sizeTail.add(this.relativeScale ? r * Math.max(factor, MIN_INFORMATIVE_RATIO) : r);
    }
  }

  /**
   * The burst guard learns nothing online while the model is young (its departures then measure the
   * model, not the series). At the end of the warm-up, it takes the warm-up's departures against the
   * warm-up's own median de-seasonalised level instead: routine bursts of the first weeks are known
   * from the first judged point on.
   */
  private guardFromWarmUp(end: number, monthStarts: Uint8Array | null): void {
    if (this.guard === null || this.intermittent) return;
    const level = this.warmUpLevel(end, monthStarts);
    if (!(level > 0)) return;
    // Against the warm-up's median, a service ramping up in it had "bursts" of +50% and more in its
    // last weeks: the guard's bar then hid a doubling for months. A warm-up that moved (its first and
    // last weeks' levels apart) is measured against the week around each point instead; one that did
    // not keeps its median, which a cluster of bursts does not lift as it lifts a week's.
    const local = this.localLevels(end, monthStarts);
    // The first week with spend: a ramp may start after a few days of nothing (fewer than the 14 that
    // make it a new service with a baseline of its own).
    let from = Math.min(end - 1, LOCAL_HALF_WIDTH);
    while (from < end - 1 && !(at(local, from) > 0)) from++;
    const first = at(local, from);
    const last = at(local, Math.max(0, end - 1 - LOCAL_HALF_WIDTH));
    const moved = first > 0 && last > 0 && Math.max(first / last, last / first) >= MOVED_RATIO;
    for (let i = 0; i < end; i++) {
      const v = at(this.values, i);
      const f = this.factorAt(i);
      if (Number.isNaN(v) || monthStarts?.[i] === 1 || f < MIN_INFORMATIVE_RATIO) continue;
      const around = moved && at(local, i) > 0 ? at(local, i) : level;
      this.guard.add(i, (v - around * f) / around, false);
    }
  }

  /**
   * Per point of the warm-up, the median de-seasonalised level of the week around it (NaN with fewer
   * than four regular points there): a burst stands out from it, a ramp does not.
   */
  private localLevels(end: number, monthStarts: Uint8Array | null): Float64Array {
    // Reused from one series to the next: `localIn` holds the de-seasonalised values, `localOut` the levels.
    if (this.localIn.length < end) {
      this.localIn = new Float64Array(end * 2);
      this.localOut = new Float64Array(end * 2);
    }
    const input = this.localIn;
    const out = this.localOut;
    for (let i = 0; i < end; i++) {
      const v = at(this.values, i);
      const f = this.factorAt(i);
      input[i] =
        !Number.isNaN(v) && monthStarts?.[i] !== 1 && f >= MIN_INFORMATIVE_RATIO ? v / f : Number.NaN;
    }
    const window = this.localWindow;
    for (let i = 0; i < end; i++) {
      let n = 0;
      for (let j = Math.max(0, i - LOCAL_HALF_WIDTH); j <= Math.min(end - 1, i + LOCAL_HALF_WIDTH); j++) {
        const d = at(input, j);
        if (!Number.isNaN(d)) window[n++] = d;
      }
      out[i] = n >= 4 ? medianInPlace(window, n) : Number.NaN;
    }
    return out;
  }

  /**
   * The median de-seasonalised level of the regular points before `end` (the warm-up), or NaN when
   * fewer than GUARD_MIN_POINTS are known.
   */
  private warmUpLevel(end: number, monthStarts: Uint8Array | null): number {
    const scratch = this.scratchOf(end);
    let n = 0;
    for (let i = 0; i < end; i++) {
      const v = at(this.values, i);
      const f = this.factorAt(i);
      if (Number.isNaN(v) || monthStarts?.[i] === 1 || f < MIN_INFORMATIVE_RATIO) continue;
      scratch[n++] = v / f;
    }
    return n < GUARD_MIN_POINTS ? Number.NaN : medianInPlace(scratch, n);
  }

  /**
   * Daily and coarser grids: the level starts at the median of the first week (Holt–Winters' usual
   * start is the first season's mean), and the scale at the median absolute deviation of the
   * warm-up's points from their own week's median (counted as MIN_SCALE_ERRORS errors), instead of at
   * the first point and the first error. A first point that is a burst set a level that took weeks to
   * come down, and a first error that is a burst a scale many times the noise, which took months to
   * shrink (the bursts after it fell inside it and kept it wide). Each week's own median keeps a ramp,
   * trend or shift in the warm-up out of the scale. The warm-up is never judged, as for the initial
   * profile, and every point still updates level and scale from the first one on.
   */
  private startFromWarmUp(end: number, monthStarts: Uint8Array | null): void {
    if (!this.o.coarse || this.intermittent || this.buckets !== 1) return;
    const block = this.blockValues.length;
    const deviations = this.scratchOf(end);
    let n = 0;
    let firstLevel = Number.NaN;
    for (let from = 0; from + block <= end; from += block) {
      let count = 0;
      for (let i = from; i < from + block; i++) {
        const v = at(this.values, i);
        const f = this.factorAt(i);
        if (Number.isNaN(v) || monthStarts?.[i] === 1 || f < MIN_INFORMATIVE_RATIO) continue;
        this.blockValues[count++] = v / f;
      }
      if (count * 2 < block) continue;
      const level = medianInPlace(this.blockValues, count);
      if (!(level > 0)) continue;
      if (Number.isNaN(firstLevel)) firstLevel = level;
      for (let i = from; i < from + block; i++) {
        const v = at(this.values, i);
        const f = this.factorAt(i);
        if (Number.isNaN(v) || monthStarts?.[i] === 1 || f < MIN_INFORMATIVE_RATIO) continue;
        // In the units of the scale: relative to the phase's factor (see `sigmaOf`).
        deviations[n++] = Math.abs(v - level * f) / (this.relativeScale ? f : 1);
      }
    }
    if (n < GUARD_MIN_POINTS) return;
    const meanAbs = (MAD_TO_SIGMA * medianInPlace(deviations, n)) / ONE_SIDED_MEAN_ABS_TO_SIGMA;
    if (!(meanAbs > 0)) return;
    this.clippedAbs[0] = meanAbs;
    this.rawAbs[0] = meanAbs;
    this.scaleCount[0] = MIN_SCALE_ERRORS;
    this.level = firstLevel;
    this.slope = 0;
    this.levelAt = 0;
  }

  private removeEvent(r: number, size: number, weight: number): void {
    this.tail.remove(r, weight);
    this.sizeTail.remove(size, weight);
  }

  /**
   * The departure above `typical` (value units) at which an intermittent series' charge may reach the
   * threshold: `CHARGE_MARGIN` times the largest routine charge's. Median and MAD of a dozen charges
   * read a charge the size of one already seen as news when the sizes happen to cluster (the issue
   * reference's guard: a residual must beat the largest past one twice). 0 when none is known.
   */
  private chargeBound(typical: number): number {
    if (this.routine.size === 0) return 0;
    return Math.max(0, CHARGE_MARGIN * (this.routine.largest(1) - typical));
  }

  /** The departure above expected (value units) at which the burst guard lets z reach the threshold; 0 when it knows too little. */
  private guardBound(t: number, level: number): number {
    if (this.guard === null || this.intermittent || this.guard.seen < GUARD_MIN_POINTS || !(level > 0))
      return 0;
    return GUARD_MARGIN * this.guard.bar(t) * level;
  }

  /** On fine grids, the more extreme of the point's z and the persistence chart's (see `PersistenceChart`). */
  private withPersistence(z: number, r: number): number {
    return this.persistence === null ? z : this.persistence.update(z, r);
  }

  /**
   * The calibrated z of an error of `r` phase sigmas. Upward errors of a series whose up-tail is
   * heavier than noise (routine bursts) are also measured in level sigmas against the bursts' own
   * tail: an ad-hoc job costs the same dollars on a quiet Sunday as on a Monday, so a burst must not
   * read three times larger on the day whose noise is three times smaller.
   */
  private calibrated(r: number, factor: number): number {
    const z = r / this.tail.scale(r >= 0);
    if (r <= 0 || !this.relativeScale || this.tail.scale(true) < BURSTY_TAIL) return z;
    return Math.min(z, (r * Math.max(factor, MIN_INFORMATIVE_RATIO)) / this.sizeTail.scale(true));
  }

  /** `burst`: leave the robust scale alone (the unclipped one, the floor of intermittent series, still learns). */
  private updateScale(bucket: number, absError: number, r: number, burst: boolean): void {
    const count = at(this.scaleCount, bucket);
    const rate = Math.max(this.scaleRate, 1 / (count + 1));
    this.rawAbs[bucket] = at(this.rawAbs, bucket) + rate * (absError - at(this.rawAbs, bucket));
    if (burst) return;
    const current = at(this.clippedAbs, bucket);
    // The first error of a bucket sets it; later ones are clipped at SCALE_CLIP sigmas of the current
    // scale (UP_SCALE_CLIP upwards on daily and coarser grids).
    const clip = this.o.coarse && r > 0 ? UP_SCALE_CLIP : SCALE_CLIP;
    const clipped = Math.abs(r) > clip && count > 0 ? (clip * absError) / Math.abs(r) : absError;
    this.clippedAbs[bucket] = current + rate * (clipped - current);
    this.scaleCount[bucket] = count + 1;
  }

  /**
   * Counts runs of large errors on one side; a long enough run re-levels at the run's median.
   * @returns true when it re-levelled (the point then sets the level; no smoothing on top).
   */
  private trackShift(t: number, r: number, deseasonalised: number): boolean {
    // In an intermittent series a run of charges is its normal life, not a level shift.
    if (this.intermittent) return false;
    const sign = r > SHIFT_BAND ? 1 : r < -SHIFT_BAND ? -1 : 0;
    if (sign === 0) {
      this.runLength = 0;
      this.runSign = 0;
      this.calmSlot = t;
      return false;
    }
    if (sign !== this.runSign) {
      this.runSign = sign;
      this.runLength = 0;
    }
    if (this.runLength === 0) {
      // The level (and scale) before the run: during it the level creeps a little towards the run.
      this.runStartLevel = this.level;
      this.runStartSlot = t;
      copyScales(this.scales, this.runStartScales);
    }
    this.runLevels[this.runLength] = deseasonalised;
    this.runLength++;
    if (this.runLength < this.o.shiftRun) return false;
    // A level shift: the event was not a burst (take it out of the tail), and the level moves.
    const run = this.runLength;
    const scratch = this.scratchOf(run);
    for (let i = 0; i < run; i++) scratch[i] = at(this.runLevels, i);
    const newLevel = medianInPlace(scratch, run);
    // Remember the level (and its scale) from before the first of a series of shifts: the one a
    // return would go back to.
    const fresh = Number.isNaN(this.previousLevel) || t > this.previousUntil;
    if (fresh) {
      this.previousLevel = this.runStartLevel;
      copyScales(this.runStartScales, this.savedScales);
    }
    if (this.o.coarse) {
      // Daily and coarser grids: a later shift of the series keeps the level before it too, and both
      // are remembered from the latest shift on; the first's level was otherwise forgotten days after
      // a second shift (an incident's rise after a small lasting shift), and the rise's end paged as
      // a drop. Fine grids keep the first level only (their bench is unchanged by either).
      this.latestLevel = this.runStartLevel;
      copyScales(this.runStartScales, this.latestScales);
      this.previousUntil = t + this.o.shiftMemory;
    } else if (fresh) {
      this.previousUntil = t + this.o.shiftMemory;
    }
    this.shiftError = this.eventInTail ? this.eventError : 0;
    this.shiftSize = this.eventSize;
    this.shiftWeight = this.eventWeight;
    if (this.eventInTail) this.removeEvent(this.eventError, this.eventSize, this.eventWeight);
    this.eventInTail = false;
    this.guard?.forget(this.runStartSlot, t);
    // Noise scales with the level (costs): carry the scale over to the new level.
    const ratio = this.level > 0 ? newLevel / this.level : Number.POSITIVE_INFINITY;
    if (ratio > MAX_SHIFT_RATIO || ratio < 1 / MAX_SHIFT_RATIO) {
      // From (almost) nothing to spend, or the reverse: the old noise says nothing; learn it afresh.
      this.scaleCount.fill(0);
    } else {
      this.rescale(ratio);
    }
    this.level = newLevel;
    this.refeeRun(newLevel);
    this.persistence?.restart();
    this.slope = 0;
    this.levelAt = t;
    this.runLength = 0;
    this.runSign = 0;
    return true;
  }

  private rescale(ratio: number): void {
    for (let b = 0; b < this.buckets; b++) {
      this.clippedAbs[b] = at(this.clippedAbs, b) * ratio;
      this.rawAbs[b] = at(this.rawAbs, b) * ratio;
    }
  }

  /** The series came back: restore the old level, and count the excursion as a burst after all. */
  private restorePreviousLevel(t: number, level: number, scales: ScaleState): void {
    this.level = level;
    this.slope = 0;
    this.levelAt = t - 1;
    if (this.shiftError !== 0) {
      this.tail.add(this.shiftError, this.shiftWeight);
      this.sizeTail.add(this.shiftSize, this.shiftWeight);
    }
    this.shiftError = 0;
    copyScales(scales, this.scales);
    this.persistence?.restart();
    this.previousLevel = Number.NaN;
    this.latestLevel = Number.NaN;
    this.runLength = 0;
    this.runSign = 0;
  }

  /** Refits the seasonal profile (or marks an intermittent series) at the end of a season. */
  private refitProfile(seasonEnd: number): void {
    const wasIntermittent = this.intermittent;
    this.intermittent = this.profile.zeroShare(seasonEnd) > INTERMITTENT_ZERO_SHARE;
    // The charges seen so far are the routine sizes a newly intermittent series starts from.
    if (this.intermittent && !wasIntermittent) this.routine.copyFrom(this.sizes);
    if (this.o.period > 1 && !this.intermittent) this.profile.refit(seasonEnd);
    this.markProfileReady();
  }

  /** The warm-up's profile, with a leave-one-season-out profile for each of its seasons. */
  private initialProfile(end: number, seasons: number): void {
    this.refitProfile(end);
    if (!this.intermittent) this.profile.initial(end, seasons);
  }

  /**
   * The first profile is in: errors made without it measured the season, not the noise. Keep them
   * as one pseudo-error (a conservative start), so the scale soon reflects errors of the full model.
   */
  private markProfileReady(): void {
    if (this.profileReady) return;
    this.profileReady = true;
    this.scaleCount.fill(Math.min(1, ...this.scaleCount));
  }
}

/**
 * Computes the baseline of a series on its grid. `values` holds NaN for
 * gaps; `monthStarts` marks month-start slots with 1 (or is `null`). Inputs
 * must already be validated: finite, non-negative. With an `arena`, the
 * outputs are views of it, valid until its next reset.
 *
 * @example
 * const { expected } = computeBaseline(Float64Array.of(10, 10, 10, 10), null, options);
 * expected[3]; // 10
 */
export function computeBaseline(
  values: Float64Array,
  monthStarts: Uint8Array | null,
  options: BaselineOptions,
  arena?: ScratchArena,
): Baseline {
  if (sharedModel === null || !sharedModel.matches(options)) sharedModel = new BaselineModel(options);
  return sharedModel.fit(values, monthStarts, arena);
}

// Scoring is synchronous, so one model can serve every call (100,000 series then allocate only their
// outputs); it is rebuilt when the options change.
let sharedModel: BaselineModel | null = null;
