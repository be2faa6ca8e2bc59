import { describe, expect, it } from 'vitest';
import { blindSeries, blindSeriesAt, FIRST_INCIDENT_DAY } from '../../bench/anomaly-blind-series.js';

const DAY_MS = 86_400_000;

describe('blindSeries', () => {
  const series = blindSeries(7, 150);

  it('draws the same series for the same seed and index, whatever the count', () => {
    expect(blindSeriesAt(7, 42).rows).toEqual(series[42]?.rows);
  });

  it('places incidents after the warm-up, inside the series, in order', () => {
    for (const s of series) {
      for (const i of s.incidents) {
        expect(i.start).toBeGreaterThanOrEqual(FIRST_INCIDENT_DAY);
        expect(i.end).toBeGreaterThanOrEqual(i.start);
        expect(i.end).toBeLessThan(s.days);
      }
    }
    expect(series.some((s) => s.incidents.length > 0)).toBe(true);
  });

  it('exports rows on calendar days of the series, non-negative, with absent days only where tagged', () => {
    for (const s of series) {
      const days = new Set<number>();
      for (const row of s.rows) {
        const d = (Date.parse(`${row.timestamp}T00:00:00Z`) - s.startMs) / DAY_MS;
        expect(Number.isInteger(d) && d >= 0 && d < s.days).toBe(true);
        expect(row.value).toBeGreaterThanOrEqual(0);
        days.add(d);
      }
      expect(days.size < s.days).toBe(s.irregularities.includes('missing-days'));
    }
  });
});
