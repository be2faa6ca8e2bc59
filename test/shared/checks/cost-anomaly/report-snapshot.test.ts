import { describe, expect, it } from 'vitest';
import {
  type CostObservations,
  evaluateCostAnomalies,
} from '../../../../shared/checks/cost-anomaly/evaluate.js';
import type { CostSeriesEntry } from '../../../../shared/checks/cost-anomaly/report-snapshot.js';
import { addDays } from '../../../../shared/checks/cost-anomaly/slo.js';
import { configSchema } from '../../../../shared/config/schema.js';
import type { CostSeries } from '../../../../shared/core/sources.js';

const DAYS = 60;
const FIRST = '2026-09-21';
const LAST = addDays(FIRST, DAYS - 1);
const wiggle = (i: number) => 1 + 0.03 * Math.sin(i * 2.3);
const series = (key: CostSeries['key'], usd: (i: number) => number): CostSeries => ({
  key,
  days: Array.from({ length: DAYS }, (_, i) => ({ day: addDays(FIRST, i), usd: usd(i), estimated: false })),
});
const metric = (value: (i: number) => number) =>
  Array.from({ length: DAYS }, (_, i) => ({
    timestamp: `${addDays(FIRST, i)}T00:00:00.000Z`,
    value: value(i),
  }));
const config = configSchema.parse({
  version: 1,
  organization: { defaultOwner: { team: 'finops' } },
  workloads: [
    {
      name: 'api',
      owner: { team: 'api-team' },
      costFilter: { accounts: ['111111111111'] },
      demand: { metric: { id: 'api_requests', namespace: 'A', metricName: 'Count' }, unit: 'requests' },
      slos: [
        {
          name: 'api-p99',
          metric: { id: 'api_p99', namespace: 'A', metricName: 'Latency', stat: 'p99' },
          objective: { comparison: '<=', threshold: 0.8 },
        },
      ],
    },
  ],
  anomaly: { minImpactUsd: 10, relativeThreshold: 0.25 },
});

function snapshot(overrides: Partial<CostObservations> = {}) {
  const observations: CostObservations = {
    window: { start: FIRST, end: LAST },
    pairs: [
      series({ accountId: '222222222222', service: 'Amazon EC2' }, (i) => (i >= 58 ? 400 : 100 * wiggle(i))),
      series({ accountId: '222222222222', service: 'Amazon S3' }, (i) => 50 * wiggle(i)),
    ],
    workloads: [series({ workload: 'api' }, (i) => (i >= 57 ? 200 : 100 * wiggle(i)))],
    metrics: new Map([
      ['api_requests', metric((i) => 1000 * wiggle(i + 3))],
      ['api_p99', metric((i) => (i === DAYS - 1 ? 0.9 : 0.4))],
    ]),
    drivers: new Map(),
    ...overrides,
  };
  return evaluateCostAnomalies(observations, {
    config,
    now: new Date('2026-11-20T06:00:00Z'),
    memory: new Map(),
  }).report;
}

describe('cost-anomaly report snapshot', () => {
  it("keeps each workload's days with the expected band, the anomalous days marked, and the anomaly's class", () => {
    const api = snapshot()?.latest.get('series/workload/api') as CostSeriesEntry;
    expect(api.days).toHaveLength(DAYS);
    const [day, actual, expected, lower, upper] = api.days[10] ?? [];
    expect(day).toBe(addDays(FIRST, 10));
    expect(actual).toBeCloseTo(100 * wiggle(10), 1);
    expect(lower).toBeLessThanOrEqual(expected as number);
    expect(upper).toBeGreaterThanOrEqual(expected as number);
    expect(api.days.filter((d) => d[5] === 1).map((d) => d[0])).toEqual(
      [57, 58, 59].map((i) => addDays(FIRST, i)),
    );
    // Unit cost up and p99 breached on the last day: an efficiency regression.
    expect(api.anomaly).toMatchObject({
      class: 'efficiency-regression',
      start: addDays(FIRST, 57),
      dedupkey: 'cost-anomaly:detector:api:efficiency-regression',
    });
    expect(api.owner).toBe('api-team');
  });

  it("keeps a workload's daily unit cost and each SLO's days", () => {
    const api = snapshot()?.latest.get('series/workload/api') as CostSeriesEntry;
    expect(api.unitCost?.unit).toBe('USD per requests');
    expect(api.unitCost?.days[0]).toEqual([
      FIRST,
      Number((((100 / 1000) * wiggle(0)) / wiggle(3)).toPrecision(4)),
    ]);
    const slo = api.slos?.[0];
    expect(slo).toMatchObject({ name: 'api-p99', comparison: '<=', threshold: 0.8 });
    expect(slo?.days.at(-1)).toEqual([LAST, 0.9, 0]);
    expect(slo?.days[0]).toEqual([FIRST, 0.4, 1]);
  });

  it('keeps the unmapped series that have an anomaly, and no quiet one', () => {
    const latest = snapshot()?.latest;
    expect([...(latest?.keys() ?? [])].sort()).toEqual([
      'series/pair/222222222222/Amazon EC2',
      'series/workload/api',
    ]);
    const ec2 = latest?.get('series/pair/222222222222/Amazon EC2') as CostSeriesEntry | undefined;
    expect(ec2?.anomaly?.class).toBe('cost-only');
  });

  it('says nothing when no cost was read, and keeps the entries it could not judge otherwise', () => {
    expect(snapshot({ pairs: null, workloads: null })).toBeUndefined();
    const stale = snapshot({ metrics: new Map() }); // no metric points: the workload is held
    expect(stale?.keep?.('series/workload/api')).toBe(true);
    expect(stale?.complete).toEqual(['series/']);
    expect(snapshot({ pairs: null })?.complete).toBeUndefined();
  });
});
