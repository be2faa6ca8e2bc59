import { describe, expect, it } from 'vitest';
import { dailyTimestamps, labelledSeries, type SeriesShape } from '../../bench/cost-series.js';

const SHAPE: SeriesShape = { days: 120, startDate: '2026-01-01', earliestEvent: 60, latestEvent: 90 };
const mean = (values: ArrayLike<number>, from: number, to: number) => {
  let sum = 0;
  for (let t = from; t < to; t++) sum += values[t] as number;
  return sum / (to - from);
};
/** First labelled series (from 0) whose event has this kind. */
const seriesWith = (kind: string) => {
  for (let i = 0; i < 500; i++) {
    const series = labelledSeries(i, SHAPE, {
      weights: {
        none: 0,
        spike: 0,
        'level-shift': 0,
        drift: 0,
        'new-service': 0,
        'demand-growth': 0,
        holiday: 0,
        [kind]: 1,
      },
    });
    if (series.event?.kind === kind) return series;
  }
  throw new Error(`no ${kind}`);
};

describe('labelledSeries', () => {
  it('gives the same series for the same index', () => {
    expect(labelledSeries(3, SHAPE).cost).toEqual(labelledSeries(3, SHAPE).cost);
  });

  it('keeps costs non-negative and finite, with a weekend dip in demand', () => {
    // Prepare: 2026-01-03 is a Saturday.
    const series = labelledSeries(11, SHAPE, {
      weights: {
        none: 1,
        spike: 0,
        'level-shift': 0,
        drift: 0,
        'new-service': 0,
        'demand-growth': 0,
        holiday: 0,
      },
    });
    // Act
    const weekdays = [0, 1, 4, 5, 6].map((t) => series.demand[t] as number);
    const weekend = [2, 3].map((t) => series.demand[t] as number);
    // Assess
    expect(series.event).toBeNull();
    expect([...series.cost].every((c) => Number.isFinite(c) && c >= 0)).toBe(true);
    expect(Math.max(...weekend)).toBeLessThan(Math.min(...weekdays) * 1.2);
  });

  it('starts events inside the allowed days and labels anomalies apart from benign events', () => {
    for (let i = 0; i < 200; i++) {
      const { event } = labelledSeries(i, SHAPE);
      if (!event) continue;
      expect(event.start).toBeGreaterThanOrEqual(SHAPE.earliestEvent);
      expect(event.start).toBeLessThanOrEqual(SHAPE.latestEvent);
      expect(event.window.from).toBe(event.start);
      expect(event.anomalous).toBe(event.expectedClass === 'waste');
    }
  });

  it('raises cost without demand in a level shift, and with demand in demand growth', () => {
    // Prepare
    const shift = seriesWith('level-shift');
    const growth = seriesWith('demand-growth');
    // Act
    const ratio = (s: typeof shift, values: Float64Array) => {
      const start = s.event?.start ?? 0;
      return mean(values, start + 14, start + 28) / mean(values, start - 28, start);
    };
    // Assess
    expect(ratio(shift, shift.cost)).toBeGreaterThan(1.2);
    expect(ratio(shift, shift.demand)).toBeLessThan(1.15);
    if (growth.event?.detail.startsWith('surge')) return;
    expect(ratio(growth, growth.demand)).toBeGreaterThan(1.3);
    expect(ratio(growth, growth.cost)).toBeGreaterThan(1.2);
  });

  it('keeps a new service at zero cost before it starts', () => {
    const series = seriesWith('new-service');
    const start = series.event?.start ?? 0;
    expect(series.cost.slice(0, start).every((c) => c === 0)).toBe(true);
    expect(series.cost[start]).toBeGreaterThan(0);
  });
});

describe('dailyTimestamps', () => {
  it('lists consecutive UTC dates across a month end', () => {
    expect(dailyTimestamps('2026-01-30', 3)).toEqual(['2026-01-30', '2026-01-31', '2026-02-01']);
  });
});
