/**
 * On fine grids one point says little (a minute with no request where five
 * are usual is common), but many in a row say a lot. This is an EWMA
 * control chart (Roberts 1959) of the standardised errors, clipped so one
 * burst cannot fire it, over about `span` points. Real errors are correlated
 * (a profile a little off for an hour), so the chart is standardised by its
 * own measured spread when that is larger than the theoretical one.
 */

/** Errors enter the chart clipped to this many sigmas. */
const CLIP = 3;
/** The chart's z is a second test on every point: it must clear a higher bar so the two stay calibrated. */
const MARGIN = 1.25;
/** Mean absolute value to standard deviation for a normal law. */
const MEAN_ABS_TO_SIGMA = 1.2533;

/** The EWMA chart of one series. */
export class PersistenceChart {
  private readonly weight: number;
  private readonly theoreticalSd: number;
  private readonly spreadRate: number;
  private value = 0;
  private meanAbs = 0;
  private count = 0;

  /**
   * @param span points the chart averages over (EWMA weight 2 / (span + 1)).
   * @param spreadMemory points over which its own spread is learned.
   */
  constructor(span: number, spreadMemory: number) {
    this.weight = 2 / (span + 1);
    this.theoreticalSd = Math.sqrt(this.weight / (2 - this.weight));
    this.spreadRate = 1 / Math.max(2, spreadMemory);
  }

  /** Forgets everything (a new series). */
  reset(): void {
    this.value = 0;
    this.meanAbs = 0;
    this.count = 0;
  }

  /** Restarts the average (a level shift: the old errors are of another level), keeping the learned spread. */
  restart(): void {
    this.value = 0;
  }

  /** Adds an error of `r` sigmas; returns whichever of `z` and the chart's own z is more extreme. */
  update(z: number, r: number): number {
    const clipped = Math.max(-CLIP, Math.min(CLIP, r));
    this.value += this.weight * (clipped - this.value);
    const spread = Math.max(this.theoreticalSd, MEAN_ABS_TO_SIGMA * this.meanAbs);
    const lasting = this.value / (spread * MARGIN);
    const size = Math.min(Math.abs(this.value), CLIP * spread);
    this.count++;
    // A plain mean at first (an EWMA from 0 would read too small for a day), then forgetting.
    const rate = Math.max(this.spreadRate, 1 / this.count);
    this.meanAbs += rate * (size - this.meanAbs);
    return Math.abs(lasting) > Math.abs(z) ? lasting : z;
  }
}
