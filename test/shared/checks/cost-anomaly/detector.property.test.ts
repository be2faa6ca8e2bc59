import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DetectedPoint,
  detectAnomalies,
  MIN_SCALE,
  type SeriesPoint,
} from '../../../../shared/checks/cost-anomaly/detector.js';
import { InputError } from '../../../../shared/core/errors.js';

const DAY_MS = 86_400_000;
const FIRST_DAY = Date.parse('2025-01-01');

function dailySeries(values: ReadonlyArray<number | null>): SeriesPoint[] {
  return values.map((value, i) => ({
    timestamp: new Date(FIRST_DAY + i * DAY_MS).toISOString().slice(0, 10),
    value,
  }));
}

// Costs in cents up to $10,000 a day, with gaps and zeros; long enough to leave warm-up.
const costArbitrary = fc.integer({ min: 0, max: 1_000_000 }).map((cents) => cents / 100);
const seriesArbitrary = fc.array(fc.option(costArbitrary, { freq: 8 }), { minLength: 1, maxLength: 100 });
// A weekly pattern with noise and occasional spikes, so the scaled series contains anomalies to compare.
const patternedArbitrary = fc
  .record({
    level: fc.double({ min: 1, max: 10_000, noNaN: true }),
    noise: fc.array(fc.double({ min: -0.1, max: 0.1, noNaN: true }), { minLength: 20, maxLength: 100 }),
    spikes: fc.array(fc.nat({ max: 99 }), { maxLength: 4 }),
  })
  .map(({ level, noise, spikes }) =>
    noise.map((e, i) => level * (i % 7 >= 5 ? 0.4 : 1) * (1 + e) * (spikes.includes(i) ? 3 : 1)),
  );

// Relative float tolerance, plus room for the absolute floor on sigma (MIN_SCALE, times the
// threshold in the band), the one quantity that does not scale: it binds only on an all-zero history.
const closeTo = (actual: number | null, expected: number | null, c: number): boolean =>
  actual === expected ||
  (actual !== null &&
    expected !== null &&
    Math.abs(actual - expected) <=
      1e-9 * Math.max(Math.abs(actual), Math.abs(expected)) + 2 * Z_THRESHOLD * MIN_SCALE * (1 + c));

const numbersOf = (point: DetectedPoint): number[] => [
  point.expected,
  point.lower,
  point.upper,
  point.z,
  point.score,
  ...(point.impact === null ? [] : [point.impact]),
];

// Scale-invariant options: minImpact 0, so a dollar floor cannot tell the two series apart.
const Z_THRESHOLD = 4;
const OPTIONS = { minImpact: 0, zThreshold: Z_THRESHOLD };

describe('detectAnomalies properties', () => {
  it('scales expected, band and impact by c and keeps every flag when a series is scaled by a power of two', () => {
    fc.assert(
      fc.property(
        fc.oneof(seriesArbitrary, patternedArbitrary),
        fc.integer({ min: -8, max: 8 }),
        (values, exponent) => {
          // Prepare: powers of two scale floating-point numbers exactly, so flags must match exactly.
          const c = 2 ** exponent;
          const scaled = values.map((value) => (value === null ? null : value * c));

          // Act
          const original = detectAnomalies(dailySeries(values), OPTIONS);
          const multiplied = detectAnomalies(dailySeries(scaled), OPTIONS);

          // Assess
          multiplied.forEach((point, i) => {
            const before = original[i] as DetectedPoint;
            expect(point.anomaly).toBe(before.anomaly);
            expect(point.direction).toBe(before.direction);
            expect(closeTo(point.expected, before.expected * c, c)).toBe(true);
            expect(closeTo(point.lower, before.lower * c, c)).toBe(true);
            expect(closeTo(point.upper, before.upper * c, c)).toBe(true);
            expect(closeTo(point.impact, before.impact === null ? null : before.impact * c, c)).toBe(true);
          });
        },
      ),
    );
  });

  it('scales expected, band and impact by any positive c, within float tolerance', () => {
    fc.assert(
      fc.property(patternedArbitrary, fc.double({ min: 0.01, max: 1_000, noNaN: true }), (values, c) => {
        // Prepare
        const scaled = values.map((value) => value * c);

        // Act
        const original = detectAnomalies(dailySeries(values), OPTIONS);
        const multiplied = detectAnomalies(dailySeries(scaled), OPTIONS);

        // Assess: flags match except where a rounding error could tip an exact tie at a threshold.
        multiplied.forEach((point, i) => {
          const before = original[i] as DetectedPoint;
          const nearTie = Math.abs(Math.abs(before.z) - Z_THRESHOLD) < 1e-6;
          if (!nearTie) expect(point.anomaly).toBe(before.anomaly);
          expect(closeTo(point.expected, before.expected * c, c)).toBe(true);
          expect(closeTo(point.lower, before.lower * c, c)).toBe(true);
          expect(closeTo(point.upper, before.upper * c, c)).toBe(true);
          expect(closeTo(point.impact, before.impact === null ? null : before.impact * c, c)).toBe(true);
        });
      }),
      // A fixed seed: float rounding can tip a median tie or the trend choice for a rare c, which would
      // make CI flaky; the power-of-two property above covers random scales exactly.
      { seed: 20261122, numRuns: 200 },
    );
  });

  it('flags nothing in a constant series, with or without gaps', () => {
    fc.assert(
      fc.property(
        costArbitrary,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 120 }),
        fc.boolean(),
        (constant, gaps, monthStart) => {
          // Prepare
          const values = gaps.map((gap) => (gap ? null : constant));

          // Act
          const detected = detectAnomalies(dailySeries(values), { monthStart, relativeThreshold: 0 });

          // Assess
          expect(detected.filter((point) => point.anomaly)).toEqual([]);
        },
      ),
    );
  });

  it('never returns NaN or infinity for valid input', () => {
    fc.assert(
      fc.property(
        seriesArbitrary,
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 2, max: 80 }),
        (values, period, window) => {
          // Act
          const detected = detectAnomalies(dailySeries(values), { period, window, minHistory: 3 });

          // Assess
          expect(detected).toHaveLength(values.length);
          for (const point of detected) {
            expect(numbersOf(point).every(Number.isFinite)).toBe(true);
            expect(point.score).toBeGreaterThanOrEqual(0);
            expect(point.score).toBeLessThanOrEqual(1);
            expect(point.lower).toBeLessThanOrEqual(point.upper);
          }
        },
      ),
    );
  });

  it('throws InputError naming the point for NaN, infinite or negative values', () => {
    fc.assert(
      fc.property(
        fc.array(costArbitrary, { minLength: 1, maxLength: 60 }),
        fc.nat(),
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0.01, -1e9),
        (values, position, bad) => {
          // Prepare
          const index = position % values.length;
          const corrupted = values.map((value, i) => (i === index ? bad : value));

          // Act
          const attempt = () => detectAnomalies(dailySeries(corrupted));

          // Assess
          expect(attempt).toThrow(InputError);
          expect(attempt).toThrow(`series[${index}]`);
        },
      ),
    );
  });

  it('throws InputError for an empty series whatever the options', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 48 }), fc.boolean(), (period, monthStart) => {
        // Act / Assess
        expect(() => detectAnomalies([], { period, monthStart })).toThrow(InputError);
      }),
    );
  });
});
