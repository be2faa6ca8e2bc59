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
    expect(scope).toMatchObject({ completed: ['costs', 'metrics', 'metrics/api'], failed: [] });
    expect(scope.retired?.('metrics/old-workload')).toBe('workload old-workload was removed from the config');
    expect(scope.retired?.('metrics/api')).toBeUndefined();
  });

  it('holds a workload whose metric has no recent data, instead of judging its SLOs met', async () => {
    const stale: MetricSource = {
      name: 'm',
      dailyMetrics: vi.fn(async () => new Map([['api_requests', requests.slice(0, 20)]])),
    };
    const check = costAnomalyCheck({ costs: fakeCosts([]), metrics: stale });
    const { scope, observations } = await check.collect({ config, now: NOW, log: log() });
    expect(scope.completed).toEqual(['costs', 'metrics']);
    expect(scope.failed).toEqual([
      {
        scope: 'metrics/api',
        reason:
          'no data in the last 3 days for api_requests, so api cannot be judged against demand and SLOs',
        errorName: 'NoMetricData',
      },
    ]);
    const { findings } = check.evaluate(observations, { config, now: NOW, memory: new Map() });
    expect(findings.filter((f) => f.identity[0] === 'api')).toEqual([]);
  });

  it('completes neither scope when the costs cannot be read, so no open finding resolves', async () => {
    const costs = fakeCosts([], {
      dailyCostByAccountAndService: vi.fn(async () => Promise.reject(new Error('throttled'))),
    });
    const check = costAnomalyCheck({ costs, metrics });
    const { scope, observations } = await check.collect({ config, now: NOW, log: log() });
    expect(scope.completed).toEqual([]);
    expect(scope.failed).toEqual([{ scope: 'costs', reason: 'throttled', errorName: 'Error' }]);
    expect(check.evaluate(observations, { config, now: NOW, memory: new Map() }).findings).toEqual([]);
  });

  it('fails the metrics scope when metrics fail, holding workload findings, and still judges unmapped spend', async () => {
    const failing: MetricSource = {
      name: 'm',
      dailyMetrics: vi.fn(async () => Promise.reject(new Error('AccessDenied'))),
    };
    const check = costAnomalyCheck({ costs: fakeCosts(unmapped(1)), metrics: failing });
    const { scope, observations } = await check.collect({ config, now: NOW, log: log() });
    expect(scope.completed).toEqual(['costs']);
    expect(scope.failed[0]).toMatchObject({ scope: 'metrics' });
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
