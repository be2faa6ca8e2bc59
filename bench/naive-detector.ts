/**
 * The naive baseline the detector is compared with: a point is anomalous when
 * it lies more than `k` standard deviations from the mean of the previous
 * `window` points (no seasonality, no trend, no robustness). Optionally the
 * same impact floors as the detector, so the comparison isolates the model.
 */
export interface NaiveOptions {
  readonly window: number;
  readonly k: number;
  readonly minImpact?: number;
  readonly relativeThreshold?: number;
}

export const NAIVE_DEFAULTS: NaiveOptions = { window: 28, k: 3 };

/**
 * Flags per point (false until `window` points of history exist).
 *
 * @example
 * naiveFlags([...Array(28).fill(10), 50], NAIVE_DEFAULTS).at(-1); // true
 */
export function naiveFlags(values: ArrayLike<number>, options: NaiveOptions = NAIVE_DEFAULTS): boolean[] {
  const { window, k, minImpact = 0, relativeThreshold = 0 } = options;
  const flags = new Array<boolean>(values.length).fill(false);
  let sum = 0;
  let sumSquares = 0;
  for (let t = 0; t < values.length; t++) {
    const x = values[t] as number;
    if (t >= window) {
      const mean = sum / window;
      const variance = Math.max(0, sumSquares / window - mean * mean);
      const deviation = Math.abs(x - mean);
      // Relative slack: float error in a constant window must not read as a deviation.
      const sigma = Math.sqrt(variance);
      const relative = mean > 0 ? deviation / mean : deviation > 0 ? Number.POSITIVE_INFINITY : 0;
      flags[t] =
        deviation > k * sigma + 1e-9 * Math.abs(mean) &&
        deviation >= minImpact &&
        relative >= relativeThreshold;
      const old = values[t - window] as number;
      sum -= old;
      sumSquares -= old * old;
    }
    sum += x;
    sumSquares += x * x;
  }
  return flags;
}
