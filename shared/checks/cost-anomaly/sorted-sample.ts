import { madOfSorted, medianOfSorted } from './robust-median.js';

const at = (buf: Float64Array, i: number): number => buf[i] as number;

/**
 * A small multiset kept sorted, so its median and MAD cost O(n/2) at most
 * and each insert or remove is a binary search plus a short shift. The
 * baseline's samples change by one value per point, which makes this far
 * cheaper than re-sorting them at every point.
 */
export class SortedSample {
  private readonly sorted: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.sorted = new Float64Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.count = 0;
  }

  /** First index whose value is >= x. */
  private lowerBound(x: number): number {
    const sorted = this.sorted;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at(sorted, mid) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Adds x; the caller keeps the size within capacity. */
  insert(x: number): void {
    const sorted = this.sorted;
    const pos = this.lowerBound(x);
    // A hand-written shift: for a dozen elements it beats the native copyWithin call.
    for (let i = this.count; i > pos; i--) sorted[i] = at(sorted, i - 1);
    sorted[pos] = x;
    this.count++;
  }

  /** Removes one occurrence of x, which must have been inserted. */
  remove(x: number): void {
    const sorted = this.sorted;
    const last = this.count - 1;
    for (let i = this.lowerBound(x); i < last; i++) sorted[i] = at(sorted, i + 1);
    this.count = last;
  }

  /** Median; the sample must not be empty. */
  median(): number {
    return medianOfSorted(this.sorted, this.count);
  }

  /** Median absolute deviation around the median; the sample must not be empty. */
  mad(): number {
    return madOfSorted(this.sorted, this.count, this.median());
  }

  /** The `rank`-th largest value (1: the largest), clamped to the smallest; the sample must not be empty. */
  largest(rank: number): number {
    return at(this.sorted, Math.max(0, this.count - rank));
  }
}

/**
 * The most recent values of a series, at most `capacity` of them and none
 * older than a given index, with their median and MAD. Values enter in time
 * order; the oldest leave first.
 *
 * The values are kept in arrival order, and sorted only when a median or MAD
 * is asked for after a change: the baseline pushes every charge of every
 * series but reads the sample only on intermittent series, so keeping it
 * sorted at every push was paid for nothing on most series.
 */
export class RecentSample {
  private readonly sorted: SortedSample;
  private readonly values: Float64Array;
  private readonly indices: Int32Array;
  private head = 0;
  private length = 0;
  // True when `sorted` no longer holds exactly the values in the ring.
  private stale = false;

  constructor(private readonly capacity: number) {
    this.sorted = new SortedSample(capacity);
    this.values = new Float64Array(Math.max(1, capacity));
    this.indices = new Int32Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.length;
  }

  clear(): void {
    this.sorted.clear();
    this.head = 0;
    this.length = 0;
    this.stale = false;
  }

  /** Adds the value observed at `index`, evicting the oldest one when full. */
  push(value: number, index: number): void {
    if (this.length === this.capacity) this.dropOldest();
    let slot = this.head + this.length;
    if (slot >= this.capacity) slot -= this.capacity;
    this.values[slot] = value;
    this.indices[slot] = index;
    this.length++;
    this.stale = true;
  }

  /** Becomes a copy of `other` (same capacity): its values, indices and order. */
  copyFrom(other: RecentSample): void {
    this.values.set(other.values);
    this.indices.set(other.indices);
    this.head = other.head;
    this.length = other.length;
    this.stale = true;
  }

  /** Drops every value observed before `index`. */
  expireBefore(index: number): void {
    while (this.length > 0 && (this.indices[this.head] as number) < index) this.dropOldest();
  }

  /** Median; the sample must not be empty. */
  median(): number {
    return this.sortedSample().median();
  }

  /** Median absolute deviation around the median; the sample must not be empty. */
  mad(): number {
    return this.sortedSample().mad();
  }

  /** The `rank`-th largest value (1: the largest); the sample must not be empty. */
  largest(rank: number): number {
    return this.sortedSample().largest(rank);
  }

  private sortedSample(): SortedSample {
    if (this.stale) {
      this.sorted.clear();
      for (
        let i = 0, slot = this.head;
        i < this.length;
        i++, slot = slot + 1 === this.capacity ? 0 : slot + 1
      )
        this.sorted.insert(at(this.values, slot));
      this.stale = false;
    }
    return this.sorted;
  }

  private dropOldest(): void {
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.length--;
    this.stale = true;
  }
}
