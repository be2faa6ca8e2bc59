import fc from 'fast-check';
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
    const points = [
      day('2026-11-01', 5),
      ...Array.from({ length: 10 }, (_, i) => day(addDays('2026-11-10', i), 0.4)),
    ];
    const status = sloStatus(latency, points, window);
    expect(status).toMatchObject({ state: 'met', observedDays: 10, badDays: 0, unknownDays: [] });
  });

  it('says unknown rather than met when the metric is silent', () => {
    expect(sloStatus(latency, [], window)).toMatchObject({
      state: 'unknown',
      burnRate: null,
      observedDays: 0,
    });
  });

  it('reads an SLO day with no data as unknown, not met, when those days could breach it', () => {
    // Good days around a silent stretch: the silent days could hold the breach.
    const points = ['2026-11-10', '2026-11-11', '2026-11-18', '2026-11-19'].map((d) => day(d, 0.4));
    const status = sloStatus(latency, points, window);
    expect(status.state).toBe('unknown');
    expect(status.unknownDays).toEqual([
      '2026-11-12',
      '2026-11-13',
      '2026-11-14',
      '2026-11-15',
      '2026-11-16',
      '2026-11-17',
    ]);
    expect(status.burnRate).toBe(0);
  });

  it('is breached despite days without data when the observed bad days alone overspend the budget', () => {
    const points = [day('2026-11-10', 0.95), day('2026-11-11', 0.95), day('2026-11-12', 0.4)];
    expect(sloStatus(latency, points, window)).toMatchObject({ state: 'breached', badDays: 2 });
  });

  it('is met despite a day without data when even a bad one there would stay within the budget', () => {
    const points = Array.from({ length: 9 }, (_, i) => day(addDays('2026-11-10', i), 0.4));
    expect(sloStatus(latency, points, window)).toMatchObject({ state: 'met', unknownDays: ['2026-11-19'] });
  });

  it('counts a day with several points as bad if any point misses', () => {
    const points = [day('2026-11-12', 0.4), { timestamp: '2026-11-12T12:00:00.000Z', value: 0.9 }];
    expect(sloStatus(latency, points, window)).toMatchObject({ observedDays: 1, badDays: 1 });
  });
});

describe('sloStatus under missing data', () => {
  it('never flips met to breached or back when points are removed: the state stays or becomes unknown', () => {
    const windowDays = Array.from({ length: 10 }, (_, i) => addDays(window.start, i));
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: 10, maxLength: 10 }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { maxLength: 10 }),
        (values, target, removed) => {
          const slo = { ...latency, target };
          const points = windowDays.map((d, i) => day(d, values[i] as number));
          const complete = sloStatus(slo, points, window).state;
          const partial = sloStatus(
            slo,
            points.filter((_, i) => !removed.includes(i)),
            window,
          ).state;
          expect(complete).not.toBe('unknown');
          expect([complete, 'unknown']).toContain(partial);
        },
      ),
    );
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
