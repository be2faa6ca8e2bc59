import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CostObservations,
  DAYS_PER_MONTH,
  evaluateCostAnomalies,
  workloadVerdicts,
} from '../../../../shared/checks/cost-anomaly/evaluate.js';
import { addDays } from '../../../../shared/checks/cost-anomaly/slo.js';
import { configSchema, type GuardrailsConfigInput } from '../../../../shared/config/schema.js';
import type { FindingInput } from '../../../../shared/core/finding.js';
import type { CostSeries } from '../../../../shared/core/sources.js';

const DAYS = 60;
const FIRST = '2026-09-21';
const LAST = addDays(FIRST, DAYS - 1); // 2026-11-19
const ACCOUNT = '111111111111';
const wiggle = (i: number) => 1 + 0.03 * Math.sin(i * 2.3);

function series(key: CostSeries['key'], usd: (i: number) => number, estimatedFrom = DAYS): CostSeries {
  return {
    key,
    days: Array.from({ length: DAYS }, (_, i) => ({
      day: addDays(FIRST, i),
      usd: usd(i),
      estimated: i >= estimatedFrom,
    })),
  };
}
/** A daily metric over the window; a day whose value is `null` has no point. */
const metric = (value: (i: number) => number | null) =>
  Array.from({ length: DAYS }, (_, i) => ({
    timestamp: `${addDays(FIRST, i)}T00:00:00.000Z`,
    value: value(i),
  })).flatMap((p) => (p.value === null ? [] : [{ timestamp: p.timestamp, value: p.value }]));

function configOf(
  anomaly: GuardrailsConfigInput['anomaly'] = {},
  extra: Partial<GuardrailsConfigInput> = {},
) {
  return configSchema.parse({
    version: 1,
    workloads: [
      {
        name: 'api',
        owner: { team: 'api-team', contact: 'api@example.com' },
        costFilter: { accounts: [ACCOUNT] },
        demand: { metric: { id: 'api_requests', namespace: 'A', metricName: 'Count' } },
        slos: [
          {
            name: 'api-p99',
            metric: { id: 'api_p99', namespace: 'A', metricName: 'Latency', stat: 'p99' },
            objective: { comparison: '<=', threshold: 0.8 },
          },
        ],
      },
    ],
    anomaly: { minImpactUsd: 10, relativeThreshold: 0.25, unsafeSavingWindowDays: 3, ...anomaly },
    ...extra,
  });
}

interface Scenario {
  cost: (i: number) => number;
  demand?: (i: number) => number | null;
  p99?: (i: number) => number | null;
  pairs?: CostSeries[];
  estimatedFrom?: number;
}
function observe(s: Scenario, overrides: Partial<CostObservations> = {}): CostObservations {
  return {
    window: { start: FIRST, end: LAST },
    pairs: s.pairs ?? [],
    workloads: [series({ workload: 'api' }, s.cost, s.estimatedFrom)],
    metrics: new Map([
      ['api_requests', metric(s.demand ?? ((i) => 1000 * wiggle(i + 3)))],
      ['api_p99', metric(s.p99 ?? (() => 0.4))],
    ]),
    drivers: new Map(),
    ...overrides,
  };
}
function judge(s: Scenario, config = configOf(), overrides: Partial<CostObservations> = {}) {
  return evaluateCostAnomalies(observe(s, overrides), {
    config,
    now: new Date('2026-11-20T06:00:00Z'),
    memory: new Map(),
  });
}
const normal = (i: number) => 100 * wiggle(i);
const classOf = (f: FindingInput | undefined) => (f?.evidence as { class?: string } | undefined)?.class;
const only = (findings: readonly FindingInput[]) => {
  expect(findings).toHaveLength(1);
  return findings[0] as FindingInput;
};

describe('evaluateCostAnomalies: classes', () => {
  it('calls a rise with flat demand and SLOs met waste, with expected, actual, unit cost and monthly impact', () => {
    const { findings } = judge({ cost: (i) => (i >= 57 ? 200 : normal(i)) });
    const f = only(findings);
    expect(f).toMatchObject({
      rule: 'detector',
      type: 'cost.anomaly',
      identity: ['api', 'waste'],
      scope: 'workload/api',
      severity: 'error',
      subject: 'api',
      origin: ACCOUNT,
      owner: { team: 'api-team', source: 'config' },
    });
    const e = f.evidence as {
      anomalyDays: unknown;
      actualUsdPerDay: number;
      expectedUsdPerDay: number;
      impactUsdPerDay: number;
      projectedUsdPerMonth: number;
      unitCost: { trend: string; before: number; after: number };
      slos: unknown[];
    };
    expect(e.anomalyDays).toEqual({ start: addDays(FIRST, 57), end: LAST, count: 3 });
    expect(e.actualUsdPerDay).toBe(200);
    expect(e.expectedUsdPerDay).toBeGreaterThan(90);
    expect(e.projectedUsdPerMonth).toBeCloseTo(e.impactUsdPerDay * DAYS_PER_MONTH, 0);
    expect(f.impact?.usdPerMonth).toBe(e.projectedUsdPerMonth);
    expect(e.unitCost.trend).toBe('up');
    expect(e.unitCost.after / e.unitCost.before).toBeCloseTo(2, 0);
    expect(e.slos[0]).toMatchObject({ name: 'api-p99', state: 'met' });
    expect(f.summary.slice(0, 130)).toMatch(/^api: waste/);
  });

  it('keeps waste a warning below wasteErrorAboveUsdPerMonth', () => {
    const { findings } = judge(
      { cost: (i) => (i >= 57 ? 200 : normal(i)) },
      configOf({ wasteErrorAboveUsdPerMonth: 1e6 }),
    );
    expect(only(findings).severity).toBe('warning');
  });

  it('calls a rise with unit cost up and the SLO breached an efficiency regression', () => {
    const { findings } = judge({
      cost: (i) => (i >= 57 ? 200 : normal(i)),
      p99: (i) => (i === 58 ? 0.9 : 0.4),
    });
    expect(only(findings)).toMatchObject({ identity: ['api', 'efficiency-regression'], severity: 'error' });
  });

  it('calls a rise that demand explains demand growth, informational and not paging', () => {
    const grow = (i: number) => (i >= 57 ? 1.8 : 1);
    const { findings } = judge({
      cost: (i) => normal(i) * grow(i),
      demand: (i) => 1000 * wiggle(i) * grow(i),
    });
    const f = only(findings);
    expect(f).toMatchObject({ identity: ['api', 'demand-growth'], severity: 'info' });
    expect(f.evidence).toMatchObject({ paging: 'suppressed', unitCost: { trend: 'normal' } });
  });

  it('calls a drop with unit cost down and an overlapping SLO breach an unsafe saving that pages', () => {
    const { findings } = judge({
      cost: (i) => (i >= 54 ? 55 : normal(i)),
      p99: (i) => (i >= 56 ? 0.95 : 0.4),
    });
    const f = only(findings);
    expect(f).toMatchObject({ identity: ['api', 'unsafe-saving'], severity: 'error' });
    expect(f.evidence).toMatchObject({ paging: 'reliability-on-call', direction: 'down' });
    expect(f.impact?.usdPerMonth).toBeLessThan(0);
  });

  it('calls a drop with SLOs met a saving', () => {
    const { findings } = judge({ cost: (i) => (i >= 54 ? 55 : normal(i)) });
    expect(only(findings)).toMatchObject({ identity: ['api', 'saving'], severity: 'info' });
  });

  it('calls a rise in an unmapped account and service cost-only, owned by the default owner', () => {
    const pair = series({ accountId: '222222222222', service: 'Amazon EC2' }, (i) =>
      i >= 58 ? 400 : normal(i),
    );
    const mapped = series({ accountId: ACCOUNT, service: 'Amazon EC2' }, (i) => (i >= 58 ? 400 : normal(i)));
    const { findings } = judge({ cost: normal, pairs: [pair, mapped] });
    expect(only(findings)).toMatchObject({
      identity: ['222222222222', 'Amazon EC2', 'cost-only'],
      scope: 'costs/222222222222/Amazon EC2',
      severity: 'warning',
      subject: '222222222222/Amazon EC2',
      owner: { team: 'finops', source: 'default' },
    });
  });

  it('gives each driver its share of the change', () => {
    const drivers = new Map([
      [
        'workload:api',
        [
          {
            accountId: ACCOUNT,
            service: 'Amazon EC2',
            drivers: [
              {
                usageType: 'BoxUsage:m7g.large',
                region: 'us-east-1',
                baselineUsdPerDay: 50,
                currentUsdPerDay: 140,
              },
              {
                usageType: 'EBS:VolumeUsage',
                region: 'us-east-1',
                baselineUsdPerDay: 20,
                currentUsdPerDay: 10,
              },
            ],
          },
        ],
      ],
    ]);
    const { findings } = judge({ cost: (i) => (i >= 57 ? 200 : normal(i)) }, configOf(), { drivers });
    const [top, ...rest] = (only(findings).evidence as { drivers: Array<Record<string, unknown>> }).drivers;
    expect(top).toMatchObject({ usageType: 'BoxUsage:m7g.large', changeUsdPerDay: 90 });
    expect(top?.shareOfImpact).toBeCloseTo(0.9, 1);
    expect(rest).toEqual([]); // a driver moving against the anomaly is not one of its drivers
  });
});

describe('evaluateCostAnomalies: unsafe saving timing', () => {
  // Drop on days 50..55, back to normal after; the last day is 59.
  const drop = (i: number) => (i >= 50 && i <= 55 ? 55 : normal(i));

  it('raises an unsafe saving when the breach follows the drop within unsafeSavingWindowDays', () => {
    const { findings } = judge({ cost: drop, p99: (i) => (i === 58 ? 0.95 : 0.4) });
    expect(only(findings).identity).toEqual(['api', 'unsafe-saving']);
  });

  it('raises nothing when the breach comes later than the window', () => {
    const { findings } = judge(
      { cost: drop, p99: (i) => (i === 59 ? 0.95 : 0.4) },
      configOf({ unsafeSavingWindowDays: 2 }),
    );
    expect(findings).toEqual([]);
  });

  it('raises no unsafe saving for a breach that ended before the drop began', () => {
    const { findings } = judge({
      cost: (i) => (i >= 54 ? 55 : normal(i)),
      p99: (i) => (i >= 45 && i <= 50 ? 0.95 : 0.4),
    });
    expect(classOf(only(findings))).toBe('saving');
  });

  it('resolves a saving once spend is back in the band on the judged days', () => {
    const { findings } = judge({ cost: drop });
    expect(findings).toEqual([]);
  });
});

describe('evaluateCostAnomalies: judged days', () => {
  it('never judges estimated days', () => {
    const { findings } = judge({ cost: (i) => (i === 59 ? 400 : normal(i)), estimatedFrom: 59 });
    expect(findings).toEqual([]);
  });

  it('keeps an anomaly active while one of the last two complete days is anomalous', () => {
    const spikeOn = (day: number) => judge({ cost: (i) => (i === day ? 300 : normal(i)) }).findings;
    expect(spikeOn(58)).toHaveLength(1);
    expect(spikeOn(57)).toEqual([]);
  });

  it('raises no workload finding it cannot classify when the metrics were not read, but still judges unmapped spend', () => {
    const pair = series({ accountId: '222222222222', service: 'Amazon EC2' }, (i) =>
      i >= 58 ? 400 : normal(i),
    );
    const { findings } = judge({ cost: (i) => (i >= 57 ? 200 : normal(i)), pairs: [pair] }, configOf(), {
      metrics: null,
    });
    expect(findings.map((f) => f.identity.at(-1))).toEqual(['cost-only']);
  });

  it('is invariant to the currency scale: multiplying costs and the dollar threshold keeps every class', () => {
    const scenarios: Scenario[] = [
      { cost: (i) => (i >= 57 ? 200 : normal(i)) },
      { cost: (i) => (i >= 54 ? 55 : normal(i)), p99: (i) => (i >= 56 ? 0.95 : 0.4) },
      { cost: (i) => normal(i) * (i >= 57 ? 1.8 : 1), demand: (i) => 1000 * wiggle(i) * (i >= 57 ? 1.8 : 1) },
    ];
    const classes = (k: number) =>
      scenarios.map((s) => {
        const scaled = { ...s, cost: (i: number) => s.cost(i) * k };
        return judge(
          scaled,
          configOf({ minImpactUsd: 10 * k, wasteErrorAboveUsdPerMonth: 1000 * k }),
        ).findings.map((f) => `${f.identity.join(':')}/${f.severity}`);
      });
    const reference = classes(1);
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 10_000, noNaN: true }), (k) => {
        expect(classes(k)).toEqual(reference);
      }),
      { numRuns: 30 },
    );
  });
});

describe('evaluateCostAnomalies: AWS signals', () => {
  const awsAnomaly = {
    anomalyId: 'a-1',
    monitorArn: 'arn:aws:ce::100000000001:anomalymonitor/m-1',
    accountId: ACCOUNT,
    service: 'Amazon EC2',
    startDate: '2026-11-17',
    expectedUsd: 300,
    actualUsd: 900,
    impactUsd: 600,
    score: 80,
  };

  it('raises AWS anomalies as aws-anomaly findings with the mapped workload and its SLO state', () => {
    const { findings } = judge({ cost: normal, p99: (i) => (i === 58 ? 0.95 : 0.4) }, configOf(), {
      awsAnomalies: [awsAnomaly, { ...awsAnomaly, anomalyId: 'a-2', impactUsd: 100 }],
    });
    const f = only(findings);
    expect(f).toMatchObject({
      rule: 'aws-anomaly',
      identity: ['api'],
      scope: 'aws-signals',
      type: 'cost.anomaly',
    });
    expect(f.evidence).toMatchObject({ anomalyId: 'a-1', anomaliesMerged: 2, workload: 'api' });
    expect((f.evidence as { slos: Array<{ state: string }> }).slos[0]?.state).toBe('breached');
  });

  it('drops AWS anomalies below the minimum impact or that ended before the judged days', () => {
    const { findings } = judge({ cost: normal }, configOf(), {
      awsAnomalies: [
        { ...awsAnomaly, impactUsd: 5 },
        { ...awsAnomaly, anomalyId: 'old', endDate: '2026-11-10' },
      ],
    });
    expect(findings).toEqual([]);
  });

  it('raises budget.forecast: a warning when forecast over the limit, an error when already over', () => {
    const { findings } = judge({ cost: normal }, configOf(), {
      budgets: [
        { name: 'org-monthly', limitUsd: 1000, actualUsd: 600, forecastUsd: 1200, timeUnit: 'MONTHLY' },
        { name: 'sandbox', limitUsd: 100, actualUsd: 150, timeUnit: 'MONTHLY' },
        { name: 'fine', limitUsd: 100, actualUsd: 10, forecastUsd: 50, timeUnit: 'MONTHLY' },
      ],
    });
    expect(findings.map((f) => [f.type, f.identity[0], f.severity])).toEqual([
      ['budget.forecast', 'org-monthly', 'warning'],
      ['budget.forecast', 'sandbox', 'error'],
    ]);
    expect(findings[0]?.impact).toEqual({ usdPerMonth: 200 });
  });

  it('ingests no AWS signal the config turned off', () => {
    const { findings } = judge({ cost: normal }, configOf({ useAwsAnomalies: false, useBudgets: false }), {
      awsAnomalies: [awsAnomaly],
      budgets: [{ name: 'b', limitUsd: 1, actualUsd: 2, timeUnit: 'MONTHLY' }],
    });
    expect(findings).toEqual([]);
  });
});

describe('evaluateCostAnomalies: unknown is never met, rising or fixed', () => {
  const verdictOf = (s: Scenario, config = configOf(), overrides: Partial<CostObservations> = {}) =>
    workloadVerdicts(observe(s, overrides), config)[0]?.verdict;
  const grow = (i: number) => (i >= 57 ? 1.8 : 1);
  const growth: Scenario = { cost: (i) => normal(i) * grow(i), demand: (i) => 1000 * wiggle(i) * grow(i) };
  const cut: Scenario = { cost: (i) => (i >= 54 ? 55 : normal(i)), p99: (i) => (i >= 56 ? 0.95 : 0.4) };

  it('holds demand growth whose demand metric has a gap on an anomalous day, rather than page it as waste', () => {
    const gap = { ...growth, demand: (i: number) => (i === 58 ? null : (growth.demand?.(i) ?? 0)) };
    expect(judge(gap).findings).toEqual([]);
    const verdict = verdictOf(gap);
    expect(verdict).toMatchObject({ state: 'held' });
    expect(verdict?.state === 'held' && verdict.reason).toMatch(
      /could be waste or demand-growth: demand metric api_requests has no data on 2026-11-18/,
    );
  });

  it('holds demand growth whose demand metric has a gap in its baseline days', () => {
    const gap = { ...growth, demand: (i: number) => (i === 40 ? null : (growth.demand?.(i) ?? 0)) };
    expect(judge(gap).findings).toEqual([]);
    expect(verdictOf(gap)).toMatchObject({ state: 'held' });
  });

  it('holds an unsafe saving whose SLO metric has no points on the breach days, rather than call it a saving', () => {
    const silent = { ...cut, p99: (i: number) => (i >= 56 ? null : 0.4) };
    expect(judge(silent).findings).toEqual([]);
    const verdict = verdictOf(silent);
    expect(verdict?.state === 'held' && verdict.reason).toMatch(
      /could be unsafe-saving or saving: SLO api-p99 \(api_p99\) has no data on 2026-11-16\.\.2026-11-19/,
    );
  });

  it('keeps the unsafe saving when one breach day was observed, whatever the silent days were', () => {
    const partly = { ...cut, p99: (i: number) => (i === 56 ? 0.95 : i > 56 ? null : 0.4) };
    expect(only(judge(partly).findings).identity).toEqual(['api', 'unsafe-saving']);
  });

  it('never downgrades an efficiency regression to waste when the SLO days go silent', () => {
    const rise = (i: number) => (i >= 57 ? 200 : normal(i));
    expect(only(judge({ cost: rise, p99: (i) => (i === 58 ? 0.9 : 0.4) }).findings).identity).toEqual([
      'api',
      'efficiency-regression',
    ]);
    const silent = { cost: rise, p99: (i: number) => (i >= 57 ? null : 0.4) };
    expect(judge(silent).findings).toEqual([]);
    expect(verdictOf(silent)).toMatchObject({ state: 'held' });
  });

  it('holds a drop that ended earlier while the SLO days after it are silent: it could still be an unsafe saving', () => {
    const drop = (i: number) => (i >= 50 && i <= 55 ? 55 : normal(i));
    expect(judge({ cost: drop }).findings).toEqual([]);
    const silent = { cost: drop, p99: (i: number) => (i >= 56 ? null : 0.4) };
    expect(verdictOf(silent)).toMatchObject({ state: 'held' });
  });

  it('still classifies when the unknowns cannot change the class: demand growth does not hang on the SLO', () => {
    const silent = { ...growth, p99: () => null };
    const f = only(judge(silent).findings);
    expect(f.identity).toEqual(['api', 'demand-growth']);
    expect(f.summary).toMatch(/SLO unknown \(no data\): api-p99/);
  });

  it('still calls a drop with SLOs met a saving when its unit cost is unknown, and says so', () => {
    const gap = {
      cost: (i: number) => (i >= 54 ? 55 : normal(i)),
      demand: (i: number) => (i === 58 ? null : 1000),
    };
    const f = only(judge(gap).findings);
    expect(f.identity).toEqual(['api', 'saving']);
    expect(f.summary).toMatch(/unit cost unknown \(demand data missing\)/);
    expect(f.evidence).toMatchObject({ unitCost: { trend: 'unknown', missingDemandDays: ['2026-11-18'] } });
  });

  it('holds every workload anomaly that needs metrics when the metrics could not be read', () => {
    expect(
      verdictOf({ cost: (i) => (i >= 57 ? 200 : normal(i)) }, configOf(), { metrics: null }),
    ).toMatchObject({
      state: 'held',
    });
  });

  it('judges a workload without a demand metric on cost alone: a rise is waste', () => {
    const config = configSchema.parse({
      version: 1,
      workloads: [{ name: 'api', costFilter: { accounts: [ACCOUNT] } }],
      anomaly: { minImpactUsd: 10, relativeThreshold: 0.25 },
    });
    const f = only(judge({ cost: (i) => (i >= 57 ? 200 : normal(i)) }, config).findings);
    expect(f).toMatchObject({ identity: ['api', 'waste'], scope: 'workload/api' });
    expect(f.summary).toMatch(/no demand metric \(judged on cost\)/);
  });

  it('raises nothing for a series with a missing cost day, and says which day', () => {
    const rise = (i: number) => (i >= 57 ? 200 : normal(i));
    const holed = (key: CostSeries['key']) => {
      const s = series(key, rise);
      return { ...s, days: s.days.map((d, i) => (i === 59 ? { ...d, estimated: true, missing: true } : d)) };
    };
    const obs = observe(
      { cost: rise, pairs: [holed({ accountId: '222222222222', service: 'EC2' })] },
      {
        workloads: [holed({ workload: 'api' })],
        costSource: 'costs.csv',
      },
    );
    const evaluation = evaluateCostAnomalies(obs, { config: configOf(), now: new Date(), memory: new Map() });
    expect(evaluation.findings).toEqual([]);
    expect(evaluation.metrics).toMatchObject({ costSeriesJudged: 2, costSeriesHeld: 2, costAnomalies: 0 });
    expect(workloadVerdicts(obs, configOf())[0]?.verdict).toEqual({
      state: 'held',
      reason: 'its cost is incomplete: costs.csv has no data for 2026-11-19',
    });
  });
});
