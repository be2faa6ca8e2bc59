import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { clearAwsClients } from '../../../../shared/adapters/aws/clients.js';
import {
  batchQueries,
  CloudWatchMetrics,
  metricDataQuery,
} from '../../../../shared/adapters/aws/cloudwatch-metrics.js';
import type { MetricQuery } from '../../../../shared/config/schema.js';
import { ScanError } from '../../../../shared/core/errors.js';

const metric = (id: string, extra: Partial<MetricQuery> = {}): MetricQuery => ({
  id,
  namespace: 'AWS/ApiGateway',
  metricName: 'Count',
  dimensions: { ApiName: 'shop' },
  stat: 'Sum',
  period: 86_400,
  ...extra,
});
const expression = (id: string, expr: string): MetricQuery => ({
  id,
  expression: expr,
  dimensions: {},
  stat: 'Sum',
  period: 86_400,
});
const days90 = { start: new Date('2026-08-22T00:00:00Z'), end: new Date('2026-11-20T00:00:00Z') };
const at = (day: string) => new Date(`${day}T00:00:00Z`);
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('metricDataQuery', () => {
  it('turns a metric into a MetricStat with its dimensions, period, stat and source account', () => {
    expect(metricDataQuery(metric('requests', { accountId: '111111111111', stat: 'p99' }))).toEqual({
      Id: 'requests',
      ReturnData: true,
      AccountId: '111111111111',
      MetricStat: {
        Metric: {
          Namespace: 'AWS/ApiGateway',
          MetricName: 'Count',
          Dimensions: [{ Name: 'ApiName', Value: 'shop' }],
        },
        Period: 86_400,
        Stat: 'p99',
      },
    });
  });

  it('sends an expression as it is, with its period', () => {
    expect(metricDataQuery(expression('errors', 'errs / reqs * 100'))).toEqual({
      Id: 'errors',
      ReturnData: true,
      Expression: 'errs / reqs * 100',
      Period: 86_400,
    });
  });
});

describe('batchQueries', () => {
  it('puts 500 queries in a call', () => {
    const queries = Array.from({ length: 501 }, (_, i) => metric(`m${i}`));

    expect(batchQueries(queries, days90.start, days90.end).map((b) => b.length)).toEqual([500, 1]);
  });

  it('keeps a call under 100,800 datapoints when the window is long', () => {
    const queries = Array.from({ length: 501 }, (_, i) => metric(`m${i}`));
    const start = new Date('2025-10-21T00:00:00Z'); // 395 days before the end: 255 queries per call

    expect(batchQueries(queries, start, days90.end).map((b) => b.length)).toEqual([255, 246]);
  });

  it('keeps an expression in the call of the queries it names', () => {
    const queries = [
      ...Array.from({ length: 499 }, (_, i) => metric(`m${i}`)),
      metric('errs'),
      metric('reqs'),
      expression('rate', 'errs / reqs'),
    ];

    const batches = batchQueries(queries, days90.start, days90.end);

    const withRate = batches.find((b) => b.some((q) => q.id === 'rate'));
    expect(withRate?.map((q) => q.id).filter((id) => ['errs', 'reqs', 'rate'].includes(id))).toEqual([
      'errs',
      'reqs',
      'rate',
    ]);
    expect(batches.every((b) => b.length <= 500)).toBe(true);
  });
});

describe('CloudWatchMetrics', () => {
  const cloudwatch = mockClient(CloudWatchClient);
  afterEach(() => {
    cloudwatch.reset();
    clearAwsClients();
  });

  const complete = (input: GetMetricDataCommandInput) => ({
    MetricDataResults: (input.MetricDataQueries ?? []).map(
      (q): MetricDataResult => ({
        Id: q.Id,
        StatusCode: 'Complete',
        Timestamps: [at('2026-11-01')],
        Values: [1],
      }),
    ),
  });

  it('asks for 501 queries in 2 calls, oldest first', async () => {
    cloudwatch.on(GetMetricDataCommand).callsFake(complete);
    const metrics = new CloudWatchMetrics({ region: 'eu-west-1', client: { credentials } });
    const queries = Array.from({ length: 501 }, (_, i) => metric(`m${i}`));

    const series = await metrics.dailyMetrics({ queries, ...days90 });

    expect(series.size).toBe(501);
    expect(series.get('m500')).toEqual([{ timestamp: '2026-11-01T00:00:00.000Z', value: 1 }]);
    expect(metrics.calls).toBe(2);
    expect(metrics.metricsRequested).toBe(501);
    expect(cloudwatch).toReceiveCommandTimes(GetMetricDataCommand, 2);
    expect(cloudwatch).toReceiveCommandWith(GetMetricDataCommand, {
      StartTime: days90.start,
      EndTime: days90.end,
      ScanBy: 'TimestampAscending',
    });
  });

  it('merges NextToken pages per id while a query reports PartialData', async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          {
            Id: 'requests',
            StatusCode: 'PartialData',
            Timestamps: [at('2026-11-01'), at('2026-11-02')],
            Values: [10, 20],
          },
          { Id: 'latency', StatusCode: 'Complete', Timestamps: [at('2026-11-01')], Values: [0.25] },
        ],
        NextToken: 'more',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'requests', StatusCode: 'Complete', Timestamps: [at('2026-11-03')], Values: [30] },
          { Id: 'latency', StatusCode: 'Complete', Timestamps: [], Values: [] },
        ],
      });
    const metrics = new CloudWatchMetrics({ region: 'eu-west-1', client: { credentials } });

    const series = await metrics.dailyMetrics({
      queries: [metric('requests'), metric('latency', { stat: 'p99', metricName: 'Latency' })],
      ...days90,
    });

    expect(series.get('requests')).toEqual([
      { timestamp: '2026-11-01T00:00:00.000Z', value: 10 },
      { timestamp: '2026-11-02T00:00:00.000Z', value: 20 },
      { timestamp: '2026-11-03T00:00:00.000Z', value: 30 },
    ]);
    expect(series.get('latency')).toEqual([{ timestamp: '2026-11-01T00:00:00.000Z', value: 0.25 }]);
    expect(metrics.calls).toBe(2);
    expect(cloudwatch).toReceiveNthCommandWith(GetMetricDataCommand, 2, { NextToken: 'more' });
  });

  it('fails naming the query that is still PartialData after the last page', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [{ Id: 'rate', StatusCode: 'PartialData', Timestamps: [], Values: [] }],
    });

    await expect(
      new CloudWatchMetrics({ region: 'eu-west-1', client: { credentials } }).dailyMetrics({
        queries: [
          expression('rate', "SEARCH('{AWS/SQS} MetricName=\"NumberOfMessagesSent\"', 'Sum', 86400)"),
        ],
        ...days90,
      }),
    ).rejects.toMatchObject({
      name: 'ScanError',
      scope: 'metrics/eu-west-1',
      reason: 'query rate: PartialData after the last page',
    });
  });

  it('fails naming the query whose status is InternalError, with its messages', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'requests', StatusCode: 'Complete', Timestamps: [], Values: [] },
        {
          Id: 'latency',
          StatusCode: 'InternalError',
          Messages: [{ Code: 'InternalError', Value: 'try again' }],
        },
      ],
    });

    await expect(
      new CloudWatchMetrics({ region: 'eu-west-1', client: { credentials } }).dailyMetrics({
        queries: [metric('requests'), metric('latency')],
        ...days90,
      }),
    ).rejects.toThrow(/query latency: InternalError: InternalError: try again/);
  });

  it('keeps the points of a complete query whose messages are only information', async () => {
    cloudwatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        {
          Id: 'errors',
          StatusCode: 'Complete',
          Timestamps: [new Date('2026-11-18T00:00:00Z')],
          Values: [0.01],
          Messages: [
            {
              Code: 'ArithmeticError',
              Value: 'One or more data points have been dropped due to non-numeric values',
            },
          ],
        },
      ],
    });

    const series = await new CloudWatchMetrics({ region: 'eu-west-1', client: { credentials } }).dailyMetrics(
      {
        queries: [metric('errors')],
        ...days90,
      },
    );

    expect(series.get('errors')).toEqual([{ timestamp: '2026-11-18T00:00:00.000Z', value: 0.01 }]);
  });

  it('reads a member account metric in that account through its role, without AccountId', async () => {
    cloudwatch.on(GetMetricDataCommand).callsFake(complete);
    const member = { accessKeyId: 'member', secretAccessKey: 'member' };
    const asked: string[] = [];
    const metrics = new CloudWatchMetrics({
      region: 'eu-west-1',
      client: { credentials },
      accountAccess: (accountId) => {
        asked.push(accountId);
        return { credentials: member, credentialsKey: `role/${accountId}` };
      },
    });

    const series = await metrics.dailyMetrics({
      queries: [metric('local'), metric('remote', { accountId: '210987654321' })],
      ...days90,
    });

    expect(asked).toEqual(['210987654321']);
    const calls = await Promise.all(
      cloudwatch.commandCalls(GetMetricDataCommand).map(async (c) => ({
        key: (await (c.thisValue as CloudWatchClient).config.credentials()).accessKeyId,
        queries: c.args[0].input.MetricDataQueries?.map((q) => [q.Id, q.AccountId]),
      })),
    );
    expect(calls).toEqual([
      { key: 'test', queries: [['local', undefined]] },
      { key: 'member', queries: [['remote', undefined]] },
    ]);
    expect([...series.keys()].sort()).toEqual(['local', 'remote']);
  });

  it('sends a metric-math expression with the member-account metrics it names', async () => {
    cloudwatch.on(GetMetricDataCommand).callsFake(complete);
    const metrics = new CloudWatchMetrics({
      region: 'eu-west-1',
      client: { credentials },
      accountAccess: () => ({ credentials: { accessKeyId: 'member', secretAccessKey: 'member' } }),
    });

    await metrics.dailyMetrics({
      queries: [
        metric('errors', { accountId: '210987654321' }),
        metric('requests', { accountId: '210987654321' }),
        expression('rate', 'errors / requests'),
      ],
      ...days90,
    });

    const calls = cloudwatch
      .commandCalls(GetMetricDataCommand)
      .map((c) => c.args[0].input.MetricDataQueries?.map((q) => q.Id));
    expect(calls).toEqual([['errors', 'requests', 'rate']]);
  });

  it('refuses an expression over metrics of two accounts, naming the query', async () => {
    const metrics = new CloudWatchMetrics({
      region: 'eu-west-1',
      client: { credentials },
      accountAccess: () => ({}),
    });
    await expect(
      metrics.dailyMetrics({
        queries: [
          metric('a', { accountId: '210987654321' }),
          metric('b', { accountId: '345678901234' }),
          expression('sum', 'a + b'),
        ],
        ...days90,
      }),
    ).rejects.toThrow(/metric query .*several accounts/);
  });

  it('asks each query in its own region', async () => {
    cloudwatch.on(GetMetricDataCommand).callsFake(complete);
    const metrics = new CloudWatchMetrics({ region: 'eu-west-1', client: { credentials } });

    await metrics.dailyMetrics({ queries: [metric('eu'), metric('us', { region: 'us-east-1' })], ...days90 });

    const regions = await Promise.all(
      cloudwatch.commandCalls(GetMetricDataCommand).map(async (c) => ({
        region: await (c.thisValue as CloudWatchClient).config.region(),
        ids: c.args[0].input.MetricDataQueries?.map((q) => q.Id),
      })),
    );
    expect(regions).toEqual([
      { region: 'eu-west-1', ids: ['eu'] },
      { region: 'us-east-1', ids: ['us'] },
    ]);
  });

  it('fails the region with the missing permission on AccessDenied', async () => {
    cloudwatch
      .on(GetMetricDataCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));

    const failure = new CloudWatchMetrics({ region: 'eu-west-1', client: { credentials } }).dailyMetrics({
      queries: [metric('requests')],
      ...days90,
    });

    await expect(failure).rejects.toBeInstanceOf(ScanError);
    await expect(failure).rejects.toThrow(
      'metrics/eu-west-1: GetMetricData failed: AccessDenied: not authorized (does the role allow cloudwatch:GetMetricData?)',
    );
  });
});
