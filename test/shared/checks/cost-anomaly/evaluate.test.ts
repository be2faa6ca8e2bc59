import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CostObservations,
  DAYS_PER_MONTH,
  evaluateCostAnomalies,
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
const metric = (value: (i: number) => number) =>
  Array.from({ length: DAYS }, (_, i) => ({
    timestamp: `${addDays(FIRST, i)}T00:00:00.000Z`,
    value: value(i),
  }));

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
  demand?: (i: number) => number;
  p99?: (i: number) => number;
  pairs?: CostSeries[];
  estimatedFrom?: number;
}
function judge(s: Scenario, config = configOf(), overrides: Partial<CostObservations> = {}) {
  const observations: CostObservations = {
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
  return evaluateCostAnomalies(observations, {
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
      scope: 'metrics/api',
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
      scope: 'costs',
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
