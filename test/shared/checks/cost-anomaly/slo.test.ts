import { describe, expect, it } from 'vitest';
import {
  addDays,
  meetsObjective,
  type SloConfig,
  sloStatus,
  sloWindowFor,
} from '../../../../shared/checks/cost-anomaly/slo.js';

const latency: SloConfig = {
  name: 'p99',
  kind: 'latency',
  metric: { id: 'p99', namespace: 'A', metricName: 'L', dimensions: {}, stat: 'p99', period: 86_400 },
  objective: { comparison: '<=', threshold: 0.8 },
  target: 0.9,
};
const day = (d: string, value: number) => ({ timestamp: `${d}T00:00:00.000Z`, value });
const window = { start: '2026-11-10', end: '2026-11-19' };

describe('meetsObjective', () => {
  it('compares with the threshold in the configured direction, the threshold itself meeting it', () => {
    expect(meetsObjective(0.8, { comparison: '<=', threshold: 0.8 })).toBe(true);
    expect(meetsObjective(0.81, { comparison: '<=', threshold: 0.8 })).toBe(false);
    expect(meetsObjective(0.999, { comparison: '>=', threshold: 0.999 })).toBe(true);
    expect(meetsObjective(0.99, { comparison: '>=', threshold: 0.999 })).toBe(false);
  });
});

describe('sloStatus', () => {
  it('is met when the bad days stay within the error budget', () => {
    const points = Array.from({ length: 10 }, (_, i) => day(addDays('2026-11-10', i), i === 3 ? 0.9 : 0.5));
    const status = sloStatus(latency, points, window);
    expect(status).toMatchObject({ state: 'met', observedDays: 10, badDays: 1, firstBadDay: '2026-11-13' });
    expect(status.burnRate).toBeCloseTo(1);
  });

  it('is breached when the budget burns faster than it accrues', () => {
    const points = Array.from({ length: 10 }, (_, i) => day(addDays('2026-11-10', i), i >= 8 ? 0.95 : 0.5));
    const status = sloStatus(latency, points, window);
    expect(status).toMatchObject({
      state: 'breached',
      badDays: 2,
      lastBadDay: '2026-11-19',
      worstValue: 0.95,
    });
    expect(status.burnRate).toBeCloseTo(2);
  });

  it('ignores days outside the window', () => {
    const status = sloStatus(latency, [day('2026-11-01', 5), day('2026-11-12', 0.4)], window);
    expect(status).toMatchObject({ state: 'met', observedDays: 1, badDays: 0 });
  });

  it('says no-data rather than met when the metric is silent', () => {
    expect(sloStatus(latency, [], window)).toMatchObject({
      state: 'no-data',
      burnRate: null,
      observedDays: 0,
    });
  });

  it('counts a day with several points as bad if any point misses', () => {
    const points = [day('2026-11-12', 0.4), { timestamp: '2026-11-12T12:00:00.000Z', value: 0.9 }];
    expect(sloStatus(latency, points, window)).toMatchObject({ observedDays: 1, badDays: 1 });
  });
});

describe('sloWindowFor', () => {
  it('runs from the first anomalous day to followDays after the last, capped at the last day observed', () => {
    expect(sloWindowFor({ start: '2026-11-10', end: '2026-11-12' }, 3, '2026-11-19')).toEqual({
      start: '2026-11-10',
      end: '2026-11-15',
    });
    expect(sloWindowFor({ start: '2026-11-10', end: '2026-11-18' }, 3, '2026-11-19')).toEqual({
      start: '2026-11-10',
      end: '2026-11-19',
    });
  });
});
