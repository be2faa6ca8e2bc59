/**
 * Medians of small scratch buffers. The detector takes a median of at most a
 * few dozen values per point, millions of times per run, so these work in
 * place on a reused `Float64Array` and never allocate.
 */

/** Scales a median absolute deviation to a standard deviation for normal data. */
export const MAD_TO_SIGMA = 1.4826;

// Below this size an insertion sort beats quickselect: no recursion, few branches.
const INSERTION_SORT_MAX = 16;

// noUncheckedIndexedAccess types typed-array reads as `number | undefined`; every index
// used here is inside [0, n), so the read is a plain number. The JIT inlines this.
const at = (buf: Float64Array, i: number): number => buf[i] as number;

function insertionSort(buf: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const x = at(buf, i);
    let j = i - 1;
    while (j >= 0 && at(buf, j) > x) {
      buf[j + 1] = at(buf, j);
      j--;
    }
    buf[j + 1] = x;
  }
}

/** Hoare-style quickselect: afterwards buf[k] holds the k-th smallest, smaller values to its left. */
function quickselect(buf: Float64Array, n: number, k: number): void {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    // Median-of-three pivot keeps already sorted windows (common: rising costs) linear.
    const mid = (lo + hi) >> 1;
    const a = at(buf, lo);
    const b = at(buf, mid);
    const c = at(buf, hi);
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (at(buf, i) < pivot) i++;
      while (at(buf, j) > pivot) j--;
      if (i <= j) {
        const tmp = at(buf, i);
        buf[i] = at(buf, j);
        buf[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/**
 * Lower median of `buf[0..n)` (the ⌈n/2⌉-th smallest: for an even count the lower of the two middle
 * values), reordering those entries. Unlike the median it is never pulled towards values above the
 * middle, so upward outliers up to half of the values leave it on the others. `n` must be at least 1.
 *
 * @example
 * const buf = Float64Array.of(5, 1, 40, 2);
 * lowerMedianInPlace(buf, 4); // 2
 */
export function lowerMedianInPlace(buf: Float64Array, n: number): number {
  const lowerMid = (n - 1) >> 1;
  if (n <= INSERTION_SORT_MAX) insertionSort(buf, n);
  else quickselect(buf, n, lowerMid);
  return at(buf, lowerMid);
}

/**
 * Median of `buf[0..n)`, reordering those entries. Even counts average the two
 * middle values. `n` must be at least 1.
 *
 * @example
 * const buf = Float64Array.of(5, 1, 4, 2);
 * medianInPlace(buf, 4); // 3
 */
export function medianInPlace(buf: Float64Array, n: number): number {
  if (n <= INSERTION_SORT_MAX) {
    insertionSort(buf, n);
    const mid = n >> 1;
    return n % 2 === 1 ? at(buf, mid) : (at(buf, mid - 1) + at(buf, mid)) / 2;
  }
  const lowerMid = (n - 1) >> 1;
  quickselect(buf, n, lowerMid);
  const lower = at(buf, lowerMid);
  if (n % 2 === 1) return lower;
  // After quickselect everything right of lowerMid is >= lower, so the upper middle is their minimum.
  let upper = Number.POSITIVE_INFINITY;
  for (let i = lowerMid + 1; i < n; i++) if (at(buf, i) < upper) upper = at(buf, i);
  return (lower + upper) / 2;
}

/** Median of an ascending `buf[0..n)`, n >= 1. */
export function medianOfSorted(buf: Float64Array, n: number): number {
  const mid = n >> 1;
  return n % 2 === 1 ? at(buf, mid) : (at(buf, mid - 1) + at(buf, mid)) / 2;
}

/**
 * Median absolute deviation of an ascending `buf[0..n)` around its median,
 * without sorting again: the deviations below and above the median are two
 * already sorted runs, so merging them from the middle outwards finds the
 * middle deviation in n/2 steps.
 */
export function madOfSorted(buf: Float64Array, n: number, median: number): number {
  let left = n % 2 === 1 ? n >> 1 : (n >> 1) - 1;
  let right = left + 1;
  const lowerRank = (n - 1) >> 1;
  const upperRank = n >> 1;
  let lower = 0;
  for (let rank = 0; rank <= upperRank; rank++) {
    const below = left >= 0 ? median - at(buf, left) : Number.POSITIVE_INFINITY;
    const above = right < n ? at(buf, right) - median : Number.POSITIVE_INFINITY;
    let deviation: number;
    if (below <= above) {
      deviation = below;
      left--;
    } else {
      deviation = above;
      right++;
    }
    if (rank === lowerRank) lower = deviation;
    if (rank === upperRank) return (lower + deviation) / 2;
  }
  return lower;
}

/**
 * Median absolute deviation of `buf[0..n)` around `center`, overwriting those
 * entries with the absolute deviations.
 */
export function madInPlace(buf: Float64Array, n: number, center: number): number {
  for (let i = 0; i < n; i++) buf[i] = Math.abs(at(buf, i) - center);
  return medianInPlace(buf, n);
}
