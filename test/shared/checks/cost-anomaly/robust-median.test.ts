import { describe, expect, it } from 'vitest';
import { lowerMedianInPlace, medianInPlace } from '../../../../shared/checks/cost-anomaly/robust-median.js';

describe('lowerMedianInPlace', () => {
  it('is the median of an odd count and the lower middle value of an even one', () => {
    expect(lowerMedianInPlace(Float64Array.of(3, 1, 2), 3)).toBe(2);
    expect(lowerMedianInPlace(Float64Array.of(5, 1, 4, 2), 4)).toBe(2);
    expect(medianInPlace(Float64Array.of(5, 1, 4, 2), 4)).toBe(3);
    expect(lowerMedianInPlace(Float64Array.of(7), 1)).toBe(7);
  });

  it('stays on the regular values while at most half are upward outliers, on short and long buffers', () => {
    for (const n of [4, 8, 40]) {
      // Prepare: half the values 1 to n/2, half far above.
      const values = Float64Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 + i / 2 : 1000 + i));

      // Act
      const lower = lowerMedianInPlace(values, n);

      // Assess: the largest regular value (quickselect on long buffers, sorting on short ones).
      expect(lower).toBe(n / 2);
    }
  });

  it('reads only the first n entries', () => {
    expect(lowerMedianInPlace(Float64Array.of(4, 2, 3, 100, 100, 100), 3)).toBe(3);
  });
});
