import {
  CostExplorerClient,
  type Expression,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandInput,
  type ResultByTime,
} from '@aws-sdk/client-cost-explorer';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { clearAwsClients } from '../../../../shared/adapters/aws/clients.js';
import {
  CostExplorerCosts,
  costWindow,
  DEFAULT_EXCLUDED_RECORD_TYPES,
  driversFromResults,
  pairSeriesFromResults,
  planWorkloadQueries,
  recordTypeFilter,
} from '../../../../shared/adapters/aws/cost-explorer-costs.js';
import { InputError, ScanError } from '../../../../shared/core/errors.js';

const A = '111111111111';
const B = '222222222222';
const EC2 = 'Amazon Elastic Compute Cloud - Compute';
const S3 = 'Amazon Simple Storage Service';
const staticCredentials = async () => ({ accessKeyId: 'test', secretAccessKey: 'test' });
const EXCLUDE_DEFAULTS: Expression = {
  Not: { Dimensions: { Key: 'RECORD_TYPE', Values: [...DEFAULT_EXCLUDED_RECORD_TYPES] } },
};
const PAIRS_GROUP_BY = [
  { Type: 'DIMENSION' as const, Key: 'LINKED_ACCOUNT' },
  { Type: 'DIMENSION' as const, Key: 'SERVICE' },
];

const group = (keys: string[], amount: string, metric = 'UnblendedCost') => ({
  Keys: keys,
  Metrics: { [metric]: { Amount: amount, Unit: 'USD' } },
});
/** A DAILY result as Cost Explorer returns it when grouping: empty Total, string amounts. */
const day = (date: string, groups: ReturnType<typeof group>[], estimated = false): ResultByTime => {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { TimePeriod: { Start: date, End: next }, Total: {}, Groups: groups, Estimated: estimated };
};
const total = (date: string, amount: string | undefined, estimated = false): ResultByTime => ({
  ...day(date, [], estimated),
  Groups: [],
  Total: amount === undefined ? {} : { UnblendedCost: { Amount: amount, Unit: 'USD' } },
});
const usd = (series: { days: readonly { usd: number }[] } | undefined) => series?.days.map((d) => d.usd);

describe('costWindow', () => {
  it('lists every day of [start, end)', () => {
    const window = costWindow(new Date('2026-11-01T00:00:00Z'), new Date('2026-11-04T00:00:00Z'));

    expect(window).toEqual({
      start: '2026-11-01',
      end: '2026-11-04',
      days: ['2026-11-01', '2026-11-02', '2026-11-03'],
    });
  });

  it('clamps a start older than the 13 months before the end month', () => {
    const window = costWindow(new Date('2024-01-15T00:00:00Z'), new Date('2026-11-20T00:00:00Z'));

    expect(window.start).toBe('2025-10-01');
    expect(window.days[0]).toBe('2025-10-01');
    expect(window.days.at(-1)).toBe('2026-11-19');
  });

  it('rejects a window whose start is not before its end', () => {
    expect(() => costWindow(new Date('2026-11-04T00:00:00Z'), new Date('2026-11-04T12:00:00Z'))).toThrow(
      InputError,
    );
  });
});

describe('recordTypeFilter', () => {
  it('excludes credits, refunds, tax and the monthly fees by default', () => {
    expect(recordTypeFilter([])).toEqual(EXCLUDE_DEFAULTS);
  });

  it('keeps the record types the config includes', () => {
    expect(recordTypeFilter(['Tax'])).toEqual({
      Not: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Credit', 'Refund'] } },
    });
  });

  it('sends no filter when every excluded type is included', () => {
    expect(recordTypeFilter([...DEFAULT_EXCLUDED_RECORD_TYPES])).toBeUndefined();
  });
});

describe('pairSeriesFromResults', () => {
  it('rejects a group that is not (account, service) and an amount that is not a number', () => {
    const days = ['2026-11-01'];

    expect(() =>
      pairSeriesFromResults([day('2026-11-01', [group([A], '1')])], 'UnblendedCost', days),
    ).toThrow(/expected 2 Keys/);
    expect(() =>
      pairSeriesFromResults([day('2026-11-01', [group([A, EC2], 'n/a')])], 'UnblendedCost', days),
    ).toThrow(/ResultsByTime\[0\]\.Groups\[0\]: no numeric UnblendedCost amount/);
  });
});

describe('planWorkloadQueries', () => {
  it('derives account/service workloads, shares a query per lone tag key, and filters the rest', () => {
    const w = (
      name: string,
      filter: Partial<{ accounts: string[]; services: string[]; tags: Record<string, string[]> }>,
    ) => ({
      name,
      filter: { accounts: [], services: [], tags: {}, ...filter },
    });

    const plan = planWorkloadQueries([
      w('api', { accounts: [A], services: [EC2] }),
      w('web', { tags: { app: ['web'] } }),
      w('batch', { tags: { app: ['batch'] } }),
      w('data', { accounts: [B], tags: { team: ['data'] } }),
      w('ml', { tags: { team: ['ml'], env: ['prod'] } }),
    ]);

    expect(plan.derived.map((x) => x.name)).toEqual(['api']);
    expect([...plan.byTagKey].map(([key, ws]) => [key, ws.map((x) => x.name)])).toEqual([
      ['app', ['web', 'batch']],
    ]);
    expect(plan.filtered.map((x) => x.name)).toEqual(['data', 'ml']);
  });
});

describe('driversFromResults', () => {
  it('averages each usage type and region over the baseline and current days, largest change first', () => {
    const results = [
      day('2026-11-01', [
        group(['BoxUsage:m5.large', 'eu-west-1'], '10'),
        group(['DataTransfer-Out-Bytes', 'eu-west-1'], '2'),
      ]),
      day('2026-11-02', [group(['BoxUsage:m5.large', 'eu-west-1'], '10')]),
      day('2026-11-03', [
        group(['BoxUsage:m5.large', 'eu-west-1'], '12'),
        group(['DataTransfer-Out-Bytes', 'eu-west-1'], '40'),
      ]),
    ];

    const drivers = driversFromResults(results, 'UnblendedCost', {
      baselineDays: ['2026-11-01', '2026-11-02'],
      currentDays: ['2026-11-03'],
    });

    expect(drivers).toEqual([
      {
        usageType: 'DataTransfer-Out-Bytes',
        region: 'eu-west-1',
        baselineUsdPerDay: 1,
        currentUsdPerDay: 40,
      },
      { usageType: 'BoxUsage:m5.large', region: 'eu-west-1', baselineUsdPerDay: 10, currentUsdPerDay: 12 },
    ]);
  });
});

describe('CostExplorerCosts', () => {
  const ce = mockClient(CostExplorerClient);
  afterEach(() => {
    ce.reset();
    clearAwsClients();
  });

  const window = { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-04T00:00:00Z') };
  const source = (extra: Partial<ConstructorParameters<typeof CostExplorerCosts>[0]> = {}) =>
    new CostExplorerCosts({ managementRoleName: 'Mgmt', credentials: staticCredentials, ...extra });
  const inputs = () =>
    ce.commandCalls(GetCostAndUsageCommand).map((c) => c.args[0].input as GetCostAndUsageCommandInput);

  it('reads every (account, service) day in one daily query, following pages, zero-filling and marking estimates', async () => {
    ce.on(GetCostAndUsageCommand)
      .resolvesOnce({
        ResultsByTime: [
          day('2026-11-01', [group([A, EC2], '10.5'), group([A, S3], '1.25')]),
          day('2026-11-02', [group([A, EC2], '11')]),
        ],
        NextPageToken: 'page-2',
      })
      .resolvesOnce({
        ResultsByTime: [
          day('2026-11-02', [group([B, EC2], '3')]),
          day('2026-11-03', [group([A, EC2], '12.000001')], true),
        ],
      });
    const costs = source();

    const series = await costs.dailyCostByAccountAndService(window);

    expect(series.map((s) => s.key)).toEqual([
      { accountId: A, service: EC2 },
      { accountId: A, service: S3 },
      { accountId: B, service: EC2 },
    ]);
    expect(series[0]?.days).toEqual([
      { day: '2026-11-01', usd: 10.5, estimated: false },
      { day: '2026-11-02', usd: 11, estimated: false },
      { day: '2026-11-03', usd: 12.000001, estimated: true },
    ]);
    expect(usd(series[1])).toEqual([1.25, 0, 0]);
    expect(series[2]?.days.map((d) => [d.usd, d.estimated])).toEqual([
      [0, false],
      [3, false],
      [0, true],
    ]);
    expect(costs.calls).toBe(2);
    expect(ce).toReceiveCommandTimes(GetCostAndUsageCommand, 2);
    expect(ce).toReceiveCommandWith(GetCostAndUsageCommand, {
      TimePeriod: { Start: '2026-11-01', End: '2026-11-04' },
      Granularity: 'DAILY',
      Metrics: ['UnblendedCost'],
      Filter: EXCLUDE_DEFAULTS,
      GroupBy: PAIRS_GROUP_BY,
      NextPageToken: 'page-2',
    });
    const client = ce.commandCalls(GetCostAndUsageCommand)[0]?.thisValue as CostExplorerClient;
    expect(await client.config.region()).toBe('us-east-1');
  });

  it('treats a day as final only when Cost Explorer says Estimated: false, and a day it sent no result for as missing', async () => {
    // ResultByTime.Estimated is optional in the API (AWS Billing and Cost Management API Reference, ResultByTime).
    const { Estimated: _unsaid, ...silent } = day('2026-11-02', [group([A, EC2], '11')]);
    ce.on(GetCostAndUsageCommand).resolves({
      ResultsByTime: [day('2026-11-01', [group([A, EC2], '10')]), silent],
    });

    const [series] = await source().dailyCostByAccountAndService(window);

    expect(series?.days).toEqual([
      { day: '2026-11-01', usd: 10, estimated: false },
      { day: '2026-11-02', usd: 11, estimated: true },
      { day: '2026-11-03', usd: 0, estimated: true, missing: true },
    ]);
  });

  it('marks the missing day in workload series too, derived or queried', async () => {
    ce.on(GetCostAndUsageCommand, { GroupBy: PAIRS_GROUP_BY }).resolves({
      ResultsByTime: [day('2026-11-01', [group([A, EC2], '5')]), day('2026-11-03', [group([A, EC2], '6')])],
    });
    ce.on(GetCostAndUsageCommand, { GroupBy: undefined }).resolves({
      ResultsByTime: [total('2026-11-01', '8'), total('2026-11-02', '9')],
    });

    const series = await source().dailyCostByWorkload({
      ...window,
      workloads: [
        { name: 'api', filter: { accounts: [A], services: [], tags: {} } },
        { name: 'data', filter: { accounts: [B], services: [], tags: { team: ['data'] } } },
      ],
    });

    expect(series.map((s) => [s.key.workload, s.days.map((d) => d.missing === true)])).toEqual([
      ['api', [false, true, false]],
      ['data', [false, false, true]],
    ]);
  });

  it('asks once for a long lookback, clamped to the history Cost Explorer keeps, with the configured metric', async () => {
    ce.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [] });
    const costs = source({ metric: 'AmortizedCost', includeRecordTypes: [...DEFAULT_EXCLUDED_RECORD_TYPES] });

    const series = await costs.dailyCostByAccountAndService({
      start: new Date('2025-08-01T00:00:00Z'),
      end: new Date('2026-11-20T00:00:00Z'),
    });

    expect(series).toEqual([]);
    expect(costs.calls).toBe(1);
    expect(inputs()[0]?.TimePeriod).toEqual({ Start: '2025-10-01', End: '2026-11-20' });
    expect(inputs()[0]?.Metrics).toEqual(['AmortizedCost']);
    expect(inputs()[0]).not.toHaveProperty('Filter');
  });

  it('reads workloads with the fewest queries: derived, one per shared tag key, one per other filter', async () => {
    ce.on(GetCostAndUsageCommand, { GroupBy: PAIRS_GROUP_BY }).resolves({
      ResultsByTime: [
        day('2026-11-01', [group([A, EC2], '5'), group([A, S3], '1'), group([B, EC2], '7')]),
        day('2026-11-02', [group([A, EC2], '6')]),
        day('2026-11-03', [], true),
      ],
    });
    ce.on(GetCostAndUsageCommand, { GroupBy: [{ Type: 'TAG', Key: 'app' }] }).resolves({
      ResultsByTime: [
        day('2026-11-01', [group(['app$web'], '2'), group(['app$batch'], '3'), group(['app$etl'], '4')]),
        day('2026-11-02', [group(['app$web'], '2.5')]),
        day('2026-11-03', [group(['app$etl'], '1')], true),
      ],
    });
    // Matched by absence of GroupBy: the only query without one.
    ce.on(GetCostAndUsageCommand, { GroupBy: undefined }).resolves({
      ResultsByTime: [
        total('2026-11-01', '8'),
        total('2026-11-02', undefined),
        total('2026-11-03', '9', true),
      ],
    });
    const costs = source();

    const series = await costs.dailyCostByWorkload({
      ...window,
      workloads: [
        { name: 'api', filter: { accounts: [A], services: [EC2, S3], tags: {} } },
        { name: 'web', filter: { accounts: [], services: [], tags: { app: ['web'] } } },
        { name: 'batch', filter: { accounts: [], services: [], tags: { app: ['batch', 'etl'] } } },
        { name: 'data', filter: { accounts: [B], services: [], tags: { team: ['data'] } } },
      ],
    });
    const pairs = await costs.dailyCostByAccountAndService(window);

    expect(series.map((s) => [s.key.workload, usd(s)])).toEqual([
      ['api', [6, 6, 0]],
      ['web', [2, 2.5, 0]],
      ['batch', [7, 0, 1]],
      ['data', [8, 0, 9]],
    ]);
    expect(series.every((s) => s.days.map((d) => d.estimated).join() === 'false,false,true')).toBe(true);
    expect(pairs).toHaveLength(3);
    expect(costs.calls).toBe(3);
    expect(costs.derivedWorkloads).toBe(1);
    expect(inputs().map((i) => i.Filter)).toEqual([
      EXCLUDE_DEFAULTS,
      { And: [{ Tags: { Key: 'app', Values: ['web', 'batch', 'etl'] } }, EXCLUDE_DEFAULTS] },
      {
        And: [
          { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [B] } },
          { Tags: { Key: 'team', Values: ['data'] } },
          EXCLUDE_DEFAULTS,
        ],
      },
    ]);
    expect(inputs().every((i) => i.Granularity === 'DAILY')).toBe(true);
  });

  it('shares one (account, service) query between concurrent series and workload reads', async () => {
    ce.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [day('2026-11-01', [group([A, EC2], '4')])] });
    const costs = source();

    const [pairs, workloads] = await Promise.all([
      costs.dailyCostByAccountAndService(window),
      costs.dailyCostByWorkload({
        ...window,
        workloads: [{ name: 'api', filter: { accounts: [A], services: [], tags: {} } }],
      }),
    ]);

    expect(usd(pairs[0])).toEqual([4, 0, 0]);
    expect(usd(workloads[0])).toEqual([4, 0, 0]);
    expect(costs.calls).toBe(1);
  });

  it('reads the drivers of one pair in one query over both windows', async () => {
    ce.on(GetCostAndUsageCommand).resolves({
      ResultsByTime: [
        day('2026-11-01', [group(['BoxUsage:m5.large', 'eu-west-1'], '10')]),
        day('2026-11-02', [
          group(['BoxUsage:m5.large', 'eu-west-1'], '10'),
          group(['NatGateway-Bytes', 'eu-west-1'], '1'),
        ]),
        day('2026-11-03', [
          group(['NatGateway-Bytes', 'eu-west-1'], '31'),
          group(['BoxUsage:m5.large', 'eu-west-1'], '10'),
        ]),
      ],
    });
    const costs = source();

    const drivers = await costs.drivers({
      accountId: A,
      service: EC2,
      baseline: { start: window.start, end: new Date('2026-11-03T00:00:00Z') },
      current: { start: new Date('2026-11-03T00:00:00Z'), end: window.end },
    });

    expect(drivers).toEqual([
      { usageType: 'NatGateway-Bytes', region: 'eu-west-1', baselineUsdPerDay: 0.5, currentUsdPerDay: 31 },
      { usageType: 'BoxUsage:m5.large', region: 'eu-west-1', baselineUsdPerDay: 10, currentUsdPerDay: 10 },
    ]);
    expect(costs.calls).toBe(1);
    expect(ce).toReceiveCommandWith(GetCostAndUsageCommand, {
      TimePeriod: { Start: '2026-11-01', End: '2026-11-04' },
      Granularity: 'DAILY',
      Filter: {
        And: [
          { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [A] } },
          { Dimensions: { Key: 'SERVICE', Values: [EC2] } },
          EXCLUDE_DEFAULTS,
        ],
      },
      GroupBy: [
        { Type: 'DIMENSION', Key: 'USAGE_TYPE' },
        { Type: 'DIMENSION', Key: 'REGION' },
      ],
    });
  });

  it('fails the cost scope with the missing permission on AccessDenied, and asks again next time', async () => {
    ce.on(GetCostAndUsageCommand)
      .rejectsOnce(
        Object.assign(new Error('User is not authorized to perform ce:GetCostAndUsage'), {
          name: 'AccessDeniedException',
        }),
      )
      .resolves({ ResultsByTime: [] });
    const costs = source();

    const failure = costs.dailyCostByAccountAndService(window);

    await expect(failure).rejects.toBeInstanceOf(ScanError);
    await expect(failure).rejects.toMatchObject({
      scope: 'cost',
      reason: expect.stringMatching(
        /AccessDeniedException: User is not authorized .*does the role allow ce:GetCostAndUsage\?/,
      ),
    });
    await expect(costs.dailyCostByAccountAndService(window)).resolves.toEqual([]);
    expect(costs.calls).toBe(1);
    expect(ce).toReceiveCommandTimes(GetCostAndUsageCommand, 2);
  });

  it('rejects an empty window without calling Cost Explorer', async () => {
    const costs = source();

    await expect(
      costs.dailyCostByAccountAndService({ start: window.end, end: window.start }),
    ).rejects.toThrow(InputError);
    expect(ce).toReceiveCommandTimes(GetCostAndUsageCommand, 0);
  });
});
