import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  ConfigServiceClient,
  DescribeConfigurationAggregatorSourcesStatusCommand,
  SelectAggregateResourceConfigCommand,
  type SelectAggregateResourceConfigCommandInput,
} from '@aws-sdk/client-config-service';
import { CostExplorerClient, GetCostAndUsageWithResourcesCommand } from '@aws-sdk/client-cost-explorer';
import {
  ListAccountsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configSchema } from '../../shared/config/schema.js';
import type { Envelope } from '../../shared/core/envelope.js';
import {
  bodies,
  expectStagedThenApplied,
  recordDeliveryAndState,
  lambdaContext as supportContext,
} from '../support/lambda.js';

/**
 * The cost-policy function in one account (no management account named):
 * Organizations and the aggregator with its own role, log groups through
 * the member role. Row shapes: SelectAggregateResourceConfig `Results[]`
 * (JSON strings; tags as `[{key, value}]`); DescribeLogGroups `logGroups[]`
 * (no `retentionInDays`: never expires).
 */
const TOOLING = '200000000002';
const PAYMENTS = '111111111111';
const QUEUE_URL = `https://sqs.us-east-1.amazonaws.com/${TOOLING}/incidents`;
const LAMBDA_KEY = 'AKIALAMBDAROLE';

const CONFIG = configSchema.parse({
  version: 1,
  organization: {
    regions: ['us-east-1'],
    inventory: { config: { aggregatorName: 'org-aggregator', region: 'us-east-1' } },
  },
  costPolicy: {
    rules: [
      { id: 'approved-types', kind: 'allowed-instance-types', allow: ['t4g.*'] },
      { id: 'logs-expire', kind: 'log-retention', maxDays: 400 },
    ],
  },
});

const SCHEDULED_EVENT = {
  source: 'finops-guardrails.schedule',
  check: 'cost-policy',
  scheduledTime: '2026-05-04T06:00:00Z',
  executionId: 'schedule-execution-1',
};

const row = (resourceType: string, id: string, configuration: Record<string, unknown>) =>
  JSON.stringify({
    resourceId: id,
    resourceType,
    arn: `arn:aws:${resourceType.split('::')[1]?.toLowerCase()}:us-east-1:${PAYMENTS}:x/${id}`,
    accountId: PAYMENTS,
    awsRegion: 'us-east-1',
    configurationItemStatus: 'OK',
    tags: [{ key: 'owner', value: 'web', tag: 'owner=web' }],
    configuration,
  });

describe('cost-policy handler', () => {
  const sts = mockClient(STSClient);
  const organizations = mockClient(OrganizationsClient);
  const config = mockClient(ConfigServiceClient);
  const logs = mockClient(CloudWatchLogsClient);
  const sqs = mockClient(SQSClient);
  const dynamo = mockClient(DynamoDBDocumentClient);
  const ce = mockClient(CostExplorerClient);
  let calls: string[] = [];
  let logSigners: string[] = [];
  let clearAwsClients: () => void = () => {};

  beforeEach(() => {
    calls = [];
    logSigners = [];
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', LAMBDA_KEY);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'lambda-secret');
    vi.stubEnv('STATE_TABLE_NAME', 'guardrails-state');
    vi.stubEnv('INCIDENT_QUEUE_URL', QUEUE_URL);
    vi.stubEnv('GUARDRAILS_CONFIG', JSON.stringify(CONFIG));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    sts.on(GetCallerIdentityCommand).resolves({
      Account: TOOLING,
      Arn: `arn:aws:sts::${TOOLING}:assumed-role/cost-policy/fn`,
    });
    sts.on(AssumeRoleCommand).callsFake((input: AssumeRoleCommandInput) => ({
      Credentials: {
        AccessKeyId: `AKIA${/::(\d{12}):role\//.exec(input.RoleArn ?? '')?.[1] ?? ''}`,
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    }));
    organizations
      .on(ListAccountsCommand)
      .resolves({ Accounts: [{ Id: PAYMENTS, Name: 'payments-prod', Status: 'ACTIVE', State: 'ACTIVE' }] });
    organizations.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'owner', Value: 'payments' }] });
    config.on(DescribeConfigurationAggregatorSourcesStatusCommand).resolves({
      AggregatedSourceStatusList: [
        {
          SourceId: 'o-abc',
          SourceType: 'ORGANIZATION',
          AwsRegion: 'us-east-1',
          LastUpdateStatus: 'SUCCEEDED',
        },
      ],
    });
    config
      .on(SelectAggregateResourceConfigCommand)
      .callsFake((input: SelectAggregateResourceConfigCommandInput) => {
        const expression = input.Expression ?? '';
        if (expression.includes("'AWS::Lambda::Function'"))
          return { Results: [row('AWS::Lambda::Function', 'render', { functionName: 'render' })] };
        return { Results: [row('AWS::EC2::Instance', 'i-big', { instanceType: 'm5.24xlarge' })] };
      });
    logs.on(DescribeLogGroupsCommand).callsFake(async (_input, getClient) => {
      const provider = getClient().config.credentials as () => Promise<{ accessKeyId: string }>;
      logSigners.push((await provider()).accessKeyId);
      return { logGroups: [{ logGroupName: '/aws/lambda/render', storedBytes: 10 }] };
    });
    // Resource-level cost (Cost Explorer API Reference, GetCostAndUsageWithResources): EC2 names
    // instances by id; $10 a day over the 13 days read.
    ce.on(GetCostAndUsageWithResourcesCommand).resolves({ ResultsByTime: [] });
    ce.on(GetCostAndUsageWithResourcesCommand, {
      Filter: { Dimensions: { Key: 'SERVICE', Values: ['Amazon Elastic Compute Cloud - Compute'] } },
    }).resolves({
      ResultsByTime: [
        {
          TimePeriod: { Start: '2026-04-21', End: '2026-05-04' },
          Groups: [{ Keys: ['i-big'], Metrics: { UnblendedCost: { Amount: '130', Unit: 'USD' } } }],
        },
      ],
    });
    recordDeliveryAndState({ dynamo, sqs }, calls);
  });

  afterEach(() => {
    clearAwsClients();
    for (const mock of [sts, organizations, config, logs, sqs, dynamo, ce]) mock.reset();
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  async function coldStart() {
    vi.resetModules();
    clearAwsClients = (await import('../../shared/adapters/aws/clients.js')).clearAwsClients;
    return (await import('../../functions/cost-policy/handler.js')).handler;
  }

  /** A cold start, then one scheduled invocation. */
  async function runScheduled() {
    const handler = await coldStart();
    return handler(
      SCHEDULED_EVENT,
      supportContext({
        functionName: 'finops-guardrails-cost-policy',
        region: 'us-east-1',
        accountId: TOOLING,
      }),
    );
  }

  const sent = (): Envelope[] =>
    sqs.commandCalls(SendMessageBatchCommand).flatMap((call) => bodies(call.args[0].input));

  it('queries Config once per rule kind, reads log groups through the member role, and delivers owner digests', async () => {
    const summary = await runScheduled();
    const events = sent();
    expect(summary).toMatchObject({ check: 'cost-policy', scanGaps: 0, events: events.length });
    expect(events.map((e) => e.dedupkey).sort()).toEqual([
      `cost-policy:approved-types:${PAYMENTS}:web`,
      `cost-policy:logs-expire:${PAYMENTS}:web`,
    ]);
    expect(
      events.every((e) => e.type === 'finops-guardrails.guardrail.policy' && e.severity === 'info'),
    ).toBe(true);
    expect(config).toHaveReceivedCommandTimes(SelectAggregateResourceConfigCommand, 2);
    // Which regions the aggregator holds is read before its answers are trusted.
    expect(config).toHaveReceivedCommandWith(DescribeConfigurationAggregatorSourcesStatusCommand, {
      ConfigurationAggregatorName: 'org-aggregator',
    });
    expect(config).toHaveReceivedCommandWith(SelectAggregateResourceConfigCommand, {
      ConfigurationAggregatorName: 'org-aggregator',
      Limit: 100,
    });
    expect(logSigners).toEqual([`AKIA${PAYMENTS}`]);
    // The instance's cost from resource-level data: $130 over 13 days, scaled to 30.
    const big = events.find((e) => e.dedupkey === `cost-policy:approved-types:${PAYMENTS}:web`);
    expect(big?.data.impact?.usdPerMonth).toBe(300);
    expect(ce).toHaveReceivedCommandWith(GetCostAndUsageWithResourcesCommand, {
      TimePeriod: { Start: '2026-04-21', End: '2026-05-04' },
      GroupBy: [{ Type: 'DIMENSION', Key: 'RESOURCE_ID' }],
    });
    expectStagedThenApplied(calls);
  });

  it('a region the aggregator no longer collects is a scan gap, and no digest is raised from a partial view', async () => {
    config.on(DescribeConfigurationAggregatorSourcesStatusCommand).resolves({
      AggregatedSourceStatusList: [
        { SourceId: 'o-abc', SourceType: 'ORGANIZATION', AwsRegion: 'us-east-1', LastUpdateStatus: 'FAILED' },
      ],
    });
    const summary = await runScheduled();
    expect(summary).toMatchObject({ scanGaps: 1 });
    expect(sent().map((e) => `${e.type} ${e.subject}`)).toEqual([
      'finops-guardrails.guardrail.scan-gap policy/aggregator/us-east-1',
    ]);
  });

  it('with the aggregator gone, raises a scan gap per rule and delivers no digest', async () => {
    config
      .on(SelectAggregateResourceConfigCommand)
      .rejects(Object.assign(new Error('no aggregator'), { name: 'NoSuchConfigurationAggregatorException' }));
    const summary = await runScheduled();
    expect(summary).toMatchObject({ scanGaps: 2 });
    const gaps = sent().filter((e) => e.type === 'finops-guardrails.guardrail.scan-gap');
    expect(gaps.map((e) => e.subject).sort()).toEqual(['policy/approved-types', 'policy/logs-expire']);
    expect(gaps[0]?.data.summary).toMatch(/no such configuration aggregator/);
    expect(sent().some((e) => e.type === 'finops-guardrails.guardrail.policy')).toBe(false);
  });
});
