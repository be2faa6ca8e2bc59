import { describe, expect, it } from 'vitest';
import {
  costExplorerCallsPerDay,
  exampleUsage,
  fanOutRun,
  gbSeconds,
  monthlyCost,
  ORG_ASSUMPTIONS,
  organizationUsage,
  PRICES,
} from '../../infra/cost-estimate.js';

describe('gbSeconds', () => {
  it('multiplies invocations, seconds and GB', () => {
    expect(gbSeconds({ name: 'f', invocationsPerMonth: 100, avgDurationMs: 2_000, memoryMb: 512 })).toBe(100);
  });
});

describe('monthlyCost', () => {
  it('charges Scheduler only above the 14M free invocations', () => {
    const usage = { ...exampleUsage(), schedulerInvocations: 15e6 };
    const line = monthlyCost(usage).lines.find((l) => l.item === 'EventBridge Scheduler');
    expect(line?.usdPerMonth).toBe(1);
    const free = monthlyCost(exampleUsage()).lines.find((l) => l.item === 'EventBridge Scheduler');
    expect(free?.usdPerMonth).toBe(0);
  });

  it('charges $0.01 per Cost Explorer request over a 30-day month', () => {
    const usage = { ...exampleUsage(), costExplorerCallsPerDay: 10 };
    expect(monthlyCost(usage).lines.find((l) => l.item === 'Cost Explorer API')?.usdPerMonth).toBe(3);
  });

  it('totals the lines, with $1 per KMS key and $3 per dashboard', () => {
    const estimate = monthlyCost(exampleUsage());
    const sum = estimate.lines.reduce((s, l) => s + l.usdPerMonth, 0);
    expect(estimate.totalUsdPerMonth).toBeCloseTo(sum, 1);
    expect(estimate.lines.find((l) => l.item === 'KMS keys')?.usdPerMonth).toBe(2 * PRICES.kmsKeyMonth);
    expect(estimate.lines.find((l) => l.item === 'CloudWatch dashboards')?.usdPerMonth).toBe(6);
  });

  it('prices the example deployment at a few tens of dollars a month', () => {
    const total = monthlyCost(exampleUsage()).totalUsdPerMonth;
    expect(total).toBeGreaterThan(10);
    expect(total).toBeLessThan(60);
  });
});

describe('costExplorerCallsPerDay', () => {
  it('counts series pages, workload queries, drivers, GetAnomalies and one call per tag key page', () => {
    expect(
      costExplorerCallsPerDay({
        seriesPages: 2,
        workloadQueries: 1,
        driverLookups: 3,
        getAnomalies: 1,
        requiredTagKeys: 3,
        tagSpendPagesPerKey: 2,
      }),
    ).toBe(13);
  });
});

describe('fanOutRun', () => {
  it('batches 2,000 accounts into 400 batches run in 10 waves of 40', () => {
    const run = fanOutRun({ accounts: 2_000, ...ORG_ASSUMPTIONS });
    expect(run).toMatchObject({ items: 2_000, batches: 400, waves: 10 });
    // 5 accounts × 2 regions = 10 scopes, 8 at a time: 2 rounds of 20 pages × 100 ms, plus 2 s overhead.
    expect(run.batchMs).toBe(6_000);
    expect(run.wallTimeMs).toBe(10 * 6_000 + ORG_ASSUMPTIONS.aggregateMs);
    expect(run.stateTransitions).toBe(5 + 400 * 3);
  });

  it('rounds a partial batch and a partial wave up', () => {
    const run = fanOutRun({ accounts: 51, ...ORG_ASSUMPTIONS, maxConcurrency: 4 });
    expect(run).toMatchObject({ batches: 11, waves: 3 });
  });
});

describe('organizationUsage', () => {
  it('adds the fan-out workers, transitions and S3 traffic of daily runs', () => {
    const { usage, run } = organizationUsage(2_000);
    expect(usage.functions.map((f) => f.name)).toContain('scan-account');
    expect(usage.stateTransitions).toBe(run.stateTransitions * 30);
    expect(usage.costExplorerCallsPerDay).toBeGreaterThan(exampleUsage().costExplorerCallsPerDay);
    expect(monthlyCost(usage).totalUsdPerMonth).toBeGreaterThan(monthlyCost(exampleUsage()).totalUsdPerMonth);
  });
});
