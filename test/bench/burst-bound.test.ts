import { describe, expect, it } from 'vitest';
import type { DailyCase } from '../../bench/anomaly-daily-series.js';
import { BurstBound, departure } from '../../bench/burst-bound.js';

/** A bursty case of `values` (one row a day) with routine bursts marked on `bursts` and rises starting on `rises`. */
function bursty(values: number[], bursts: number[], rises: number[]): DailyCase {
  return {
    id: 'test',
    rows: values.map((value, d) => ({
      timestamp: new Date(Date.UTC(2026, 0, 1 + d)).toISOString().slice(0, 10),
      value,
    })),
    rowDay: Int32Array.from(values.keys()),
    days: values.length,
    incidents: rises.map((start) => ({ kind: 'spike', start, from: start, to: start + 1, detail: '' })),
    benign: [],
    irregularities: new Set(['bursty']),
    level: 100,
    marks: bursts.map((day) => ({ day, kind: 'burst' })),
  };
}

describe('BurstBound', () => {
  it('sorts each rise by the routine bursts before it, and counts what the flags found', () => {
    // Prepare: level 100; a +50% burst on day 30; rises of +30% on day 40 and +90% on day 50.
    const values = Array.from({ length: 60 }, () => 100);
    values[30] = 150;
    values[40] = 130;
    values[50] = 190;
    const flags = new Uint8Array(60);
    flags[50] = 1;
    // Act
    const bound = new BurstBound();
    bound.add(bursty(values, [30], [40, 50]), flags);
    // Assess
    expect(bound.withinBursts).toEqual({ rises: 1, found: 0 });
    expect(bound.larger).toEqual({ rises: 1, found: 1 });
    expect(bound.ceiling).toBe(0.5);
  });

  it('puts a rise with no burst before it apart, and skips series that are not bursty', () => {
    const values = Array.from({ length: 40 }, () => 100);
    values[35] = 200;
    const bound = new BurstBound();
    bound.add(bursty(values, [36], [35]), new Uint8Array(40));
    bound.add({ ...bursty(values, [], [35]), irregularities: new Set() }, new Uint8Array(40));
    expect(bound.noBurstBefore).toEqual({ rises: 1, found: 0 });
    expect(bound.larger.rises + bound.withinBursts.rises).toBe(0);
  });
});

describe('departure', () => {
  it('reads a day against the median of the same weekday in the four weeks before, as a share of it', () => {
    const days: Array<number | null> = Array.from({ length: 29 }, () => 100);
    days[7] = 80;
    days[14] = 120;
    days[28] = 150;
    // Same weekday before day 28: 100 (day 0), 80, 120, 100 (day 21): median 100.
    expect(departure(days, 28)).toBeCloseTo(0.5);
    expect(departure(days, 3)).toBeNull();
  });
});
