import {
  ConfigServiceClient,
  DescribeConfigurationAggregatorSourcesStatusCommand,
  InvalidExpressionException,
  NoSuchConfigurationAggregatorException,
  SelectAggregateResourceConfigCommand,
} from '@aws-sdk/client-config-service';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { roleAssumer } from '../../../../shared/adapters/aws/assume-role.js';
import { clearAwsClients } from '../../../../shared/adapters/aws/clients.js';
import {
  ConfigAggregatorQuery,
  EXPRESSION_MAX,
} from '../../../../shared/adapters/aws/config-aggregator-query.js';
import { CONFIG_QUERIES } from '../../../../shared/checks/cost-policy/config-queries.js';
import { ScanError } from '../../../../shared/core/errors.js';

/**
 * Shapes from the AWS Config API Reference, SelectAggregateResourceConfig:
 * request `ConfigurationAggregatorName`, `Expression` (1–4096 characters),
 * `Limit` (0–100), `NextToken`; response `Results` (a list of JSON strings),
 * `QueryInfo.SelectFields`, `NextToken`; errors InvalidExpressionException,
 * InvalidLimitException, InvalidNextTokenException,
 * NoSuchConfigurationAggregatorException (client faults). Checked against
 * @aws-sdk/client-config-service's SelectAggregateResourceConfigCommand.d.ts.
 * DescribeConfigurationAggregatorSourcesStatus (API Reference): request
 * `ConfigurationAggregatorName`, `UpdateStatus`, `NextToken`, `Limit`;
 * response `AggregatedSourceStatusList[]` of `{SourceId, SourceType
 * (ACCOUNT | ORGANIZATION), AwsRegion, LastUpdateStatus (FAILED | SUCCEEDED |
 * OUTDATED), LastErrorCode, LastErrorMessage}` and `NextToken`.
 */
const MANAGEMENT = '111111111111';
const query =
  CONFIG_QUERIES[0] ??
  (() => {
    throw new Error('no queries');
  })();
const row = (id: string) =>
  JSON.stringify({
    resourceId: id,
    resourceType: 'AWS::EC2::Instance',
    accountId: '333333333333',
    awsRegion: 'eu-west-1',
    configuration: { instanceType: 'm5.large' },
    tags: [{ key: 'owner', value: 'web', tag: 'owner=web' }],
  });

describe('ConfigAggregatorQuery', () => {
  const config = mockClient(ConfigServiceClient);
  const sts = mockClient(STSClient);
  const slept: number[] = [];
  beforeEach(() => {
    // The caller is the aggregator's account itself: its own credentials, no role.
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: MANAGEMENT, Arn: `arn:aws:sts::${MANAGEMENT}:assumed-role/r/s` });
  });
  afterEach(() => {
    config.reset();
    sts.reset();
    clearAwsClients();
    slept.length = 0;
  });
  const aggregator = () =>
    new ConfigAggregatorQuery({
      aggregatorName: 'org-aggregator',
      region: 'us-east-1',
      account: { managementAccountId: MANAGEMENT, managementRoleName: 'Mgmt' },
      assumer: roleAssumer({ purpose: 'cost-policy' }),
      retry: { sleep: async (ms) => void slept.push(ms), random: () => 0.5 },
    });

  it('sends the kind’s expression, 100 rows a page, and follows NextToken across pages', async () => {
    config
      .on(SelectAggregateResourceConfigCommand, { NextToken: undefined })
      .resolves({ Results: [row('i-1'), row('i-2')], NextToken: 'p2' })
      .on(SelectAggregateResourceConfigCommand, { NextToken: 'p2' })
      .resolves({ Results: [row('i-3')], NextToken: 'p3' })
      .on(SelectAggregateResourceConfigCommand, { NextToken: 'p3' })
      .resolves({ Results: [row('i-4')] });
    const rows = await aggregator().select(query);
    expect(rows.map((r) => (JSON.parse(r.raw as string) as { resourceId: string }).resourceId)).toEqual([
      'i-1',
      'i-2',
      'i-3',
      'i-4',
    ]);
    expect(rows[2]?.where).toBe('SelectAggregateResourceConfig allowed-instance-types page 2 Results[0]');
    expect(config).toHaveReceivedCommandTimes(SelectAggregateResourceConfigCommand, 3);
    expect(config).toHaveReceivedCommandWith(SelectAggregateResourceConfigCommand, {
      ConfigurationAggregatorName: 'org-aggregator',
      Expression: query.expression,
      Limit: 100,
    });
  });

  it('fails the query, naming the aggregator, when the aggregator does not exist', async () => {
    config
      .on(SelectAggregateResourceConfigCommand)
      .rejects(new NoSuchConfigurationAggregatorException({ message: 'not found', $metadata: {} }));
    const error = await aggregator()
      .select(query)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanError);
    expect((error as ScanError).reason).toMatch(
      /no such configuration aggregator.*NoSuchConfigurationAggregatorException/,
    );
    expect(slept).toEqual([]);
  });

  it('does not retry a refused expression', async () => {
    config
      .on(SelectAggregateResourceConfigCommand)
      .rejects(new InvalidExpressionException({ message: 'bad field', $metadata: {} }));
    const error = (await aggregator()
      .select(query)
      .catch((e: unknown) => e)) as ScanError;
    expect(error.reason).toMatch(/refused the query expression.*InvalidExpressionException: bad field/);
    expect(config).toHaveReceivedCommandTimes(SelectAggregateResourceConfigCommand, 1);
  });

  it('backs off on throttling that outlasts the SDK, then fails the query if it persists', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: {},
    });
    config
      .on(SelectAggregateResourceConfigCommand)
      .rejectsOnce(throttled)
      .resolves({ Results: [row('i-1')] });
    expect(await aggregator().select(query)).toHaveLength(1);
    expect(slept).toHaveLength(1);
    config.reset();
    slept.length = 0;
    config.on(SelectAggregateResourceConfigCommand).rejects(throttled);
    const error = (await aggregator()
      .select(query)
      .catch((e: unknown) => e)) as ScanError;
    expect(error.reason).toMatch(/ThrottlingException/);
    expect(slept).toHaveLength(3);
  });

  it('refuses a repeated NextToken instead of looping, and an expression past the limit before sending it', async () => {
    config.on(SelectAggregateResourceConfigCommand).resolves({ Results: [row('i-1')], NextToken: 'same' });
    await expect(aggregator().select(query)).rejects.toThrow(/repeated a NextToken/);
    config.reset();
    const long = { ...query, expression: `SELECT ${'x,'.repeat(EXPRESSION_MAX)}` };
    await expect(aggregator().select(long)).rejects.toThrow(/more than 4096/);
    expect(config).toHaveReceivedCommandTimes(SelectAggregateResourceConfigCommand, 0);
  });

  it('reports the configured regions the aggregator does not hold, reading every page of the sources status', async () => {
    const source = (region: string, status: string, error?: string) => ({
      SourceId: 'o-abc1234567',
      SourceType: 'ORGANIZATION' as const,
      AwsRegion: region,
      LastUpdateStatus: status as 'FAILED',
      ...(error && { LastErrorCode: error, LastErrorMessage: 'recorder stopped' }),
    });
    config
      .on(DescribeConfigurationAggregatorSourcesStatusCommand, { NextToken: undefined })
      .resolves({ AggregatedSourceStatusList: [source('us-east-1', 'SUCCEEDED')], NextToken: 's2' })
      .on(DescribeConfigurationAggregatorSourcesStatusCommand, { NextToken: 's2' })
      .resolves({
        AggregatedSourceStatusList: [
          source('eu-west-1', 'FAILED', 'AccessDenied'),
          source('eu-central-1', 'OUTDATED'),
        ],
      });
    const uncovered = await aggregator().uncoveredRegions([
      'us-east-1',
      'eu-west-1',
      'eu-central-1',
      'ap-south-1',
    ]);
    expect(uncovered).toEqual([
      {
        region: 'eu-west-1',
        reason: expect.stringMatching(
          /last failed to collect eu-west-1: FAILED \(AccessDenied: recorder stopped\)/,
        ),
      },
      { region: 'ap-south-1', reason: 'the aggregator org-aggregator does not aggregate ap-south-1' },
    ]);
    expect(config).toHaveReceivedCommandTimes(DescribeConfigurationAggregatorSourcesStatusCommand, 2);
  });
});
