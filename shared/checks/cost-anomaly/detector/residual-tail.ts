/**
 * How unusual a standardised forecast error is *for this series*, from the
 * series' own past errors, one side (up, down) at a time.
 *
 * The errors (in robust sigmas) go into a histogram with exact per-bin sums.
 * On each side, the k-th largest past error is compared with where the k-th
 * largest of as many normal errors would lie (its order statistic, Q). When
 * the series' large errors reach further than normal noise does (routine
 * bursts, a heavy-tailed metric), the ratio x_k / Q is the series' *tail
 * scale*, and every error on that side is divided by it: a burst of the usual
 * size then reads like a large-but-normal error, and only one well beyond
 * the usual bursts reaches the threshold. On normal errors the ratio is
 * about 1, so the calibrated z of a quiet series is its plain z, and one
 * threshold means the same rarity on every series. This is the peaks-over-
 * threshold idea of SPOT (Siffer et al., KDD 2017) reduced to one robust
 * order statistic, which a daily series with a few dozen errors can afford
 * to estimate; k grows with the history so a long series uses more of its
 * tail. Old errors fade with a forgetting factor; errors can be taken back
 * (a confirmed level shift is not a burst).
 */
import { upperTailZ } from './normal-quantile.js';

// Bins: 0.25 wide up to 3 sigmas, then 25% wider each, up to ~1e5 sigmas (the last bin is open).
const BODY_WIDTH = 0.25;
const BODY_BINS = 12;
const BODY_END = BODY_WIDTH * BODY_BINS;
const GROWTH = 1.25;
const LN_GROWTH = Math.log(GROWTH);
export const TAIL_BINS = 64;
/** The order statistic used: the k-th largest, k = max(MIN_RANK, RANK_SHARE × errors). */
const MIN_RANK = 1;
const RANK_SHARE = 0.002;
/** Fewer errors than this say nothing about the tail: the scale stays 1. */
const MIN_ERRORS = 8;
/** The scale may also correct an overestimated sigma, but only this far. */
const MIN_TAIL_SCALE = 0.8;
// Errors below this (in sigmas) cannot be the order statistic used, so they refit only now and then.
const MIN_TAIL_ERROR = 1;
const REFIT_EVERY = 16;
// A weight this large is folded back into the counts, so weights never overflow.
const RENORMALISE_ABOVE = 1e100;

/** Lower edge of bin `b`, in sigmas. */
export function binEdge(b: number): number {
  return b <= BODY_BINS ? b * BODY_WIDTH : BODY_END * GROWTH ** (b - BODY_BINS);
}

/** Bin of a non-negative error size `x`. */
export function binOf(x: number): number {
  if (x < BODY_END) return Math.floor(x / BODY_WIDTH);
  return Math.min(TAIL_BINS - 1, BODY_BINS + Math.floor(Math.log(x / BODY_END) / LN_GROWTH));
}

/** Per-side tail scales learned from a series' past standardised errors. */
export class ResidualTail {
  private readonly counts = [new Float64Array(TAIL_BINS), new Float64Array(TAIL_BINS)];
  private readonly sums = [new Float64Array(TAIL_BINS), new Float64Array(TAIL_BINS)];
  // Per side, the highest bin ever added to since the reset: every bin above it is empty, so the
  // search for the order statistic starts there instead of at the open last bin.
  private readonly top = new Int32Array(2);
  private total = 0;
  /** Weight of an error added now: grows by 1/decay per point, so older errors weigh less. */
  private weight = 1;
  // Product of the factors folded into the counts, so a weight handed out before a fold still removes right.
  private folded = 1;
  private readonly growth: number;
  private readonly scales: [number, number] = [1, 1];
  private dirty = false;
  private sinceRefit = 0;

  /** @param memory points after which an error's weight has fallen to 1/e. */
  constructor(memory: number) {
    this.growth = 1 / (1 - 1 / Math.max(2, memory));
  }

  /** Forgets every error. */
  reset(): void {
    for (const side of [0, 1]) {
      (this.counts[side] as Float64Array).fill(0);
      (this.sums[side] as Float64Array).fill(0);
    }
    this.top.fill(0);
    this.total = 0;
    this.weight = 1;
    this.folded = 1;
    this.scales[0] = 1;
    this.scales[1] = 1;
    this.dirty = false;
    this.sinceRefit = 0;
  }

  /** Advances time by one point: earlier errors now weigh relatively less. */
  tick(): void {
    this.weight *= this.growth;
    if (this.weight > RENORMALISE_ABOVE) {
      const f = 1 / this.weight;
      for (const side of [0, 1]) {
        const counts = this.counts[side] as Float64Array;
        const sums = this.sums[side] as Float64Array;
        for (let bin = 0; bin < TAIL_BINS; bin++) {
          counts[bin] = (counts[bin] as number) * f;
          sums[bin] = (sums[bin] as number) * f;
        }
      }
      this.total *= f;
      this.folded *= f;
      this.weight = 1;
    }
  }

  /** The weight an error added now carries, to take it back later with `remove`. */
  get currentWeight(): number {
    return this.weight / this.folded;
  }

  /** Adds an error of `r` sigmas (signed), with the current weight or, to put one back, the weight it had. */
  add(r: number, weight = this.currentWeight): void {
    this.change(r, weight * this.folded);
  }

  /** Takes back an error added with `add`, given the weight it was added with. */
  remove(r: number, weight: number): void {
    this.change(r, -weight * this.folded);
  }

  private change(r: number, weight: number): void {
    const side = r >= 0 ? 0 : 1;
    const x = Math.abs(r);
    const bin = binOf(x);
    const counts = this.counts[side] as Float64Array;
    const sums = this.sums[side] as Float64Array;
    if (bin > (this.top[side] as number)) this.top[side] = bin;
    counts[bin] = Math.max(0, (counts[bin] as number) + weight);
    sums[bin] = Math.max(0, (sums[bin] as number) + weight * x);
    this.total = Math.max(0, this.total + weight);
    // Only a large error can move the top order statistics; small ones only change the count, slowly.
    if (x >= MIN_TAIL_ERROR || ++this.sinceRefit >= REFIT_EVERY) this.dirty = true;
  }

  /** The tail scale of one side (>= 0.8; 1 until enough errors are known). */
  scale(up: boolean): number {
    if (this.dirty) this.refit();
    return this.scales[up ? 0 : 1];
  }

  private refit(): void {
    this.dirty = false;
    this.sinceRefit = 0;
    const n = this.total / this.weight;
    if (n < MIN_ERRORS) {
      this.scales[0] = 1;
      this.scales[1] = 1;
      return;
    }
    // Rank and quantile are the same on both sides: computed once.
    const rank = Math.max(MIN_RANK, RANK_SHARE * n) * this.weight;
    // Where the k-th largest of n normal errors lies on one side: P(Z > Q) = k / n.
    const q = upperTailZ(Math.log(Math.min(0.5, rank / this.weight / n)));
    this.scales[0] = this.sideScale(0, rank, q);
    this.scales[1] = this.sideScale(1, rank, q);
  }

  /** x_k / Q for one side, x_k the `rank`-th largest error (weighted) and `q` its normal counterpart. */
  private sideScale(side: 0 | 1, rank: number, q: number): number {
    const counts = this.counts[side] as Float64Array;
    const sums = this.sums[side] as Float64Array;
    let above = 0;
    let xk = 0;
    for (let bin = this.top[side] as number; bin >= 0; bin--) {
      const count = counts[bin] as number;
      if (count <= 0) continue;
      above += count;
      if (above >= rank) {
        xk = (sums[bin] as number) / count;
        break;
      }
    }
    return q <= 0 ? 1 : Math.max(MIN_TAIL_SCALE, xk / q);
  }
}
