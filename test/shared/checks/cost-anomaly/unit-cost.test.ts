import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../../shared/checks/cost-anomaly/slo.js';
import { unitCostChange, unitCostTolerance } from '../../../../shared/checks/cost-anomaly/unit-cost.js';

const days = (from: string, n: number) => Array.from({ length: n }, (_, i) => addDays(from, i));
const before = days('2026-10-20', 28);
const after = days('2026-11-17', 3);
const every = [...before, ...after];
const mapOf = (value: (day: string) => number) => new Map(every.map((d) => [d, value(d)]));
const isAfter = (d: string) => d >= '2026-11-17';

describe('unitCostChange', () => {
  it('sees unit cost up when cost doubles on flat demand, and normal when demand doubles with it', () => {
    const cost = mapOf((d) => (isAfter(d) ? 200 : 100));
    const flat = unitCostChange({ cost, demand: mapOf(() => 1000), before, after, tolerance: 0.125 });
    expect(flat).toMatchObject({ trend: 'up', ratio: 2, missingDemandDays: [] });
    const grown = unitCostChange({
      cost,
      demand: mapOf((d) => (isAfter(d) ? 2000 : 1000)),
      before,
      after,
      tolerance: 0.125,
    });
    expect(grown.trend).toBe('normal');
  });

  it('is unknown, not rising, when the demand metric has no point on a day compared', () => {
    const cost = mapOf((d) => (isAfter(d) ? 200 : 100));
    const demand = mapOf((d) => (isAfter(d) ? 2000 : 1000));
    demand.delete('2026-11-18');
    const change = unitCostChange({ cost, demand, before, after, tolerance: 0.125 });
    expect(change).toMatchObject({ trend: 'unknown', ratio: null, missingDemandDays: ['2026-11-18'] });
  });

  it('is unknown without a demand series at all', () => {
    const change = unitCostChange({ cost: mapOf(() => 1), demand: undefined, before, after, tolerance: 0.1 });
    expect(change.trend).toBe('unknown');
  });

  it('never turns one computed trend into another when demand points are removed: it stays or becomes unknown', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), {
          minLength: every.length,
          maxLength: every.length,
        }),
        fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), {
          minLength: every.length,
          maxLength: every.length,
        }),
        fc.uniqueArray(fc.integer({ min: 0, max: every.length - 1 }), { maxLength: 6 }),
        (costs, demands, removed) => {
          const cost = new Map(every.map((d, i) => [d, costs[i] as number]));
          const demand = new Map(every.map((d, i) => [d, demands[i] as number]));
          const tolerance = unitCostTolerance(0.25);
          const complete = unitCostChange({ cost, demand, before, after, tolerance }).trend;
          for (const i of removed) demand.delete(every[i] as string);
          const partial = unitCostChange({ cost, demand, before, after, tolerance }).trend;
          expect([complete, 'unknown']).toContain(partial);
          if (removed.length > 0) expect(partial).toBe('unknown');
        },
      ),
    );
  });
});
