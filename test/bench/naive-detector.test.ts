import { describe, expect, it } from 'vitest';
import { naiveFlags } from '../../bench/naive-detector.js';

describe('naiveFlags', () => {
  it('flags a point beyond 3 sigma of the previous 28 and nothing before 28 points of history', () => {
    // Prepare: alternating 9/11 has mean 10 and sigma 1.
    const values = [...Array.from({ length: 28 }, (_, t) => (t % 2 ? 11 : 9)), 14, 12.5];
    // Act
    const flags = naiveFlags(values, { window: 28, k: 3 });
    // Assess
    expect(flags.slice(0, 28).some(Boolean)).toBe(false);
    expect(flags[28]).toBe(true);
    expect(flags[29]).toBe(false);
  });

  it('leaves a constant series calm and flags any change from it', () => {
    const flags = naiveFlags([...Array(28).fill(5), 5, 6], { window: 28, k: 3 });
    expect(flags.slice(28)).toEqual([false, true]);
  });

  it('applies the dollar and relative floors when given', () => {
    const values = [...Array(28).fill(100), 110];
    expect(naiveFlags(values, { window: 28, k: 3 }).at(-1)).toBe(true);
    expect(naiveFlags(values, { window: 28, k: 3, minImpact: 25 }).at(-1)).toBe(false);
    expect(naiveFlags(values, { window: 28, k: 3, relativeThreshold: 0.2 }).at(-1)).toBe(false);
  });
});
