import { BudgetsClient, DescribeBudgetsCommand } from '@aws-sdk/client-budgets';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import {
  CostExplorerClient,
  type Expression,
  GetAnomaliesCommand,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandInput,
  type ResultByTime,
} from '@aws-sdk/client-cost-explorer';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configSchema } from '../../shared/config/schema.js';
import type { Envelope } from '../../shared/core/envelope.js';
import {
  awsError,
  bodies,
  expectStagedThenApplied,
  recordDeliveryAndState,
  lambdaContext as supportContext,
} from '../support/lambda.js';

const MANAGEMENT = '100000000001';
const TOOLING = '200000000002';
/** The `api` workload's account: its cost is filtered by it. */
const WORKLOAD = '111111111111';
/** Where the `api` latency metric lives: read there through the member role. */
const METRICS_ACCOUNT = '222222222222';
/** An account no workload covers: its anomaly is unmapped (`cost-only`). */
const UNMAPPED = '333333333333';
const EC2 = 'Amazon Elastic Compute Cloud';
const S3 = 'Amazon Simple Storage Service';
const QUEUE_URL = `https://sqs.us-east-1.amazonaws.com/${TOOLING}/incidents`;
const TABLE = 'guardrails-state';
/** The Lambda role's own keys (the SDK's default chain reads them from the environment). */
const LAMBDA_KEY = 'AKIALAMBDAROLE';
const MANAGEMENT_ROLE = `arn:aws:iam::${MANAGEMENT}:role/FinopsGuardrailsManagementRead`;
const MEMBER_ROLE = `arn:aws:iam::${METRICS_ACCOUNT}:role/FinopsGuardrailsMemberRead`;
const DAY_MS = 86_400_000;

const CONFIG = configSchema.parse({
  version: 1,
  organization: { managementAccountId: MANAGEMENT, toolingAccountId: TOOLING, regions: ['us-east-1'] },
  workloads: [
    {
      name: 'api',
      owner: { team: 'payments' },
      costFilter: { accounts: [WORKLOAD] },
      demand: {
        metric: {
          id: 'api_requests',
          namespace: 'AWS/ApiGateway',
          metricName: 'Count',
          dimensions: { ApiName: 'api' },
          stat: 'Sum',
        },
      },
      slos: [
        {
          name: 'api-latency',
          metric: {
            id: 'api_p99',
            namespace: 'AWS/ApiGateway',
            metricName: 'Latency',
            dimensions: { ApiName: 'api' },
            stat: 'p99',
            accountId: METRICS_ACCOUNT,
          },
          objective: { comparison: '<=', threshold: 300 },
        },
      ],
    },
  ],
  anomaly: { lookbackDays: 60, useAwsAnomalies: true, useBudgets: true },
});

/** The input the GuardrailsStack's Scheduler schedule sends; months away from the test's own clock. */
const SCHEDULED_EVENT = {
  source: 'finops-guardrails.schedule',
  check: 'cost-anomaly',
  scheduledTime: '2026-05-04T06:00:00Z',
  executionId: 'schedule-execution-1',
};
/** The complete days judged at that time: 60 days ending the day before, so the window ends at 00:00 UTC. */
const WINDOW = { start: '2026-03-05', end: '2026-05-04' };
/** The last two complete days, on which spend tripled. */
const SPIKE_DAYS = new Set(['2026-05-02', '2026-05-03']);

function lambdaContext(): Context {
  return supportContext({
    functionName: 'finops-guardrails-cost-anomaly',
    region: 'us-east-1',
    accountId: TOOLING,
    memoryMb: 1024,
  });
}

/** Every `YYYY-MM-DD` of [start, end). */
function daysOf(start: string, end: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); t < Date.parse(`${end}T00:00:00Z`); t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** Quieter weekends, a busier midweek, and a little jitter so the spread is never zero. */
const WEEKLY_SHAPE = [0.85, 1.02, 1.08, 1.1, 1.06, 1.0, 0.88];

/** What an (account, service) cost on a day: ~100 USD/day for the workload, ~40 for the unmapped pair, tripled on the spike days. */
function usdOn(accountId: string, day: string): number {
  const date = new Date(`${day}T00:00:00Z`);
  const base = accountId === WORKLOAD ? 100 : 40;
  if (SPIKE_DAYS.has(day)) return base * 3;
  const jitter = ((date.getUTCDate() * 7) % 5) - 2;
  return Math.round((base * (WEEKLY_SHAPE[date.getUTCDay()] ?? 1) + jitter * 0.4) * 100) / 100;
}

function dimensionValue(filter: Expression | undefined, key: string): string | undefined {
  const parts = filter?.And ?? (filter ? [filter] : []);
  return parts.find((p) => p.Dimensions?.Key === key)?.Dimensions?.Values?.[0];
}

/** A DAILY grouped answer, as Cost Explorer sends it: empty Total, string amounts. */
function costAndUsage(input: GetCostAndUsageCommandInput): { ResultsByTime: ResultByTime[] } {
  const period = input.TimePeriod ?? { Start: WINDOW.start, End: WINDOW.end };
  const groupBy = (input.GroupBy ?? []).map((g) => g.Key).join(',');
  const account = dimensionValue(input.Filter, 'LINKED_ACCOUNT') ?? WORKLOAD;
  return {
    ResultsByTime: daysOf(period.Start ?? '', period.End ?? '').map((day) => {
      const amount = (accountId: string) => ({
        UnblendedCost: { Amount: usdOn(accountId, day).toFixed(2), Unit: 'USD' },
      });
      const groups =
        groupBy === 'USAGE_TYPE,REGION'
          ? [
              {
                Keys: [
                  account === WORKLOAD ? 'USE1-BoxUsage:m5.4xlarge' : 'USE1-TimedStorage-ByteHrs',
                  'us-east-1',
                ],
                Metrics: amount(account),
              },
            ]
          : [
              { Keys: [WORKLOAD, EC2], Metrics: amount(WORKLOAD) },
              { Keys: [UNMAPPED, S3], Metrics: amount(UNMAPPED) },
            ];
      const next = new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
      return { TimePeriod: { Start: day, End: next }, Total: {}, Groups: groups, Estimated: false };
    }),
  };
}

/** Flat demand (1M requests a day) and a p99 latency of 200 ms, under its 300 ms objective: the SLO is met. */
function metricData(input: GetMetricDataCommandInput) {
  const start = input.StartTime ?? new Date(0);
  const end = input.EndTime ?? new Date(0);
  const stamps: Date[] = [];
  for (let t = new Date(start).getTime(); t < new Date(end).getTime(); t += DAY_MS) stamps.push(new Date(t));
  return {
    MetricDataResults: (input.MetricDataQueries ?? []).map(
      (q): MetricDataResult => ({
        Id: q.Id,
        Label: q.Id,
        StatusCode: 'Complete',
        Timestamps: stamps,
        Values: stamps.map(() => (q.Id === 'api_p99' ? 200 : 1_000_000)),
      }),
    ),
  };
}

/** The access key a mocked call's client signs with (the account for assumed roles, `LAMBDA_KEY` for its own). */
async function signingKey(getClient: () => { config: { credentials: unknown } }): Promise<string> {
  const provider = getClient().config.credentials as () => Promise<{ accessKeyId: string }>;
  return (await provider()).accessKeyId;
}

describe('cost-anomaly handler', () => {
  const sts = mockClient(STSClient);
  const costExplorer = mockClient(CostExplorerClient);
  const cloudwatch = mockClient(CloudWatchClient);
  const budgets = mockClient(BudgetsClient);
  const sqs = mockClient(SQSClient);
  const dynamo = mockClient(DynamoDBDocumentClient);
  /** The order of the calls that matter: deliveries and state writes. */
  let calls: string[] = [];
  /** Who signed each AWS read: `<API> <access key>`. */
  let signers: string[] = [];
  /** The ids of each GetMetricData request, with the key that signed it and any AccountId sent. */
  let metricRequests: Array<{ key: string; queries: Array<[string | undefined, string | undefined]> }> = [];
  let clearAwsClients: () => void = () => {};

  beforeEach(() => {
    calls = [];
    signers = [];
    metricRequests = [];
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', LAMBDA_KEY);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'lambda-secret');
    vi.stubEnv('STATE_TABLE_NAME', TABLE);
    vi.stubEnv('INCIDENT_QUEUE_URL', QUEUE_URL);
    vi.stubEnv('GUARDRAILS_CONFIG', JSON.stringify(CONFIG));
    // Powertools writes logs and EMF to stdout and stderr; keep the test output readable.
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

    sts.on(GetCallerIdentityCommand).resolves({
      Account: TOOLING,
      Arn: `arn:aws:sts::${TOOLING}:assumed-role/cost-anomaly/fn`,
    });
    sts.on(AssumeRoleCommand).callsFake((input: AssumeRoleCommandInput) => {
      const account = /::(\d{12}):role\//.exec(input.RoleArn ?? '')?.[1] ?? '';
      return {
        Credentials: {
          AccessKeyId: `AKIA${account}`,
          SecretAccessKey: 'secret',
          SessionToken: 'token',
          Expiration: new Date(Date.now() + 3_600_000),
        },
      };
    });
    costExplorer
      .on(GetCostAndUsageCommand)
      .callsFake(async (input: GetCostAndUsageCommandInput, getClient) => {
        signers.push(`GetCostAndUsage ${await signingKey(getClient)}`);
        return costAndUsage(input);
      });
    costExplorer.on(GetAnomaliesCommand).callsFake(async (_input, getClient) => {
      signers.push(`GetAnomalies ${await signingKey(getClient)}`);
      return {
        Anomalies: [
          {
            AnomalyId: 'anomaly-1',
            MonitorArn: `arn:aws:ce::${MANAGEMENT}:anomalymonitor/services`,
            AnomalyStartDate: '2026-05-02',
            AnomalyEndDate: '2026-05-03',
            RootCauses: [
              { LinkedAccount: WORKLOAD, Service: EC2, Region: 'us-east-1', Impact: { Contribution: 400 } },
            ],
            AnomalyScore: { MaxScore: 0.92, CurrentScore: 0.9 },
            Impact: { MaxImpact: 200, TotalImpact: 400, TotalExpectedSpend: 200, TotalActualSpend: 600 },
          },
        ],
      };
    });
    cloudwatch.on(GetMetricDataCommand).callsFake(async (input: GetMetricDataCommandInput, getClient) => {
      metricRequests.push({
        key: await signingKey(getClient),
        queries: (input.MetricDataQueries ?? []).map((q) => [q.Id, q.AccountId]),
      });
      return metricData(input);
    });
    budgets.on(DescribeBudgetsCommand).callsFake(async (_input, getClient) => {
      signers.push(`DescribeBudgets ${await signingKey(getClient)}`);
      return {
        Budgets: [
          {
            BudgetName: 'org-monthly',
            BudgetType: 'COST',
            TimeUnit: 'MONTHLY',
            BudgetLimit: { Amount: '5000', Unit: 'USD' },
            CalculatedSpend: {
              ActualSpend: { Amount: '5400', Unit: 'USD' },
              ForecastedSpend: { Amount: '8100', Unit: 'USD' },
            },
          },
        ],
      };
    });
    recordDeliveryAndState({ dynamo, sqs }, calls);
  });

  afterEach(() => {
    clearAwsClients();
    sts.reset();
    costExplorer.reset();
    cloudwatch.reset();
    budgets.reset();
    sqs.reset();
    dynamo.reset();
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  /** Imports the handler afresh, after the environment is set, as a cold start would. */
  async function coldStart() {
    vi.resetModules();
    clearAwsClients = (await import('../../shared/adapters/aws/clients.js')).clearAwsClients;
    return (await import('../../functions/cost-anomaly/handler.js')).handler;
  }

  function sentEvents(): Envelope[] {
    return sqs.commandCalls(SendMessageBatchCommand).flatMap((call) => bodies(call.args[0].input));
  }

  const ofType = (type: string) => sentEvents().filter((e) => e.type === `finops-guardrails.${type}`);

  it('raises the api cost spike as waste, AWS’s own anomaly and the exceeded budget', async () => {
    const handler = await coldStart();

    const summary = await handler(SCHEDULED_EVENT, lambdaContext());

    const events = sentEvents();
    expect(summary).toMatchObject({ check: 'cost-anomaly', events: events.length, scanGaps: 0 });
    expect(events.every((e) => e.action === 'trigger' && e.sequence === 1)).toBe(true);
    const detector = ofType('cost.anomaly').filter((e) => e.data.rule === 'detector');
    const api = detector.find((e) => e.subject === 'api');
    expect(api).toMatchObject({
      dedupkey: 'cost-anomaly:detector:api:waste',
      severity: 'error',
      data: {
        owner: { team: 'payments', source: 'config' },
        resource: { accountId: WORKLOAD },
        evidence: {
          class: 'waste',
          direction: 'up',
          anomalyDays: { start: '2026-05-02', end: '2026-05-03', count: 2 },
          judgedDay: '2026-05-03',
          unitCost: { trend: 'up', demandBefore: 1_000_000, demandAfter: 1_000_000 },
          slos: [expect.objectContaining({ name: 'api-latency', state: 'met', worstValue: 200 })],
        },
      },
    });
    expect(api?.data.evidence.drivers).toEqual([
      expect.objectContaining({ usageType: 'USE1-BoxUsage:m5.4xlarge', region: 'us-east-1' }),
    ]);
    expect(detector.find((e) => e.subject === `${UNMAPPED}/${S3}`)?.data.evidence).toMatchObject({
      class: 'cost-only',
    });
    expect(ofType('cost.anomaly').filter((e) => e.data.rule === 'aws-anomaly')).toEqual([
      expect.objectContaining({
        dedupkey: 'cost-anomaly:aws-anomaly:api',
        data: expect.objectContaining({
          evidence: expect.objectContaining({ anomalyId: 'anomaly-1', workload: 'api' }),
        }),
      }),
    ]);
    expect(ofType('budget.forecast')).toEqual([
      expect.objectContaining({
        dedupkey: 'cost-anomaly:budget:org-monthly',
        severity: 'error',
        data: expect.objectContaining({ evidence: expect.objectContaining({ state: 'exceeded' }) }),
      }),
    ]);
    expect(ofType('guardrail.scan-gap')).toEqual([]);
  });

  it('reads costs, anomalies and budgets as the management role, and a member metric as that member', async () => {
    const handler = await coldStart();

    await handler(SCHEDULED_EVENT, lambdaContext());

    const assumed = sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn);
    expect([...assumed].sort()).toEqual([MANAGEMENT_ROLE, MEMBER_ROLE].sort());
    expect(sts).toReceiveCommandWith(AssumeRoleCommand, {
      RoleArn: MANAGEMENT_ROLE,
      RoleSessionName: 'finops-guardrails-cost-anomaly',
    });
    expect(new Set(signers)).toEqual(
      new Set([
        `GetCostAndUsage AKIA${MANAGEMENT}`,
        `GetAnomalies AKIA${MANAGEMENT}`,
        `DescribeBudgets AKIA${MANAGEMENT}`,
      ]),
    );
    expect(budgets).toReceiveCommandWith(DescribeBudgetsCommand, { AccountId: MANAGEMENT });
    // The demand metric is read in the tooling account; the latency metric in 222222222222, without AccountId.
    expect(metricRequests).toEqual(
      expect.arrayContaining([
        { key: LAMBDA_KEY, queries: [['api_requests', undefined]] },
        { key: `AKIA${METRICS_ACCOUNT}`, queries: [['api_p99', undefined]] },
      ]),
    );
    expect(metricRequests).toHaveLength(2);
  });

  it('judges the scheduled time, not the clock, and leaves credits, refunds and tax out', async () => {
    const handler = await coldStart();

    await handler(SCHEDULED_EVENT, lambdaContext());

    const excluded: Expression = {
      Not: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Credit', 'Refund', 'Tax'] } },
    };
    expect(costExplorer).toReceiveCommandWith(GetCostAndUsageCommand, {
      TimePeriod: { Start: WINDOW.start, End: WINDOW.end },
      Granularity: 'DAILY',
      Metrics: ['UnblendedCost'],
      GroupBy: [
        { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
        { Type: 'DIMENSION', Key: 'SERVICE' },
      ],
      Filter: excluded,
    });
    const requests = costExplorer.commandCalls(GetCostAndUsageCommand).map((c) => c.args[0].input);
    // The workload, filtered by account only, is summed from the one (account, service) query.
    expect(requests.filter((input) => input.GroupBy?.[0]?.Key === 'LINKED_ACCOUNT')).toHaveLength(1);
    const drivers = requests.filter((input) => input.GroupBy?.[0]?.Key === 'USAGE_TYPE');
    expect(drivers.map((d) => dimensionValue(d.Filter, 'LINKED_ACCOUNT')).sort()).toEqual([
      WORKLOAD,
      UNMAPPED,
    ]);
    for (const d of drivers) {
      expect(d.Filter?.And).toContainEqual(excluded);
      expect(d.TimePeriod?.End).toBe(WINDOW.end);
    }
    expect(costExplorer).toReceiveCommandWith(GetAnomaliesCommand, {
      DateInterval: { StartDate: WINDOW.start, EndDate: WINDOW.end },
    });
    expect(cloudwatch).toReceiveCommandWith(GetMetricDataCommand, {
      StartTime: new Date(`${WINDOW.start}T00:00:00Z`),
      EndTime: new Date(`${WINDOW.end}T00:00:00Z`),
    });
    expect(sentEvents().every((e) => e.time === '2026-05-04T06:00:00.000Z')).toBe(true);
  });

  it('stages its outbox before sending and applies state only after the queue accepted every event', async () => {
    const handler = await coldStart();

    await handler(SCHEDULED_EVENT, lambdaContext());

    expectStagedThenApplied(calls);
    expect(dynamo).toReceiveCommandWith(QueryCommand, {
      TableName: TABLE,
      ExpressionAttributeValues: { ':pk': 'cost-anomaly' },
    });
    expect(dynamo).toReceiveCommandWith(PutCommand, {
      TableName: TABLE,
      Item: expect.objectContaining({ pk: 'cost-anomaly', sk: 'INC#cost-anomaly:detector:api:waste' }),
    });
  });

  it('holds the api anomaly back when its metrics are denied, and still sends the rest with a scan gap', async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .rejects(
        awsError('AccessDeniedException', 'User is not authorized to perform: cloudwatch:GetMetricData'),
      );
    const handler = await coldStart();

    const summary = await handler(SCHEDULED_EVENT, lambdaContext());

    const events = sentEvents();
    expect(summary).toMatchObject({ check: 'cost-anomaly', scanGaps: 2 });
    expect(events.filter((e) => e.dedupkey.startsWith('cost-anomaly:detector:api'))).toEqual([]);
    const gaps = ofType('guardrail.scan-gap');
    expect(gaps.map((e) => e.dedupkey)).toEqual([
      'cost-anomaly:scan-gap:metrics',
      'cost-anomaly:scan-gap:workload/api',
    ]);
    expect(gaps[0]).toMatchObject({ subject: 'metrics', severity: 'warning' });
    expect(gaps[0]?.data.summary).toContain('AccessDeniedException');
    expect(gaps[0]?.data.summary).toContain('cloudwatch:GetMetricData');
    expect(gaps[1]?.data.summary).toMatch(
      /workload\/api: its cost anomaly since .* could be waste, efficiency-regression or demand-growth/,
    );
    const unmapped = ofType('cost.anomaly').find((e) => e.subject === `${UNMAPPED}/${S3}`);
    expect(unmapped?.data.evidence).toMatchObject({ class: 'cost-only' });
    expect(ofType('cost.anomaly').find((e) => e.data.rule === 'aws-anomaly')).toMatchObject({
      dedupkey: 'cost-anomaly:aws-anomaly:api',
      data: { evidence: { slos: 'unavailable' } },
    });
    expect(ofType('budget.forecast').map((e) => e.dedupkey)).toEqual(['cost-anomaly:budget:org-monthly']);
    expect(dynamo).not.toReceiveCommandWith(PutCommand, {
      Item: expect.objectContaining({ sk: 'INC#cost-anomaly:detector:api:waste' }),
    });
  });

  it('does nothing and reports itself skipped while another run holds the state lease', async () => {
    dynamo.on(UpdateCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: { holder: { S: 'run-earlier' }, leaseUntil: { N: String(Date.parse('2026-11-20T14:15:00Z')) } },
      }),
    );
    const handler = await coldStart();

    const summary = await handler(SCHEDULED_EVENT, lambdaContext());

    expect(summary).toMatchObject({
      check: 'cost-anomaly',
      events: 0,
      skipped: expect.stringMatching(/run-earlier/),
    });
    expect(sqs).not.toHaveReceivedCommand(SendMessageBatchCommand);
    expect(costExplorer).not.toHaveReceivedCommand(GetCostAndUsageCommand);
  });
});
