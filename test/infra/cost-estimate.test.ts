import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  COST_ASSUMPTIONS,
  costExplorerCallsPerDay,
  type FanOutInput,
  fanOutRun,
  gbSeconds,
  invocationsPerMonth,
  monthlyCost,
  PRICES,
  usageFromConfig,
} from '../../infra/cost-estimate.js';
import { MAX_DRIVER_LOOKUPS } from '../../shared/checks/cost-anomaly/check.js';
import { loadConfig } from '../../shared/config/loader.js';
import {
  configSchema,
  type GuardrailsConfig,
  type GuardrailsConfigInput,
} from '../../shared/config/schema.js';

const example = loadConfig(
  fileURLToPath(new URL('../../examples/demo-org/guardrails.config.yaml', import.meta.url)),
);
const exampleUsage = () => usageFromConfig(example, { accounts: 6 });
/** The example config with some sections replaced. */
const exampleWith = (patch: Partial<GuardrailsConfigInput>): GuardrailsConfig =>
  configSchema.parse({ ...example, ...patch });
const line = (usage: ReturnType<typeof exampleUsage>, item: string) =>
  monthlyCost(usage).lines.find((l) => l.item === item);

const ORG_RUN: Omit<FanOutInput, 'accounts'> = {
  regions: 2,
  pagesPerAccountRegion: 20,
  pageMs: 100,
  itemsPerBatch: 5,
  maxConcurrency: 40,
  scanConcurrency: 8,
  batchOverheadMs: 2_000,
  aggregateMs: 90_000,
};

describe('gbSeconds', () => {
  it('multiplies invocations, seconds and GB', () => {
    expect(gbSeconds({ name: 'f', invocationsPerMonth: 100, avgDurationMs: 2_000, memoryMb: 512 })).toBe(100);
  });
});

describe('monthlyCost', () => {
  it('charges Scheduler only above the 14M free invocations', () => {
    // Prepare
    const usage = { ...exampleUsage(), schedulerInvocations: 15e6 };
    // Act / Assess
    expect(line(usage, 'EventBridge Scheduler')?.usdPerMonth).toBe(1);
    expect(line(exampleUsage(), 'EventBridge Scheduler')?.usdPerMonth).toBe(0);
  });

  it('charges $0.01 per Cost Explorer request over a 30-day month', () => {
    const usage = { ...exampleUsage(), costExplorerCallsPerDay: 10 };
    expect(line(usage, 'Cost Explorer API')?.usdPerMonth).toBe(3);
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
    const run = fanOutRun({ accounts: 2_000, ...ORG_RUN });
    expect(run).toMatchObject({ items: 2_000, batches: 400, waves: 10 });
    // 5 accounts × 2 regions = 10 scopes, 8 at a time: 2 rounds of 20 pages × 100 ms, plus 2 s overhead.
    expect(run.batchMs).toBe(6_000);
    expect(run.wallTimeMs).toBe(10 * 6_000 + ORG_RUN.aggregateMs);
    expect(run.stateTransitions).toBe(5 + 400 * 3);
  });

  it('rounds a partial batch and a partial wave up', () => {
    const run = fanOutRun({ accounts: 51, ...ORG_RUN, maxConcurrency: 4 });
    expect(run).toMatchObject({ batches: 11, waves: 3 });
  });
});

describe('invocationsPerMonth', () => {
  it('divides the month by a rate: every minute 43,200, every 5 minutes 8,640, daily 30', () => {
    expect(invocationsPerMonth('rate(1 minute)')).toBe(43_200);
    expect(invocationsPerMonth('rate(5 minutes)')).toBe(8_640);
    expect(invocationsPerMonth('rate(2 hours)')).toBe(360);
    expect(invocationsPerMonth('rate(1 day)')).toBe(30);
  });

  it('fires a cron with fixed minute and hour daily', () => {
    expect(invocationsPerMonth('cron(0 6 * * ? *)')).toBe(30);
  });

  it('multiplies minute lists, hour ranges and steps, and weekdays at 30/7 weeks a month', () => {
    // 4 quarter-hours × 10 hours × 5 weekdays × 30/7 weeks.
    expect(invocationsPerMonth('cron(0/15 8-17 ? * MON-FRI *)')).toBeCloseTo((4 * 10 * 5 * 30) / 7, 6);
    expect(invocationsPerMonth('cron(0,30 6 * * ? *)')).toBe(60);
  });

  it('counts days of the month, months of the year, and L or # once a month', () => {
    expect(invocationsPerMonth('cron(0 6 1,15 * ? *)')).toBe(2);
    expect(invocationsPerMonth('cron(0 6 1 JAN-JUN ? *)')).toBe(0.5);
    expect(invocationsPerMonth('cron(0 6 L * ? *)')).toBe(1);
    expect(invocationsPerMonth('cron(0 6 ? * 2#1 *)')).toBeCloseTo(1, 9);
  });

  it('rejects what it cannot read', () => {
    expect(() => invocationsPerMonth('cron(0 6 * *)')).toThrow(/6 fields/);
    expect(() => invocationsPerMonth('cron(0 25 * * ? *)')).toThrow(/25 is not in 0-23/);
  });
});

describe('usageFromConfig', () => {
  it("counts the example's Cost Explorer calls: 1 series + 0 workload queries + drivers + GetAnomalies + 3 tag keys + 7 resource-cost queries", () => {
    // Act
    const usage = exampleUsage();
    // Assess: checkout, search-api and nightly-etl are filtered by account only, summed from the series.
    expect(usage.costExplorer).toMatchObject({
      seriesPages: 1,
      workloadQueries: 0,
      getAnomalies: 1,
      requiredTagKeys: 3,
      tagSpendPagesPerKey: 1,
    });
    // …and the cost policy's seven resource-level cost queries (one per service).
    expect(usage.costExplorerCallsPerDay).toBe(1 + 0 + usage.costExplorer.driverLookups + 1 + 3 + 7);
    expect(usage.costExplorer.driverLookups).toBe(COST_ASSUMPTIONS.driverLookupsBase);
  });

  it('adds one call per workload that needs its own query, and one per tag key shared by tag-only workloads', () => {
    // Prepare
    const tagged = (name: string, filter: Record<string, unknown>) => ({ name, costFilter: filter });
    const withTagFiltered = exampleWith({
      workloads: [...example.workloads, tagged('ml', { tags: { project: ['ml'] } })],
    });
    const withMore = exampleWith({
      workloads: [
        ...example.workloads,
        tagged('ml', { tags: { project: ['ml'] } }),
        tagged('web', { tags: { project: ['web'] } }),
        tagged('mixed', { accounts: ['123456789012'], tags: { env: ['prod'] } }),
      ],
    });
    // Act
    const base = exampleUsage().costExplorerCallsPerDay;
    // Assess
    expect(usageFromConfig(withTagFiltered, { accounts: 6 }).costExplorerCallsPerDay).toBe(base + 1);
    // ml and web share the project key: one query; mixed needs its own.
    expect(usageFromConfig(withMore, { accounts: 6 }).costExplorerCallsPerDay).toBe(base + 2);
  });

  it('drops GetAnomalies and the tag-key queries when the config turns them off', () => {
    const config = exampleWith({
      anomaly: { ...example.anomaly, useAwsAnomalies: false },
      ...(example.tagPolicy && { tagPolicy: { ...example.tagPolicy, useCostExplorerTags: false } }),
    });
    const usage = usageFromConfig(config, { accounts: 6 });
    expect(usage.costExplorerCallsPerDay).toBe(exampleUsage().costExplorerCallsPerDay - 1 - 3);
  });

  it('pages the series with the organization and caps the driver lookups at MAX_DRIVER_LOOKUPS', () => {
    const usage = usageFromConfig(example, { accounts: 2_000 });
    expect(usage.costExplorer.seriesPages).toBe(2 * COST_ASSUMPTIONS.seriesPagesPer1000Accounts);
    expect(usage.costExplorer.driverLookups).toBe(MAX_DRIVER_LOOKUPS);
    expect(usage.costExplorer.tagSpendPagesPerKey).toBe(2);
  });

  it('invokes a rate(5 minutes) probe 8,640 times a month, and schedules every check', () => {
    // Prepare
    const config = exampleWith({ schedules: { ...example.schedules, probe: 'rate(5 minutes)' } });
    // Act
    const usage = usageFromConfig(config, { accounts: 6 });
    // Assess
    expect(usage.functions.find((f) => f.name === 'probe')?.invocationsPerMonth).toBe(8_640);
    expect(usage.schedulerInvocations).toBe(8_640 + 30 + 30 + 30); // probe, tags, costs, cost policy
  });

  it('runs several probe rounds per invocation for a sub-minute intervalSeconds', () => {
    const config = exampleWith({
      probes: [
        ...example.probes,
        { name: 'api', url: 'https://api.example.com/health', intervalSeconds: 20 },
      ],
    });
    const usage = usageFromConfig(config, { accounts: 6 });
    expect(usage.probeRoundsPerInvocation).toBe(3);
    // Two rounds waited for, plus the last one.
    expect(usage.functions.find((f) => f.name === 'probe')?.avgDurationMs).toBe(40_000 + 1_000);
    expect(usage.customMetrics).toBe(exampleUsage().customMetrics + 2);
  });

  it('fans out only above fanOutAboveAccounts', () => {
    // Act
    const below = usageFromConfig(example, { accounts: 50 });
    const above = usageFromConfig(example, { accounts: 51 });
    // Assess
    expect(below.fanOut).toBeUndefined();
    expect(below.stateTransitions).toBe(0);
    expect(below.functions.map((f) => f.name)).not.toContain('scan-account');
    expect(above.fanOut).toMatchObject({ items: 51, batches: 11, waves: 1 });
    expect(above.functions.map((f) => f.name)).toContain('scan-account');
    expect(above.stateTransitions).toBe((above.fanOut?.stateTransitions ?? 0) * 30);
  });

  it('never fans out a fixed account list at or below the threshold, nor without a tag policy', () => {
    const fixed = exampleWith({ organization: { ...example.organization, accounts: ['111111111111'] } });
    const { tagPolicy: _, ...withoutPolicy } = example;
    expect(usageFromConfig(fixed, { accounts: 2_000 }).fanOut).toBeUndefined();
    const none = usageFromConfig(configSchema.parse(withoutPolicy), { accounts: 2_000 });
    expect(none.fanOut).toBeUndefined();
    expect(none.functions.map((f) => f.name)).not.toContain('tag-coverage');
    expect(none.costExplorer.requiredTagKeys).toBe(0);
  });

  it('estimates 2,000 accounts: 400 batches in 10 waves, at a higher bill than the example', () => {
    const usage = usageFromConfig(example, { accounts: 2_000 });
    expect(usage.fanOut).toMatchObject({ items: 2_000, batches: 400, waves: 10, batchMs: 6_000 });
    expect(monthlyCost(usage).totalUsdPerMonth).toBeGreaterThan(monthlyCost(exampleUsage()).totalUsdPerMonth);
  });

  it('adds the forwarder, its queue polling and its alarm when a sink is forwarded', () => {
    // Prepare
    const config = exampleWith({
      sinks: {
        ...example.sinks,
        pagerduty: { routingKeySecretArn: 'arn:aws:secretsmanager:us-east-1:100000000002:secret:pd' },
      },
    });
    // Act
    const usage = usageFromConfig(config, { accounts: 6 });
    // Assess
    expect(exampleUsage().forwarder).toBe(false);
    expect(usage.forwarder).toBe(true);
    expect(usage.functions.map((f) => f.name)).toContain('forwarder');
    expect(usage.alarmMetrics).toBe(exampleUsage().alarmMetrics + 1);
    expect(usage.sqsRequests).toBeGreaterThan(
      exampleUsage().sqsRequests + COST_ASSUMPTIONS.forwarderPollsPerDay * 29,
    );
  });

  it('counts the alarm metrics, keys and dashboards the example synthesizes', () => {
    // 4 function errors, queue age and dead letters, schedule dead letters, 3 scan-gap metrics, fan-out failed, heartbeat.
    // cost-policy adds its function's errors and its scan gaps.
    expect(exampleUsage()).toMatchObject({ alarmMetrics: 14, kmsKeys: 2, dashboards: 2 });
  });

  it('takes other assumptions', () => {
    const slow = usageFromConfig(example, { accounts: 2_000 }, { ...COST_ASSUMPTIONS, pageMs: 200 });
    expect(slow.fanOut?.batchMs).toBe(10_000);
  });
});

describe('usageFromConfig with several observer regions', () => {
  it('runs the probe in every observer region, with a key, dashboard and heartbeat alarm each', async () => {
    const { parseConfig } = await import('../../shared/config/loader.js');
    const { usageFromConfig } = await import('../../infra/cost-estimate.js');
    const one = parseConfig('version: 1\n');
    const three = parseConfig(
      'version: 1\ndeployment: { observer: { region: us-west-2, regions: [eu-central-1, ap-southeast-2] } }\n',
    );
    const a = usageFromConfig(one, { accounts: 1 });
    const b = usageFromConfig(three, { accounts: 1 });
    const probeOf = (u: typeof a) => u.functions.find((f) => f.name === 'probe')?.invocationsPerMonth ?? 0;
    expect(probeOf(b)).toBe(3 * probeOf(a));
    expect(b.kmsKeys - a.kmsKeys).toBe(2);
    expect(b.dashboards - a.dashboards).toBe(2);
    expect(b.alarmMetrics - a.alarmMetrics).toBe(2);
  });
});
