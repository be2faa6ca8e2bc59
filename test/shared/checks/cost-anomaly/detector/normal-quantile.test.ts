import { describe, expect, it } from 'vitest';
import { upperTailZ } from '../../../../../shared/checks/cost-anomaly/detector/normal-quantile.js';

describe('upperTailZ', () => {
  it.each([
    [0.5, 0],
    [0.1587, 1.0],
    [0.05, 1.6449],
    [0.001, 3.0902],
    [3.167e-5, 4.0],
    [1e-10, 6.3613],
  ])('gives the normal quantile for P(Z > z) = %s', (p, z) => {
    expect(upperTailZ(Math.log(p))).toBeCloseTo(z, 3);
  });

  it('stays finite and increasing far below the smallest double', () => {
    const zs = [-100, -1_000, -10_000].map(upperTailZ);
    expect(zs.every(Number.isFinite)).toBe(true);
    expect(zs).toEqual([...zs].sort((a, b) => a - b));
  });

  it('is 0 at and above probability one half', () => {
    expect(upperTailZ(Math.log(0.7))).toBe(0);
  });
});
