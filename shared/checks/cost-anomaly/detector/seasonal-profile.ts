/**
 * The seasonal part of the baseline: a profile of multiplicative factors,
 * one per phase of the season, and on grids finer than a day whose season is
 * one day, a factor per weekday.
 *
 * - Profile: per phase, the median over the last seasons of each point's
 *   ratio to its own season's median. Medians shrug off bursts and gaps;
 *   ratios to each season's own median keep a level shift out of the shape
 *   (robust STL's idea, with medians instead of loess). On daily and coarser
 *   grids the ratio is to the line through the previous season's median and
 *   this one's (classical decomposition divides by a moving average for the
 *   same reason): against a flat median, a service ramping up in its first
 *   weeks taught a weekly sawtooth of ±20% as the series' shape, and the
 *   errors it caused a scale that hid a doubling months later. On fine grids
 *   a phase with fewer than five values borrows its neighbours'.
 * - Weekday factors: each day's de-seasonalised median against the week
 *   around it, median over four weeks, so a 5-minute series gets its weekly
 *   cycle from days, not from a 2,016-point profile it would need weeks to
 *   fill (double seasonality, Taylor 2003, in a form that learns fast).
 * - Warm-up: each season of the warm-up gets a profile from the others
 *   (leave one season out), so its errors are out of sample.
 * - Upward bursts (daily and coarser grids, `lowerMedian`): a daily
 *   profile has a few seasons per phase, and the median of four values two
 *   of which are bursts lies halfway to them (with a burst every third day,
 *   two in four happens to a third of the phases). Bursts only go up, so
 *   such profiles take the lower median (of an even count, the lower of the
 *   middle two): it stays on the regular values while at most half of them
 *   are bursts. On an odd count it is the median; on an even one it sits a
 *   little low on every phase alike, which the level takes up.
 */
import { lowerMedianInPlace, medianInPlace } from '../robust-median.js';

/** Phases whose typical value is below 5% of their season's median (e.g. zero-cost Sundays) say nothing about the level. */
export const MIN_INFORMATIVE_RATIO = 0.05;
// A phase median needs at least this many values (fine grids borrow neighbouring phases until then).
const MIN_PHASE_VALUES = 5;
/** Seasons with more zeros than this share of their points are not used for the profile. */
const MAX_ZERO_SHARE = 0.3;
/** Points over which the share of zeros is measured (at least). */
const ZERO_SHARE_WINDOW = 28;
/** Phases below this factor are closures, not quiet days (see `quietFactorAt`). */
const MIN_QUIET_FACTOR = 0.15;
/** Largest seasonal factor: a phase 20 times its season's median is a spike, not a shape. */
const MAX_FACTOR = 20;
/**
 * Grids whose phases never borrow their neighbours' values (see `fit`): their refits keep each
 * phase's window sorted from one refit to the next (see `slideWindow`).
 */
const MAX_UNBORROWED_PERIOD = 24;
// Up to this many values, the in-place medians sort by insertion (a stable sort, which the sorted
// windows reproduce); beyond it they select, so the windows are not used.
const MAX_SORTED_WINDOW = 16;
const WEEKDAY_WEEKS = 4;
const DAYS_PER_WEEK = 7;

const at = (buf: Float64Array, i: number): number => buf[i] as number;

function medianOf(values: number[]): number {
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 === 1
    ? (values[mid] as number)
    : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
}

/** Seasonal and weekday factors of one series, refitted as its seasons complete. */
export class SeasonalProfile {
  private readonly seasonal: Float64Array;
  // Phases whose factor came from data.
  private readonly phaseKnown: Uint8Array;
  // Work buffer of the fit: values gathered for one median.
  private readonly gathered: Float64Array;
  // Leave-one-season-out profiles of the warm-up's seasons (see `initial`).
  private looFactors: Float64Array = new Float64Array(0);
  private looSeasons = 0;
  private readonly weekday = new Float64Array(DAYS_PER_WEEK).fill(1);
  // The smallest factor of any known phase (fine grids: weekday): the series' quietest regular level.
  private lowFactor = 1;
  private dayLevels: Float64Array = new Float64Array(0);
  private values: Float64Array = new Float64Array(0);
  private monthStarts: Uint8Array | null = null;
  // Each refit reads the same past seasons again (a window of `seasons`, one season newer each time), and
  // a season's median and its points' ratios to it never change: they are computed once per series.
  // Per season (by index from the series' start): its median, NaN until computed. Per slot: its ratio.
  // Reused across series, grown as needed.
  private seasonMedians: Float64Array = new Float64Array(0);
  private slotRatios: Float64Array = new Float64Array(0);
  // Each refit's window is the previous one plus a season, less the oldest once full: per phase, the
  // window's ratios are kept sorted (in `windowSorted`, `seasons` entries per phase) instead of
  // gathered and sorted again at every refit. The window spans slots [windowFirst, windowEnd).
  private readonly windowSorted: Float64Array;
  private readonly windowCount: Int32Array;
  private windowFirst = 0;
  private windowEnd = 0;

  /**
   * @param seasons how many past seasons a phase median uses.
   * @param pointsPerDay points per day when weekday factors apply (fine grids whose period is a day), else 0.
   * @param lowerMedian take each phase's lower median (daily and coarser grids; see the module comment).
   * @param detrend take ratios to the line through consecutive season medians (daily and coarser grids).
   */
  constructor(
    private readonly period: number,
    private readonly seasons: number,
    private readonly pointsPerDay: number,
    private readonly lowerMedian = false,
    private readonly detrend = false,
  ) {
    this.seasonal = new Float64Array(period).fill(1);
    this.phaseKnown = new Uint8Array(period);
    this.gathered = new Float64Array(seasons * period + 1);
    const sliding = period <= MAX_UNBORROWED_PERIOD && seasons <= MAX_SORTED_WINDOW;
    this.windowSorted = new Float64Array(sliding ? seasons * period : 0);
    this.windowCount = new Int32Array(sliding ? period : 0);
  }

  /** Forgets the previous series and reads this one (NaN for gaps; month starts are not regular). */
  reset(values: Float64Array, monthStarts: Uint8Array | null): void {
    this.seasonal.fill(1);
    this.phaseKnown.fill(0);
    this.looSeasons = 0;
    this.lowFactor = 1;
    this.weekday.fill(1);
    this.values = values;
    this.monthStarts = monthStarts;
    const seasons = Math.ceil(values.length / this.period);
    if (this.seasonMedians.length < seasons) this.seasonMedians = new Float64Array(seasons);
    if (this.slotRatios.length < seasons * this.period)
      this.slotRatios = new Float64Array(seasons * this.period);
    this.seasonMedians.fill(Number.NaN, 0, seasons);
    this.windowCount.fill(0);
    this.windowFirst = 0;
    this.windowEnd = 0;
    if (this.pointsPerDay > 0)
      this.dayLevels = new Float64Array(Math.ceil(values.length / this.pointsPerDay)).fill(Number.NaN);
  }

  /** The factor of slot t: seasonal (leave-one-out in the warm-up) times weekday. */
  factorAt(t: number): number {
    const { period, pointsPerDay } = this;
    const season = Math.floor(t / period);
    const seasonal =
      season < this.looSeasons
        ? at(this.looFactors, season * period + (t % period))
        : at(this.seasonal, t % period);
    return pointsPerDay > 0 ? seasonal * at(this.weekday, Math.floor(t / pointsPerDay) % 7) : seasonal;
  }

  /** The factor slot t would have on the series' quietest regular phase (or weekday, on fine grids). */
  quietFactorAt(t: number): number {
    return this.pointsPerDay > 0 ? at(this.seasonal, t % this.period) * this.lowFactor : this.lowFactor;
  }

  /** True when the phase of slot t has a factor learned from data. */
  knows(t: number): boolean {
    return this.phaseKnown[t % this.period] === 1;
  }

  private isRegular(i: number): boolean {
    return !Number.isNaN(at(this.values, i)) && this.monthStarts?.[i] !== 1;
  }

  /** Share of zeros among the regular points of the profile's window before `end`. */
  zeroShare(end: number): number {
    let zeros = 0;
    let observed = 0;
    for (let i = Math.max(0, end - Math.max(ZERO_SHARE_WINDOW, this.seasons * this.period)); i < end; i++) {
      if (!this.isRegular(i)) continue;
      observed++;
      if (at(this.values, i) === 0) zeros++;
    }
    return observed === 0 ? 0 : zeros / observed;
  }

  /** Refits the profile from the seasons before `seasonEnd`. */
  refit(seasonEnd: number): void {
    if (this.windowCount.length > 0) this.fitSliding(seasonEnd);
    else this.fit(seasonEnd, -1, this.seasonal, this.phaseKnown);
    this.updateLowFactor();
  }

  /**
   * `fit(seasonEnd, -1, seasonal, phaseKnown)` for grids whose phases do not borrow, from each
   * phase's sorted window: the same values, in the order the in-place sort of `fit` leaves them
   * (equal ratios in time order), so the same medians to the bit.
   */
  private fitSliding(seasonEnd: number): void {
    const { period, slotRatios } = this;
    if (seasonEnd % period !== 0)
      throw new RangeError(`season end ${seasonEnd} is not a multiple of ${period}`);
    const first = Math.max(0, seasonEnd - this.seasons * period);
    this.slideWindow(first, seasonEnd);
    let usable = 0;
    for (let start = first; start < seasonEnd; start += period) if (this.seasonMedian(start) > 0) usable++;
    if (usable === 0) return;
    for (let phase = 0; phase < period; phase++) {
      const count = this.windowCount[phase] as number;
      if (count === 0) continue;
      this.phaseKnown[phase] = 1;
      if (count === 2) {
        // As in `fit`: the more neutral of the two, the earlier one on a tie (so in time order).
        let a = Number.NaN;
        let b = Number.NaN;
        for (let j = first + phase; j < seasonEnd; j += period) {
          const ratio = at(slotRatios, j);
          if (Number.isNaN(ratio)) continue;
          if (Number.isNaN(a)) a = ratio;
          else b = ratio;
        }
        this.seasonal[phase] = Math.min(MAX_FACTOR, Math.abs(a - 1) <= Math.abs(b - 1) ? a : b);
        continue;
      }
      // The lower median, or the median (of an even count, the mean of the middle two, summed in the
      // order `medianInPlace` sums them).
      const from = phase * this.seasons;
      const mid = from + (count >> 1);
      const sorted = this.windowSorted;
      const median = this.lowerMedian
        ? at(sorted, from + ((count - 1) >> 1))
        : count % 2 === 1
          ? at(sorted, mid)
          : (at(sorted, mid - 1) + at(sorted, mid)) / 2;
      this.seasonal[phase] = Math.min(MAX_FACTOR, median);
    }
  }

  /**
   * Moves the sorted windows to the seasons in slots [first, end): drops the seasons that left (the
   * oldest first) and adds the ones that entered (in time order). A window that did not come before
   * this one is rebuilt.
   */
  private slideWindow(first: number, end: number): void {
    const { period } = this;
    if (first < this.windowFirst || end < this.windowEnd || first > this.windowEnd) {
      this.windowCount.fill(0);
      this.windowFirst = first;
      this.windowEnd = first;
    }
    for (let start = this.windowFirst; start < first; start += period) {
      for (let phase = 0; phase < period; phase++) {
        const ratio = at(this.slotRatios, start + phase);
        if (!Number.isNaN(ratio)) this.removeFromWindow(phase, ratio);
      }
    }
    for (let start = this.windowEnd; start < end; start += period) {
      this.seasonMedian(start);
      for (let phase = 0; phase < period; phase++) {
        const ratio = at(this.slotRatios, start + phase);
        if (!Number.isNaN(ratio)) this.addToWindow(phase, ratio);
      }
    }
    this.windowFirst = first;
    this.windowEnd = end;
  }

  /** Inserts the newest season's ratio after every equal one (a stable sort keeps them in time order). */
  private addToWindow(phase: number, ratio: number): void {
    const sorted = this.windowSorted;
    const from = phase * this.seasons;
    const count = this.windowCount[phase] as number;
    let i = from + count;
    while (i > from && at(sorted, i - 1) > ratio) {
      sorted[i] = at(sorted, i - 1);
      i--;
    }
    sorted[i] = ratio;
    this.windowCount[phase] = count + 1;
  }

  /**
   * Removes the oldest season's ratio: the first of the values equal to it (equal ones are in time
   * order), which keeps even the sign of a zero where it was.
   */
  private removeFromWindow(phase: number, ratio: number): void {
    const sorted = this.windowSorted;
    const from = phase * this.seasons;
    const end = from + (this.windowCount[phase] as number);
    let i = from;
    while (i < end && at(sorted, i) < ratio) i++;
    for (; i < end - 1; i++) sorted[i] = at(sorted, i + 1);
    this.windowCount[phase] = end - from - 1;
  }

  /**
   * After `refit(end)` on the warm-up: for each of its `seasons`, a profile from the others, so the
   * warm-up's errors are out of sample like every later one (an in-sample profile fits its own
   * noise, and a scale learned from it would be too small). One season has no others.
   */
  initial(end: number, seasons: number): void {
    this.looSeasons = 0;
    if (seasons < 2 || this.period === 1) return;
    const { period } = this;
    if (this.looFactors.length < seasons * period) this.looFactors = new Float64Array(seasons * period);
    for (let k = 0; k < seasons; k++) {
      const target = this.looFactors.subarray(k * period, (k + 1) * period);
      target.set(this.seasonal);
      this.fit(end, k, target, null);
    }
    this.looSeasons = seasons;
  }

  /**
   * The median of the season starting at slot `start` (a multiple of the period), and the ratio of each
   * of its regular points to it in `slotRatios` (NaN where unusable); 0 for a season with no shape to
   * learn. Computed once per series (see `seasonMedians`).
   */
  private seasonMedian(start: number): number {
    const { period, gathered, slotRatios } = this;
    const season = start / period;
    const known = at(this.seasonMedians, season);
    if (!Number.isNaN(known)) return known;
    let count = 0;
    let zeros = 0;
    for (let i = start; i < start + period; i++) {
      if (!this.isRegular(i)) continue;
      gathered[count++] = at(this.values, i);
      if (at(this.values, i) === 0) zeros++;
    }
    // A season with few points, or mostly zeros (an intermittent series), has no shape to learn.
    const median =
      count * 2 >= period && zeros <= MAX_ZERO_SHARE * period ? medianInPlace(gathered, count) : 0;
    this.seasonMedians[season] = median;
    // Daily and coarser grids: ratios to the line through the previous season's median and this one's,
    // not to this one's flat median, so a ramp within the season is not learnt as its shape.
    const previous = this.detrend && season > 0 && median > 0 ? this.seasonMedian(start - period) : 0;
    const slope = previous > 0 ? (median - previous) / period : 0;
    const centre = start + (period - 1) / 2;
    for (let j = start; j < start + period; j++) {
      const trend = median + slope * (j - centre);
      slotRatios[j] =
        median > 0 && this.isRegular(j) ? at(this.values, j) / (trend > 0 ? trend : median) : Number.NaN;
    }
    return median;
  }

  /**
   * Fits the profile of the seasons before `seasonEnd` (a season boundary: a multiple of the period)
   * into `target`, leaving season `exclude` (an index among them) out.
   */
  private fit(seasonEnd: number, exclude: number, target: Float64Array, known: Uint8Array | null): void {
    const { period, gathered, slotRatios } = this;
    if (seasonEnd % period !== 0)
      throw new RangeError(`season end ${seasonEnd} is not a multiple of ${period}`);
    const first = Math.max(0, seasonEnd - this.seasons * period);
    const fullSeasons = Math.floor((seasonEnd - first) / period);
    // Seasons with a median to take ratios to (their points' ratios are then in `slotRatios`).
    let usable = 0;
    for (let k = 0; k < fullSeasons; k++)
      if (k !== exclude && this.seasonMedian(first + k * period) > 0) usable++;
    if (usable === 0) return;
    for (let phase = 0; phase < period; phase++) {
      let count = 0;
      for (let spread = 0; spread <= period >> 1; spread++) {
        for (let side = spread === 0 ? 1 : 0; side < 2; side++) {
          const q = (((side === 0 ? phase - spread : phase + spread) % period) + period) % period;
          for (let k = 0; k < fullSeasons; k++) {
            if (k === exclude) continue;
            const ratio = at(slotRatios, first + k * period + q);
            if (!Number.isNaN(ratio)) gathered[count++] = ratio;
          }
        }
        // Daily data keeps each weekday apart; fine grids borrow neighbouring phases while values are few.
        if (count >= MIN_PHASE_VALUES || period <= 24) break;
      }
      if (count > 0 && known !== null) known[phase] = 1;
      if (count === 2) {
        // The median of two is their mean, so one odd season (a warm-up spike) would set the
        // profile. Take the more neutral of the two instead.
        const a = at(gathered, 0);
        const b = at(gathered, 1);
        target[phase] = Math.min(MAX_FACTOR, Math.abs(a - 1) <= Math.abs(b - 1) ? a : b);
      } else if (count > 0) {
        const median = this.lowerMedian
          ? lowerMedianInPlace(gathered, count)
          : medianInPlace(gathered, count);
        target[phase] = Math.min(MAX_FACTOR, median);
      }
    }
  }

  private updateLowFactor(): void {
    let low = Number.POSITIVE_INFINITY;
    if (this.pointsPerDay > 0) {
      // Fine grids: the quietest weekday, at the phase being judged (its daily shape kept).
      for (let d = 0; d < DAYS_PER_WEEK; d++) low = Math.min(low, at(this.weekday, d));
      this.lowFactor = low;
      return;
    }
    // Phases that cost (almost) nothing are closures, not quiet days: a weekday at zero is still news.
    for (let p = 0; p < this.period; p++) {
      const f = at(this.seasonal, p);
      if (this.phaseKnown[p] === 1 && f >= MIN_QUIET_FACTOR) low = Math.min(low, f);
    }
    this.lowFactor = Number.isFinite(low) ? low : 1;
  }

  /** Weekday factors on fine grids, at the end of each day. */
  refitWeekday(dayEnd: number): void {
    const perDay = this.pointsPerDay;
    const day = dayEnd / perDay - 1;
    const values: number[] = [];
    for (let i = dayEnd - perDay; i < dayEnd; i++) {
      const f = at(this.seasonal, i % this.period);
      if (this.isRegular(i) && f >= MIN_INFORMATIVE_RATIO) values.push(at(this.values, i) / f);
    }
    this.dayLevels[day] = values.length * 2 >= perDay ? medianOf(values) : Number.NaN;
    if (day < DAYS_PER_WEEK - 1) return;
    for (let dow = 0; dow < DAYS_PER_WEEK; dow++) {
      const ratios: number[] = [];
      for (let d = day - ((day - dow + 7) % 7), w = 0; d >= 0 && w < WEEKDAY_WEEKS; d -= 7, w++) {
        const own = at(this.dayLevels, d);
        const week: number[] = [];
        for (let k = Math.max(0, d - 6); k <= d; k++)
          if (!Number.isNaN(at(this.dayLevels, k))) week.push(at(this.dayLevels, k));
        const reference = week.length >= 4 ? medianOf(week) : Number.NaN;
        if (!Number.isNaN(own) && reference > 0) ratios.push(own / reference);
      }
      if (ratios.length > 0) this.weekday[dow] = medianOf(ratios);
    }
    this.updateLowFactor();
  }
}
