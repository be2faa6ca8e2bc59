import { describe, expect, it, vi } from 'vitest';
import { costAnomalyCheck, MAX_DRIVER_LOOKUPS } from '../../../../shared/checks/cost-anomaly/check.js';
import { addDays } from '../../../../shared/checks/cost-anomaly/slo.js';
import { configSchema } from '../../../../shared/config/schema.js';
import type { CostSeries, CostSource, MetricSource } from '../../../../shared/core/sources.js';

const NOW = new Date('2026-11-20T06:00:00Z');
const config = configSchema.parse({
  version: 1,
  workloads: [
    {
      name: 'api',
      costFilter: { accounts: ['111111111111'] },
      demand: { metric: { id: 'api_requests', namespace: 'A', metricName: 'Count' } },
      slos: [],
    },
  ],
  anomaly: { lookbackDays: 30, minImpactUsd: 10 },
});
const log = () => ({ info: vi.fn(), warn: vi.fn() });

function series(key: CostSeries['key'], spike: boolean): CostSeries {
  return {
    key,
    days: Array.from({ length: 30 }, (_, i) => ({
      day: addDays('2026-10-21', i),
      usd: spike && i >= 28 ? 500 : 100 + (i % 3),
      estimated: false,
    })),
  };
}

function fakeCosts(pairs: CostSeries[], overrides: Partial<CostSource> = {}): CostSource {
  return {
    name: 'fake',
    dailyCostByAccountAndService: vi.fn(async () => pairs),
    dailyCostByWorkload: vi.fn(async ({ workloads }: { workloads: ReadonlyArray<{ name: string }> }) =>
      workloads.map((w) => series({ workload: w.name }, true)),
    ),
    drivers: vi.fn(async () => [
      { usageType: 'BoxUsage', region: 'us-east-1', baselineUsdPerDay: 10, currentUsdPerDay: 400 },
    ]),
    ...overrides,
  };
}
const requests = Array.from({ length: 30 }, (_, i) => ({
  timestamp: `${addDays('2026-10-21', i)}T00:00:00.000Z`,
  value: 1000,
}));
const metrics: MetricSource = {
  name: 'm',
  dailyMetrics: vi.fn(async () => new Map([['api_requests', requests]])),
};
const unmapped = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    series({ accountId: `2222222222${String(i).padStart(2, '0')}`, service: 'EC2' }, true),
  );

describe('costAnomalyCheck.collect', () => {
  it('reads lookbackDays complete days ending at the start of today, and completes costs and metrics', async () => {
    const costs = fakeCosts([]);
    const check = costAnomalyCheck({ costs, metrics });
    const { scope, observations } = await check.collect({ config, now: NOW, log: log() });
    expect(costs.dailyCostByAccountAndService).toHaveBeenCalledWith({
      start: new Date('2026-10-21T00:00:00Z'),
      end: new Date('2026-11-20T00:00:00Z'),
    });
    expect(observations.window).toEqual({ start: '2026-10-21', end: '2026-11-19' });
    expect(scope).toMatchObject({
      completed: ['metrics', 'costs', 'workload/api', 'metrics/api'],
      failed: [],
    });
    expect(scope.retired?.('workload/old-workload')).toBe(
      'workload old-workload was removed from the config',
    );
    expect(scope.retired?.('metrics/old-workload')).toBe('workload old-workload was removed from the config');
    expect(scope.retired?.('workload/api')).toBeUndefined();
    expect(scope.retired?.('costs/111111111111/EC2')).toBeUndefined();
  });

  it('holds a workload whose demand metric has no data on the days its verdict needs, instead of guessing its class', async () => {
    const stale: MetricSource = {
      name: 'm',
      dailyMetrics: vi.fn(async () => new Map([['api_requests', requests.slice(0, 20)]])),
    };
    const check = costAnomalyCheck({ costs: fakeCosts([]), metrics: stale });
    const { scope, observations } = await check.collect({ config, now: NOW, log: log() });
    expect(scope.completed).toEqual(['metrics', 'costs']);
    expect(scope.failed).toEqual([
      {
        scope: 'workload/api',
        reason:
          'its cost anomaly since 2026-11-18 could be waste or demand-growth: demand metric api_requests has no data on 2026-11-10..2026-11-19',
        errorName: 'IncompleteData',
      },
    ]);
    const { findings } = check.evaluate(observations, { config, now: NOW, memory: new Map() });
    expect(findings.filter((f) => f.identity[0] === 'api')).toEqual([]);
  });

  it('judges freshness over the days that matter: a metric silent for weeks does not hold a workload with no anomaly', async () => {
    const stale: MetricSource = {
      name: 'm',
      dailyMetrics: vi.fn(async () => new Map([['api_requests', requests.slice(0, 10)]])),
    };
    const quiet = fakeCosts([], {
      dailyCostByWorkload: vi.fn(async () => [series({ workload: 'api' }, false)]),
    });
    const { scope } = await costAnomalyCheck({ costs: quiet, metrics: stale }).collect({
      config,
      now: NOW,
      log: log(),
    });
    expect(scope.failed).toEqual([]);
    expect(scope.completed).toContain('workload/api');
  });

  it('judges freshness over the days that matter: points on the last days do not stand in for a gap on an anomalous day', async () => {
    const holed: MetricSource = {
      name: 'm',
      dailyMetrics: vi.fn(
        async () =>
          new Map([['api_requests', requests.filter((p) => !p.timestamp.startsWith('2026-11-18'))]]),
      ),
    };
    const check = costAnomalyCheck({ costs: fakeCosts([]), metrics: holed });
    const { scope } = await check.collect({ config, now: NOW, log: log() });
    expect(scope.failed.map((f) => f.scope)).toEqual(['workload/api']);
    expect(scope.failed[0]?.reason).toMatch(/api_requests has no data on 2026-11-18$/);
  });

  it('completes neither scope when the costs cannot be read, so no open finding resolves', async () => {
    const costs = fakeCosts([], {
      dailyCostByAccountAndService: vi.fn(async () => Promise.reject(new Error('throttled'))),
    });
    const check = costAnomalyCheck({ costs, metrics });
    const { scope, observations } = await check.collect({ config, now: NOW, log: log() });
    expect(scope.completed).toEqual(['metrics']);
    expect(scope.failed).toEqual([
      { scope: 'costs', reason: 'throttled', errorName: 'Error', holds: expect.any(Function) },
    ]);
    expect(check.evaluate(observations, { config, now: NOW, memory: new Map() }).findings).toEqual([]);
  });

  it('fails the metrics scope when metrics fail, holding workload findings, and still judges unmapped spend', async () => {
    const failing: MetricSource = {
      name: 'm',
      dailyMetrics: vi.fn(async () => Promise.reject(new Error('AccessDenied'))),
    };
    const check = costAnomalyCheck({ costs: fakeCosts(unmapped(1)), metrics: failing });
    const { scope, observations } = await check.collect({ config, now: NOW, log: log() });
    expect(scope.completed).toEqual(['costs/222222222200/EC2', 'costs/222222222200', 'costs']);
    expect(scope.failed[0]).toMatchObject({ scope: 'metrics' });
    expect(scope.failed[1]).toMatchObject({ scope: 'workload/api' });
    expect(scope.failed[0]?.reason).toMatch(/cannot be classified: AccessDenied/);
    const { findings } = check.evaluate(observations, { config, now: NOW, memory: new Map() });
    expect(findings.map((f) => f.identity.at(-1))).toEqual(['cost-only']);
  });

  it('asks for drivers of anomalous series only, and at most MAX_DRIVER_LOOKUPS times', async () => {
    const quiet = series({ accountId: '333333333333', service: 'S3' }, false);
    const costs = fakeCosts([...unmapped(MAX_DRIVER_LOOKUPS + 5), quiet]);
    const l = log();
    const check = costAnomalyCheck({ costs, metrics });
    const { observations } = await check.collect({ config, now: NOW, log: l });
    expect(costs.drivers).toHaveBeenCalledTimes(MAX_DRIVER_LOOKUPS);
    expect(costs.drivers).not.toHaveBeenCalledWith(expect.objectContaining({ accountId: '333333333333' }));
    expect(l.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        new RegExp(`${MAX_DRIVER_LOOKUPS + 5} driver lookups needed, ${MAX_DRIVER_LOOKUPS} made`),
      ),
    );
    expect(observations.drivers.size).toBe(MAX_DRIVER_LOOKUPS);
  });

  it('logs a failed driver lookup and still raises the finding, without drivers', async () => {
    const costs = fakeCosts(unmapped(1), { drivers: vi.fn(async () => Promise.reject(new Error('boom'))) });
    const l = log();
    const check = costAnomalyCheck({ costs, metrics });
    const { observations, scope } = await check.collect({ config, now: NOW, log: l });
    expect(scope.failed).toEqual([]);
    expect(l.warn).toHaveBeenCalledWith(expect.stringMatching(/drivers of .* unavailable/), {
      error: 'boom',
    });
    const { findings } = check.evaluate(observations, { config, now: NOW, memory: new Map() });
    expect(findings[0]?.evidence).toMatchObject({ drivers: [] });
  });

  it('completes aws-signals when anomalies and budgets were read, and fails it otherwise', async () => {
    const signals = { name: 's', anomalies: vi.fn(async () => []), budgets: vi.fn(async () => []) };
    const ok = await costAnomalyCheck({ costs: fakeCosts([]), metrics, signals }).collect({
      config,
      now: NOW,
      log: log(),
    });
    expect(ok.scope.completed).toContain('aws-signals');
    expect(signals.anomalies).toHaveBeenCalledWith({ start: new Date('2026-10-21T00:00:00Z'), end: NOW });
    const broken = { ...signals, budgets: vi.fn(async () => Promise.reject(new Error('denied'))) };
    const bad = await costAnomalyCheck({ costs: fakeCosts([]), metrics, signals: broken }).collect({
      config,
      now: NOW,
      log: log(),
    });
    expect(bad.scope.completed).not.toContain('aws-signals');
    expect(bad.scope.failed).toEqual([{ scope: 'aws-signals', reason: 'denied', errorName: 'Error' }]);
  });
});
