/**
 * How large this series' routine bursts are, in units that do not drift:
 * the departure from the expected value over the series' level (dollars per
 * dollar of the de-seasonalised level), not over the noise scale. A noise
 * scale learned from a bursty warm-up is several times too wide and shrinks
 * later, so errors stored in sigmas of their day read far smaller than the
 * same burst does today; as a share of the level, a burst is the same size
 * either way (the residual tail in `residual-tail.ts` keeps sigmas, and
 * misses exactly this).
 *
 * The bar is the `rank`-th largest departure of the last `memory` points
 * (the baseline uses the second largest: a size seen once is not yet usual).
 * Only the few largest are kept, with their slots; one that falls out of
 * memory is dropped without being replaced by the next below it, which only
 * lowers the bar, and only on series longer than the memory.
 *
 * What counts as a burst:
 * - a departure beyond the noise enters only once the series comes back,
 *   within `MAX_BURST_POINTS`; one that lasts longer is a drift, a step or a
 *   level shift, and never enters (it would hide the next real rise);
 * - a departure that was part of an alert, or follows one within a few
 *   points (the same event), enters capped at the bar known before it,
 *   unless an earlier, separate alert is still in memory: one incident does
 *   not make the next one of its size usual, but a second one does (and the
 *   first then enters at its full size: with the second largest as the bar,
 *   a capped first alert would otherwise take a third one to count);
 * - the departures of a run that proved to be a level shift are forgotten.
 */
const KEPT = 4;
/** Alerts this many slots apart or fewer are one event. */
const EVENT_GAP = 3;
/** Longest burst, in points: an elevated run longer than this is a drift or a step, not a burst. */
const MAX_BURST_POINTS = 2;

/** The burst guard of one series (see the module comment). */
export class BurstGuard {
  private readonly times = new Float64Array(KEPT);
  private readonly sizes = new Float64Array(KEPT);
  private kept = 0;
  private count = 0;
  private eventStart = Number.NEGATIVE_INFINITY;
  private lastAlert = Number.NEGATIVE_INFINITY;
  private previousEvent = Number.NEGATIVE_INFINITY;
  private eventBar = 0;
  private eventCapped = false;
  /** The largest uncapped departure of the event being capped, and its slot: what it enters as once a second event comes. */
  private eventPeak = 0;
  private eventPeakTime = Number.NEGATIVE_INFINITY;
  private readonly pendingTimes = new Float64Array(MAX_BURST_POINTS);
  private readonly pendingSizes = new Float64Array(MAX_BURST_POINTS);
  private pending = 0;
  private persistent = false;

  /**
   * @param memory points after which a departure no longer counts.
   * @param rank which largest departure is the bar (1 = the largest).
   */
  constructor(
    private readonly memory: number,
    private readonly rank: number,
  ) {}

  /** Forgets every departure. */
  reset(): void {
    this.kept = 0;
    this.count = 0;
    this.eventStart = Number.NEGATIVE_INFINITY;
    this.lastAlert = Number.NEGATIVE_INFINITY;
    this.previousEvent = Number.NEGATIVE_INFINITY;
    this.eventBar = 0;
    this.eventCapped = false;
    this.eventPeak = 0;
    this.eventPeakTime = Number.NEGATIVE_INFINITY;
    this.pending = 0;
    this.persistent = false;
  }

  /** Departures seen (alerts included). */
  get seen(): number {
    return this.count;
  }

  /** The `rank`-th largest departure still in memory at slot `t` (0 when fewer are known). */
  bar(t: number): number {
    this.evict(t);
    return this.kept >= this.rank ? (this.sizes[this.rank - 1] as number) : 0;
  }

  /** Adds the departure `size` (share of the level) seen at slot `t`; `alert` when it was flagged. */
  add(t: number, size: number, alert: boolean): void {
    this.observe(t, size, alert, false);
  }

  /**
   * Like `add`, but an `elevated` departure (beyond the noise) is kept pending until the series comes
   * back: a burst is a departure that returns within `MAX_BURST_POINTS` points. One that lasts longer
   * (a drift, a step, a level shift) is not a burst, and is dropped.
   */
  observe(t: number, size: number, alert: boolean, elevated: boolean): void {
    const kept = this.capped(t, size, alert);
    if (!elevated) {
      this.persistent = false;
      for (let i = 0; i < this.pending; i++)
        this.insert(this.pendingTimes[i] as number, this.pendingSizes[i] as number);
      this.pending = 0;
      this.insert(t, kept);
      return;
    }
    if (this.persistent) return;
    if (this.pending === MAX_BURST_POINTS) {
      this.pending = 0;
      this.persistent = true;
      return;
    }
    this.pendingTimes[this.pending] = t;
    this.pendingSizes[this.pending] = kept;
    this.pending++;
  }

  /** Counts the departure and returns the size to keep (a first alert's event capped at the bar before it). */
  private capped(t: number, size: number, alert: boolean): number {
    this.count++;
    if (alert) {
      if (t - this.lastAlert > EVENT_GAP) {
        this.previousEvent = this.eventStart;
        this.eventStart = t;
        this.eventBar = this.bar(t);
        this.eventCapped = t - this.previousEvent > this.memory;
        // A second separate event: the first one was a burst of this series after all, at its full size.
        if (!this.eventCapped && this.eventPeak > 0) this.insert(this.eventPeakTime, this.eventPeak);
        this.eventPeak = 0;
      }
      this.lastAlert = t;
    }
    // The days of a first alert's event (alerted or just below the bar) do not teach its size.
    const inEvent = t - this.lastAlert <= EVENT_GAP;
    if (!inEvent || !this.eventCapped) return size;
    if (size > this.eventPeak) {
      this.eventPeak = size;
      this.eventPeakTime = t;
    }
    return Math.min(size, this.eventBar);
  }

  private insert(t: number, kept: number): void {
    this.evict(t);
    if (kept <= 0) return;
    // Insert into the descending top list.
    let i = Math.min(this.kept, KEPT - 1);
    if (this.kept === KEPT && kept <= (this.sizes[KEPT - 1] as number)) return;
    while (i > 0 && (this.sizes[i - 1] as number) < kept) {
      this.sizes[i] = this.sizes[i - 1] as number;
      this.times[i] = this.times[i - 1] as number;
      i--;
    }
    this.sizes[i] = kept;
    this.times[i] = t;
    if (this.kept < KEPT) this.kept++;
  }

  /** Forgets the departures of slots `from` to `to` (a run that proved to be a level shift, not a burst). */
  forget(from: number, to: number): void {
    let w = 0;
    for (let r = 0; r < this.kept; r++) {
      const time = this.times[r] as number;
      if (time >= from && time <= to) continue;
      this.times[w] = time;
      this.sizes[w] = this.sizes[r] as number;
      w++;
    }
    this.kept = w;
  }

  private evict(t: number): void {
    let w = 0;
    for (let r = 0; r < this.kept; r++) {
      if ((this.times[r] as number) <= t - this.memory) continue;
      this.times[w] = this.times[r] as number;
      this.sizes[w] = this.sizes[r] as number;
      w++;
    }
    this.kept = w;
  }
}
