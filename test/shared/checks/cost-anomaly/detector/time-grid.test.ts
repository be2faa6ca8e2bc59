import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  intervalOfMs,
  placeOnGrid,
  timestampMs,
  timestampsMs,
} from '../../../../../shared/checks/cost-anomaly/detector/time-grid.js';
import { InputError } from '../../../../../shared/core/errors.js';

const ms = (...stamps: string[]) => Float64Array.from(stamps.map((s) => Date.parse(s)));

describe('timestampMs', () => {
  it('reads the fast-path formats exactly as Date.parse does', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const iso = date.toISOString();
          expect(timestampMs(iso)).toBe(Date.parse(iso));
          expect(timestampMs(iso.slice(0, 10))).toBe(Date.parse(iso.slice(0, 10)));
          expect(timestampMs(`${iso.slice(0, 19)}Z`)).toBe(Date.parse(`${iso.slice(0, 19)}Z`));
        },
      ),
    );
  });

  it('falls back to Date.parse for offsets, and returns NaN for impossible dates and text', () => {
    expect(timestampMs('2025-03-01T00:00:00+01:00')).toBe(Date.parse('2025-02-28T23:00:00Z'));
    expect(timestampMs('2024-02-29')).toBe(Date.parse('2024-02-29'));
    expect(timestampMs('2025-02-29')).toBeNaN();
    expect(timestampMs('2025-13-01')).toBeNaN();
    expect(timestampMs('soon')).toBeNaN();
  });

  it('names the first bad timestamp of a list', () => {
    expect(() => timestampsMs(['2025-01-01', 'x'], 'series')).toThrow(/^series\[1\]: "x" is not/);
  });
});

describe('intervalOfMs', () => {
  it('is the typical step, ignoring gaps, duplicates and order', () => {
    expect(intervalOfMs(ms('2025-01-05', '2025-01-01', '2025-01-02', '2025-01-02', '2025-01-10'))).toBe(
      DAY_MS,
    );
  });

  it('snaps a jittered step to the exporter interval it is close to', () => {
    const stamps = Array.from({ length: 100 }, (_, i) => Date.UTC(2025, 0, 1) + i * 60_000 + (i % 3) * 500);
    expect(intervalOfMs(Float64Array.from(stamps))).toBe(60_000);
  });

  it('is null for fewer than two distinct timestamps', () => {
    expect(intervalOfMs(ms('2025-01-01', '2025-01-01'))).toBeNull();
  });
});

describe('placeOnGrid', () => {
  const days = ms('2025-01-01', '2025-01-02', '2025-01-04', '2025-01-02');

  it('puts points on their slots and leaves missing ones as gaps', () => {
    const grid = placeOnGrid(days, Float64Array.of(1, 2, 4, 3), 'sum');
    expect([...grid.slotOf]).toEqual([0, 1, 3, 1]);
    expect([...grid.values]).toEqual([1, 5, Number.NaN, 4]);
    expect(grid).toMatchObject({
      combinedSlots: 1,
      combinedPoints: 1,
      combinedBy: 'sum',
      intervalMs: DAY_MS,
    });
  });

  it.each([
    ['sum', 5],
    ['mean', 2.5],
    ['last', 3],
  ] as const)('combines differing duplicates by %s', (policy, value) => {
    expect(placeOnGrid(days, Float64Array.of(1, 2, 4, 3), policy).values[1]).toBe(value);
  });

  it('under auto, keeps one of identical repeats and sums parts that only add up to their neighbours', () => {
    const repeated = placeOnGrid(days, Float64Array.of(10, 10, 10, 10), 'auto');
    expect(repeated.values[1]).toBe(10);
    expect(repeated.combinedBy).toBe('repeat');
    const parts = placeOnGrid(days, Float64Array.of(10, 4, 10, 6), 'auto');
    expect(parts.values[1]).toBe(10);
    expect(parts.combinedBy).toBe('sum');
    const readings = placeOnGrid(days, Float64Array.of(10, 9, 10, 11), 'auto');
    expect(readings.values[1]).toBe(10);
    expect(readings.combinedBy).toBe('mean');
  });

  it('under auto, counts a day of several line items delivered twice once, and sums days whose items differ', () => {
    // Days 1 to 4 arrive as two line items (7 + 3); day 3 was exported twice over; day 4 has two items of 5 besides.
    const stamps = ms(
      '2025-01-01',
      '2025-01-01',
      '2025-01-02',
      '2025-01-02',
      '2025-01-03',
      '2025-01-03',
      '2025-01-03',
      '2025-01-03',
      '2025-01-04',
      '2025-01-04',
      '2025-01-04',
      '2025-01-04',
    );
    const grid = placeOnGrid(stamps, Float64Array.of(7, 3, 7, 3, 7, 3, 3, 7, 7, 3, 5, 5), 'auto');
    expect([...grid.values]).toEqual([10, 10, 10, 20]);
    expect(grid).toMatchObject({ combinedBy: 'sum', redeliveredSlots: 1 });
    // The explicit policies take every row as it comes.
    expect(placeOnGrid(stamps, Float64Array.of(7, 3, 7, 3, 7, 3, 3, 7, 7, 3, 5, 5), 'sum').values[2]).toBe(
      20,
    );
  });

  it('under auto, sums a day of equal line items when every day has that shape (two equal instances, two equal volumes)', () => {
    const stamps = ms(
      ...['01', '02', '03', '04', '05'].flatMap((d) => Array(4).fill(`2025-01-${d}`) as string[]),
    );
    const values = Float64Array.from({ length: 20 }, (_, i) => (i % 4 < 2 ? 2.304 : 0.8));
    // Day 4: one instance stopped at noon, so the day is no longer a repeated set.
    values[12] = 1.152;

    const grid = placeOnGrid(stamps, values, 'auto');

    expect([...grid.values].map((v) => Number(v.toFixed(3)))).toEqual([6.208, 6.208, 6.208, 5.056, 6.208]);
    expect(grid.redeliveredSlots).toBe(0);
  });

  it('counts calendar months on a monthly grid', () => {
    const grid = placeOnGrid(
      ms('2025-01-01', '2025-02-01', '2025-03-01', '2025-05-01'),
      Float64Array.of(1, 2, 3, 5),
      'sum',
    );
    expect(grid.monthly).toBe(true);
    expect([...grid.slotOf]).toEqual([0, 1, 2, 4]);
  });

  it('refuses timestamps far too sparse for their interval instead of allocating without bound', () => {
    const stamps = Float64Array.from([...Array.from({ length: 10 }, (_, i) => i * 60_000), 1e12]);
    expect(() => placeOnGrid(stamps, new Float64Array(11), 'sum')).toThrow(InputError);
    expect(() => placeOnGrid(stamps, new Float64Array(11), 'sum')).toThrow(/too sparse/);
  });
});
