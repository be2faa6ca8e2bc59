import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { roleAssumer } from '../../../../shared/adapters/aws/assume-role.js';
import { clearAwsClients } from '../../../../shared/adapters/aws/clients.js';
import {
  CloudWatchLogGroups,
  DESCRIBE_LOG_GROUPS_LIMIT,
} from '../../../../shared/adapters/aws/cloudwatch-log-groups.js';
import { ScanError } from '../../../../shared/core/errors.js';

/**
 * Shapes from the Amazon CloudWatch Logs API Reference, DescribeLogGroups:
 * request `limit` (1–50, 50 when unset) and `nextToken`; response
 * `logGroups[]` (`logGroupName`, `retentionInDays` — absent when the group
 * never expires, `arn` ending in `:*`, `logGroupArn` without it) and
 * `nextToken`. Checked against @aws-sdk/client-cloudwatch-logs
 * models_0.d.ts (DescribeLogGroupsRequest, LogGroup).
 */
const A = '333333333333';
const ROLE = 'FinopsGuardrailsMemberRead';
const assumed = {
  Credentials: {
    AccessKeyId: 'ASIA',
    SecretAccessKey: 's',
    SessionToken: 't',
    Expiration: new Date(Date.now() + 3_600_000),
  },
};
const group = (name: string, retentionInDays?: number) => ({
  logGroupName: name,
  ...(retentionInDays !== undefined && { retentionInDays }),
  arn: `arn:aws:logs:eu-west-1:${A}:log-group:${name}:*`,
  logGroupArn: `arn:aws:logs:eu-west-1:${A}:log-group:${name}`,
  storedBytes: 1024,
});

describe('CloudWatchLogGroups', () => {
  const logs = mockClient(CloudWatchLogsClient);
  const sts = mockClient(STSClient);
  afterEach(() => {
    logs.reset();
    sts.reset();
    clearAwsClients();
  });
  const assumedRoles: string[] = [];
  const source = () => {
    const assumer = roleAssumer({ purpose: 'cost-policy' });
    return new CloudWatchLogGroups({
      assumer: {
        ...assumer,
        assume: (account, role, partition) => {
          assumedRoles.push(`${account}:${role}:${partition}`);
          return assumer.assume(account, role, partition);
        },
      },
      memberRoleName: ROLE,
      retry: { sleep: async () => {}, random: () => 0 },
    });
  };

  it('lists every page through the member role; an absent retention means never expires', async () => {
    sts.on(AssumeRoleCommand).resolves(assumed);
    logs
      .on(DescribeLogGroupsCommand, { nextToken: undefined })
      .resolves({ logGroups: [group('/aws/lambda/a', 30)], nextToken: 't2' })
      .on(DescribeLogGroupsCommand, { nextToken: 't2' })
      .resolves({ logGroups: [group('/app/audit')] });
    const groups = await source().listLogGroups(A, 'eu-west-1');
    expect(groups).toEqual([
      {
        logGroupName: '/aws/lambda/a',
        retentionInDays: 30,
        arn: `arn:aws:logs:eu-west-1:${A}:log-group:/aws/lambda/a`,
      },
      { logGroupName: '/app/audit', arn: `arn:aws:logs:eu-west-1:${A}:log-group:/app/audit` },
    ]);
    expect(logs).toHaveReceivedCommandWith(DescribeLogGroupsCommand, { limit: DESCRIBE_LOG_GROUPS_LIMIT });
    expect(logs).toHaveReceivedCommandTimes(DescribeLogGroupsCommand, 2);
    expect(assumedRoles).toEqual([`${A}:${ROLE}:aws`]);
  });

  it('fails the scope, naming the permission, when the role may not describe log groups', async () => {
    sts.on(AssumeRoleCommand).resolves(assumed);
    logs
      .on(DescribeLogGroupsCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: {} }));
    const error = (await source()
      .listLogGroups(A, 'eu-west-1')
      .catch((e: unknown) => e)) as ScanError;
    expect(error).toBeInstanceOf(ScanError);
    expect(error.scope).toBe(`${A}/eu-west-1`);
    expect(error.reason).toMatch(/logs:DescribeLogGroups/);
  });
});
