import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../bench/random.js';
import { RecentSample } from '../../../../shared/checks/cost-anomaly/sorted-sample.js';

/** Median and MAD of `values`, by sorting copies. */
function naive(values: readonly number[]): { median: number; mad: number } {
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  };
  const m = median([...values]);
  return { median: m, mad: median(values.map((v) => Math.abs(v - m))) };
}

describe('RecentSample', () => {
  it('gives the median and MAD of the latest values, however pushes and reads interleave', () => {
    // Prepare: a sample of 5, fed 40 values (repeats included), read after every push while it fills,
    // then after one push in three.
    const random = seededRandom(11);
    const sample = new RecentSample(5);
    const pushed: number[] = [];
    for (let i = 0; i < 40; i++) {
      // Act
      const value = Math.round(random.next() * 20);
      sample.push(value, i);
      pushed.push(value);
      if (i >= 8 && i % 3 !== 0) continue;

      // Assess
      const expected = naive(pushed.slice(-5));
      expect(sample.size).toBe(Math.min(5, pushed.length));
      expect(sample.median()).toBe(expected.median);
      expect(sample.mad()).toBe(expected.mad);
    }
  });

  it('drops values older than an index, and forgets everything on clear', () => {
    const sample = new RecentSample(4);
    for (const [i, value] of [10, 20, 30, 40].entries()) sample.push(value, i);
    expect(sample.median()).toBe(25);

    sample.expireBefore(2);
    expect(sample.size).toBe(2);
    expect(sample.median()).toBe(35);

    expect(sample.largest(1)).toBe(40);
    expect(sample.largest(2)).toBe(30);
    expect(sample.largest(5)).toBe(30);

    sample.clear();
    sample.push(7, 9);
    expect(sample.median()).toBe(7);
    expect(sample.mad()).toBe(0);
  });
});
