/**
 * A reference detector of the kind issue 11 measured on its held-out series
 * ("a weekday-median detector with a residual quantile guard", F1 0.80
 * there): the expected value of a day is the median of the same weekday in
 * the previous `weeks` weeks, and a day is flagged when its residual is
 * beyond `k` robust sigmas of the past residuals *and* beyond their
 * `guardQuantile` (so a series learns the size of its usual departures).
 *
 * It works on calendar days (duplicate rows summed, missing days left out of
 * every window), so it is not hurt by export gaps. It is a yardstick for the
 * bench, not a product detector: its figures on our generator, beside the
 * issue's figure on real exports, say how hard our bench is.
 */

export interface WeekdayMedianOptions {
  /** Same-weekday values the expected value is the median of. */
  readonly weeks: number;
  /** Fewest same-weekday values before a day is judged. */
  readonly minWeeks: number;
  /** Past residuals kept (the guard's and the scale's window), in days. */
  readonly residualWindow: number;
  /** Fewest past residuals before a day is judged. */
  readonly minResiduals: number;
  /** Robust sigmas (1.4826 × MAD of the past residuals) a residual must exceed. */
  readonly k: number;
  /** Quantile of the past absolute residuals a residual must also exceed… */
  readonly guardQuantile: number;
  /** …times this margin. */
  readonly guardMargin: number;
  /** A flagged day also departs by at least this share of its expected value. */
  readonly relativeThreshold: number;
}

/**
 * The family's best F1 on the tuning set (a sweep of k 3–5, guard quantile
 * 0.95–1, margin 1–3, window 28–90 days; docs/design/anomaly-detector.md,
 * "How hard the bench is"): tuned so that its held-out figure is an upper
 * bound for detectors of this kind, not a straw man.
 */
export const WEEKDAY_MEDIAN_DEFAULTS: WeekdayMedianOptions = {
  weeks: 4,
  minWeeks: 2,
  residualWindow: 56,
  minResiduals: 14,
  k: 3,
  guardQuantile: 1,
  guardMargin: 2,
  relativeThreshold: 0.2,
};

const median = (sorted: readonly number[]) => {
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** Linear-interpolated quantile of an ascending sample. */
const quantile = (sorted: readonly number[], q: number) => {
  const at = q * (sorted.length - 1);
  const low = Math.floor(at);
  const high = Math.min(sorted.length - 1, low + 1);
  return (sorted[low] as number) + (at - low) * ((sorted[high] as number) - (sorted[low] as number));
};

const ascending = (a: number, b: number) => a - b;

/**
 * Flags per calendar day (`null` days are missing and never flagged).
 *
 * @example
 * const days = [...Array(42).fill(10), 30];
 * weekdayMedianFlags(days).at(-1); // true
 */
export function weekdayMedianFlags(
  days: ReadonlyArray<number | null>,
  options: WeekdayMedianOptions = WEEKDAY_MEDIAN_DEFAULTS,
): boolean[] {
  const flags = new Array<boolean>(days.length).fill(false);
  const residuals: Array<{ day: number; value: number }> = [];
  for (let d = 0; d < days.length; d++) {
    const x = days[d];
    if (x === null || x === undefined) continue;
    const same: number[] = [];
    for (let w = 1; w <= options.weeks; w++) {
      const v = days[d - 7 * w];
      if (v !== null && v !== undefined) same.push(v);
    }
    if (same.length < options.minWeeks) continue;
    const expected = median(same.sort(ascending));
    const residual = x - expected;
    while (residuals.length > 0 && (residuals[0] as { day: number }).day <= d - options.residualWindow) {
      residuals.shift();
    }
    if (residuals.length >= options.minResiduals) {
      const past = residuals.map((r) => r.value).sort(ascending);
      const centre = median(past);
      const mad = median(past.map((r) => Math.abs(r - centre)).sort(ascending));
      const guard = quantile(past.map(Math.abs).sort(ascending), options.guardQuantile);
      const departure = Math.abs(residual - centre);
      flags[d] =
        departure > options.k * 1.4826 * mad &&
        Math.abs(residual) > options.guardMargin * guard &&
        Math.abs(residual) >= options.relativeThreshold * Math.abs(expected);
    }
    residuals.push({ day: d, value: residual });
  }
  return flags;
}
