import {
  CostExplorerClient,
  DataUnavailableException,
  GetCostAndUsageCommand,
  ListCostAllocationTagsCommand,
  type ResultByTime,
} from '@aws-sdk/client-cost-explorer';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { roleAssumer } from '../../../../shared/adapters/aws/assume-role.js';
import { clearAwsClients } from '../../../../shared/adapters/aws/clients.js';
import {
  CostExplorerTagSpend,
  untaggedSpendFromResults,
} from '../../../../shared/adapters/aws/cost-explorer-tag-spend.js';
import { InputError } from '../../../../shared/core/errors.js';

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const staticCredentials = async () => ({ accessKeyId: 'test', secretAccessKey: 'test' });
const exact = (key: string) => ({ key, keyCase: 'exact' as const });
const insensitive = (key: string) => ({ key, keyCase: 'insensitive' as const });
/** A ListCostAllocationTags entry, as the API reference's response syntax shows it. */
const costTag = (TagKey: string, Status: 'Active' | 'Inactive') => ({
  TagKey,
  Type: 'UserDefined' as const,
  Status,
  LastUpdatedDate: '2026-01-15T00:00:00Z',
  LastUsedDate: '2026-02-01T00:00:00Z',
});

const group = (account: string, tagGroup: string, amount: string, metric = 'AmortizedCost') => ({
  Keys: [account, tagGroup],
  Metrics: { [metric]: { Amount: amount, Unit: 'USD' } },
});
/** A MONTHLY result as Cost Explorer returns it when grouping: empty Total, string amounts. */
const month = (start: string, end: string, groups: ReturnType<typeof group>[]): ResultByTime => ({
  TimePeriod: { Start: start, End: end },
  Total: {},
  Groups: groups,
  Estimated: false,
});

describe('untaggedSpendFromResults', () => {
  it('sums the `key$` groups as untagged and every group as the total, across periods and pages', () => {
    const page1 = [
      month('2026-02-01', '2026-03-01', [
        group(A, 'owner$', '12.34'),
        group(A, 'owner$payments', '100.00'),
        group(B, 'owner$', '0.0000004'),
      ]),
      month('2026-03-01', '2026-03-02', [group(A, 'owner$', '1.66')]),
    ];
    const page2 = [
      month('2026-02-01', '2026-03-01', [group(B, 'owner$data', '50'), group(C, 'owner$', '-2.5')]),
      month('2026-03-01', '2026-03-02', [group(A, 'owner$payments', '10')]),
    ];

    const spend = untaggedSpendFromResults([...page1, ...page2], 'owner');

    expect(spend.get(A)?.totalUsd).toBeCloseTo(124);
    expect(spend.get(A)?.untaggedUsd).toBeCloseTo(14);
    expect(spend.get(B)).toEqual({ totalUsd: 50.0000004, untaggedUsd: 0.0000004 });
    expect(spend.get(C)).toEqual({ totalUsd: -2.5, untaggedUsd: -2.5 });
  });

  it('counts blank values as untagged, and tells the untagged group from a value that starts like it', () => {
    const spend = untaggedSpendFromResults(
      [
        month('2026-02-01', '2026-03-01', [
          group(A, 'env$', '3'),
          group(A, 'env$$', '4'),
          group(A, 'env$ ', '5'),
        ]),
      ],
      'env',
    );

    // `env$$` is the value `$`; `env$ ` is a blank value, which lacks the key as much as `env$`.
    expect(spend.get(A)).toEqual({ totalUsd: 12, untaggedUsd: 8 });
  });

  it('reads the configured metric', () => {
    const spend = untaggedSpendFromResults(
      [month('2026-02-01', '2026-03-01', [group(A, 'owner$', '7', 'NetAmortizedCost')])],
      'owner',
      'NetAmortizedCost',
    );

    expect(spend.get(A)).toEqual({ totalUsd: 7, untaggedUsd: 7 });
  });

  it('returns nothing for periods without groups', () => {
    expect(
      untaggedSpendFromResults(
        [{ TimePeriod: { Start: '2026-02-01', End: '2026-03-01' }, Groups: [] }],
        'owner',
      ).size,
    ).toBe(0);
  });

  it('rejects groups of another key, a missing metric and amounts that are not numbers', () => {
    const at = (g: ReturnType<typeof group>) => () =>
      untaggedSpendFromResults([month('2026-02-01', '2026-03-01', [g])], 'owner');

    expect(at(group(A, 'team$x', '1'))).toThrow(InputError);
    expect(at(group(A, 'owner$', '1', 'UnblendedCost'))).toThrow(/no numeric AmortizedCost amount/);
    expect(at(group(A, 'owner$', 'n/a'))).toThrow(/ResultsByTime\[0\]\.Groups\[0\]/);
  });
});

describe('CostExplorerTagSpend', () => {
  const ce = mockClient(CostExplorerClient);
  const sts = mockClient(STSClient);
  afterEach(() => {
    ce.reset();
    sts.reset();
    clearAwsClients();
  });

  const window = { start: new Date('2026-02-01T00:00:00Z'), end: new Date('2026-03-03T00:00:00Z') };
  beforeEach(() => {
    ce.on(ListCostAllocationTagsCommand).resolves({
      CostAllocationTags: [costTag('owner', 'Active'), costTag('cost-center', 'Active')],
    });
  });

  it('makes one monthly query per key, grouped by account and tag, of amortized usage, following pages', async () => {
    ce.on(GetCostAndUsageCommand, {
      GroupBy: [
        { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
        { Type: 'TAG', Key: 'owner' },
      ],
    })
      .resolvesOnce({
        ResultsByTime: [
          month('2026-02-01', '2026-03-01', [group(A, 'owner$', '10'), group(A, 'owner$pay', '30')]),
        ],
        NextPageToken: 'next',
      })
      .resolvesOnce({
        ResultsByTime: [
          month('2026-02-01', '2026-03-01', [group(B, 'owner$data', '5')]),
          month('2026-03-01', '2026-03-03', [group(A, 'owner$', '2')]),
        ],
      });
    ce.on(GetCostAndUsageCommand, {
      GroupBy: [
        { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
        { Type: 'TAG', Key: 'cost-center' },
      ],
    }).resolves({
      ResultsByTime: [
        month('2026-02-01', '2026-03-01', [group(A, 'cost-center$', '40'), group(B, 'cost-center$', '5')]),
        month('2026-03-01', '2026-03-03', [group(A, 'cost-center$', '2')]),
      ],
    });
    const source = new CostExplorerTagSpend({ managementRoleName: 'Mgmt', credentials: staticCredentials });

    const spend = await source.untaggedSpend({
      accountIds: [A, B, C],
      keys: [exact('owner'), exact('cost-center')],
      ...window,
    });

    expect(spend.accounts).toEqual([
      { accountId: A, totalUsd: 42, untaggedUsdByKey: { owner: 12, 'cost-center': 42 } },
      { accountId: B, totalUsd: 5, untaggedUsdByKey: { owner: 0, 'cost-center': 5 } },
      { accountId: C, totalUsd: 0, untaggedUsdByKey: { owner: 0, 'cost-center': 0 } },
    ]);
    expect(spend.inactiveKeys).toEqual([]);
    // Two GetCostAndUsage pages for owner, one for cost-center, one ListCostAllocationTags.
    expect(source.calls).toBe(4);
    expect(ce).toReceiveCommandTimes(GetCostAndUsageCommand, 3);
    expect(ce).toReceiveCommandWith(GetCostAndUsageCommand, {
      TimePeriod: { Start: '2026-02-01', End: '2026-03-03' },
      Granularity: 'MONTHLY',
      // Amortized usage, covered by RIs and Savings Plans too: see the next test.
      Metrics: ['AmortizedCost'],
      Filter: {
        Dimensions: { Key: 'RECORD_TYPE', Values: ['Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage'] },
      },
      GroupBy: [
        { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
        { Type: 'TAG', Key: 'owner' },
      ],
      NextPageToken: 'next',
    });
    const client = ce.commandCalls(GetCostAndUsageCommand)[0]?.thisValue as CostExplorerClient;
    expect(await client.config.region()).toBe('us-east-1');
  });

  it('counts a tagged fleet covered by Reserved Instances and Savings Plans in the total and as tagged', async () => {
    // What Cost Explorer answers per RECORD_TYPE for one account's month (amortized):
    // on-demand $10 untagged; a Savings-Plan-covered fleet tagged owner=data at its
    // commitment share, $60; RI-covered instances tagged owner=data, $30 (0 unblended:
    // CUR guide, "Understanding your reservation line items" > "RI discount benefits").
    const answer: Record<string, ReturnType<typeof group>[]> = {
      Usage: [group(A, 'owner$', '10')],
      SavingsPlanCoveredUsage: [group(A, 'owner$data', '60')],
      DiscountedUsage: [group(A, 'owner$data', '30')],
    };
    ce.on(GetCostAndUsageCommand).callsFake((input: { Filter?: { Dimensions?: { Values?: string[] } } }) => ({
      ResultsByTime: [
        month(
          '2026-02-01',
          '2026-03-01',
          (input.Filter?.Dimensions?.Values ?? []).flatMap((recordType) => answer[recordType] ?? []),
        ),
      ],
    }));

    const spend = await new CostExplorerTagSpend({
      managementRoleName: 'Mgmt',
      credentials: staticCredentials,
    }).untaggedSpend({ accountIds: [A], keys: [exact('owner')], ...window });

    // With Usage alone this would read $10 of $10 untagged (100%); it is $10 of $100.
    expect(spend.accounts).toEqual([{ accountId: A, totalUsd: 100, untaggedUsdByKey: { owner: 10 } }]);
    expect(ce).toReceiveCommandWith(GetCostAndUsageCommand, {
      Metrics: ['AmortizedCost'],
      Filter: {
        Dimensions: { Key: 'RECORD_TYPE', Values: ['Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage'] },
      },
    });
  });

  it('asks for the configured metric', async () => {
    ce.on(GetCostAndUsageCommand).resolves({
      ResultsByTime: [month('2026-02-01', '2026-03-01', [group(A, 'owner$', '9', 'NetAmortizedCost')])],
    });

    const spend = await new CostExplorerTagSpend({
      managementRoleName: 'Mgmt',
      credentials: staticCredentials,
      metric: 'NetAmortizedCost',
    }).untaggedSpend({ accountIds: [A], keys: [exact('owner')], ...window });

    expect(spend.accounts).toEqual([{ accountId: A, totalUsd: 9, untaggedUsdByKey: { owner: 9 } }]);
    expect(ce).toReceiveCommandWith(GetCostAndUsageCommand, { Metrics: ['NetAmortizedCost'] });
  });

  it('reads spend through the management read role', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '444444444444', Arn: 'arn:aws:sts::444444444444:assumed-role/t/f' });
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIA',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    ce.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [] });

    await new CostExplorerTagSpend({
      managementAccountId: '999999999999',
      managementRoleName: 'FinopsGuardrailsManagementRead',
      assumer: roleAssumer({ purpose: 'tag-spend' }),
    }).untaggedSpend({ accountIds: [A], keys: [exact('owner')], ...window });

    const client = ce.commandCalls(GetCostAndUsageCommand)[0]?.thisValue as CostExplorerClient;
    expect(await client.config.credentials()).toMatchObject({ accessKeyId: 'ASIA' });
    expect(sts).toReceiveCommandWith(AssumeRoleCommand, {
      RoleArn: 'arn:aws:iam::999999999999:role/FinopsGuardrailsManagementRead',
    });
  });

  it('fails the spend scope when a page cannot be read', async () => {
    ce.on(GetCostAndUsageCommand)
      .resolvesOnce({
        ResultsByTime: [month('2026-02-01', '2026-03-01', [group(A, 'owner$', '1')])],
        NextPageToken: 'p2',
      })
      .rejectsOnce(new DataUnavailableException({ $metadata: {}, message: 'Data is not available' }));

    await expect(
      new CostExplorerTagSpend({ managementRoleName: 'Mgmt', credentials: staticCredentials }).untaggedSpend({
        accountIds: [A],
        keys: [exact('owner')],
        ...window,
      }),
    ).rejects.toMatchObject({
      name: 'ScanError',
      scope: 'spend',
      reason: 'GetCostAndUsage failed: DataUnavailableException: Data is not available',
    });
  });

  it('rejects an empty window without calling Cost Explorer', async () => {
    const source = new CostExplorerTagSpend({ managementRoleName: 'Mgmt', credentials: staticCredentials });

    await expect(
      source.untaggedSpend({ accountIds: [A], keys: [exact('owner')], start: window.end, end: window.start }),
    ).rejects.toThrow(InputError);
    expect(source.calls).toBe(0);
  });

  it('checks activation with one ListCostAllocationTags call for exact keys, and reports an inactive or absent key instead of querying it', async () => {
    ce.on(ListCostAllocationTagsCommand).resolves({
      CostAllocationTags: [costTag('owner', 'Inactive'), costTag('env', 'Active')],
    });
    ce.on(GetCostAndUsageCommand).resolves({
      ResultsByTime: [month('2026-02-01', '2026-03-01', [group(A, 'env$', '4'), group(A, 'env$prod', '6')])],
    });
    const source = new CostExplorerTagSpend({ managementRoleName: 'Mgmt', credentials: staticCredentials });

    const spend = await source.untaggedSpend({
      accountIds: [A],
      keys: [exact('owner'), exact('env'), exact('cost-center')],
      ...window,
    });

    expect(ce).toReceiveCommandWith(ListCostAllocationTagsCommand, {
      Type: 'UserDefined',
      TagKeys: ['owner', 'env', 'cost-center'],
      MaxResults: 1000,
    });
    expect(ce).toReceiveCommandTimes(GetCostAndUsageCommand, 1);
    expect(ce).toReceiveCommandWith(GetCostAndUsageCommand, {
      GroupBy: [
        { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
        { Type: 'TAG', Key: 'env' },
      ],
    });
    expect(spend.accounts).toEqual([{ accountId: A, totalUsd: 10, untaggedUsdByKey: { env: 4 } }]);
    expect(spend.inactiveKeys).toEqual([
      { key: 'owner', requiredKey: 'owner', status: 'Inactive' },
      { key: 'cost-center', requiredKey: 'cost-center', status: 'absent' },
    ]);
  });

  it('sums every active spelling of an insensitive key, since Cost Explorer groups by the exact key', async () => {
    ce.on(ListCostAllocationTagsCommand)
      .resolvesOnce({
        CostAllocationTags: [costTag('Environment', 'Active'), costTag('team', 'Active')],
        NextToken: 'p2',
      })
      .resolvesOnce({
        CostAllocationTags: [costTag('environment', 'Active'), costTag('ENVIRONMENT', 'Inactive')],
      });
    const byKey = (key: string, groups: ReturnType<typeof group>[]) =>
      ce
        .on(GetCostAndUsageCommand, {
          GroupBy: [
            { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
            { Type: 'TAG', Key: key },
          ],
        })
        .resolves({ ResultsByTime: [month('2026-02-01', '2026-03-01', groups)] });
    // $100 in A: $30 tagged Environment=prod, $20 environment=dev, $50 with neither.
    byKey('Environment', [group(A, 'Environment$', '70'), group(A, 'Environment$prod', '30')]);
    byKey('environment', [group(A, 'environment$', '80'), group(A, 'environment$dev', '20')]);
    const source = new CostExplorerTagSpend({ managementRoleName: 'Mgmt', credentials: staticCredentials });

    const spend = await source.untaggedSpend({
      accountIds: [A],
      keys: [insensitive('environment')],
      ...window,
    });

    // Without TagKeys: every user-defined key is listed, to find the other spellings.
    expect(ce.commandCalls(ListCostAllocationTagsCommand).map((c) => c.args[0].input)).toEqual([
      { Type: 'UserDefined', MaxResults: 1000 },
      { Type: 'UserDefined', MaxResults: 1000, NextToken: 'p2' },
    ]);
    expect(ce).toReceiveCommandTimes(GetCostAndUsageCommand, 2);
    expect(spend.accounts).toEqual([{ accountId: A, totalUsd: 100, untaggedUsdByKey: { environment: 50 } }]);
    expect(spend.inactiveKeys).toEqual([
      { key: 'ENVIRONMENT', requiredKey: 'environment', status: 'Inactive' },
    ]);
    expect(source.calls).toBe(4);
  });

  it('fails the spend scope, naming the permission, when activation cannot be read', async () => {
    ce.on(ListCostAllocationTagsCommand).rejects(
      Object.assign(new Error('not authorized to perform ce:ListCostAllocationTags'), {
        name: 'AccessDeniedException',
      }),
    );

    await expect(
      new CostExplorerTagSpend({ managementRoleName: 'Mgmt', credentials: staticCredentials }).untaggedSpend({
        accountIds: [A],
        keys: [exact('owner')],
        ...window,
      }),
    ).rejects.toMatchObject({
      name: 'ScanError',
      scope: 'spend',
      reason: expect.stringMatching(
        /^ListCostAllocationTags failed: AccessDeniedException: .*\(does the role allow ce:ListCostAllocationTags\?\)$/,
      ),
    });
    expect(ce).toReceiveCommandTimes(GetCostAndUsageCommand, 0);
  });

  it("calls Cost Explorer in its partition's region: cn-northwest-1 for a deployment in China", async () => {
    ce.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [] });

    await new CostExplorerTagSpend({
      managementRoleName: 'Mgmt',
      assumer: roleAssumer({ purpose: 'tag-spend', partition: 'aws-cn' }),
    }).untaggedSpend({ accountIds: [A], keys: [exact('owner')], ...window });

    const client = ce.commandCalls(GetCostAndUsageCommand)[0]?.thisValue as CostExplorerClient;
    expect(await client.config.region()).toBe('cn-northwest-1');
  });
});
