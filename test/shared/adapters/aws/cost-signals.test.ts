import {
  AccessDeniedException,
  type Budget,
  BudgetsClient,
  DescribeBudgetsCommand,
  NotFoundException,
} from '@aws-sdk/client-budgets';
import { type Anomaly, CostExplorerClient, GetAnomaliesCommand } from '@aws-sdk/client-cost-explorer';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { roleAssumer } from '../../../../shared/adapters/aws/assume-role.js';
import { clearAwsClients } from '../../../../shared/adapters/aws/clients.js';
import { AwsCostExplorerSignals, budgetStatus } from '../../../../shared/adapters/aws/cost-signals.js';

const MGMT = '999999999999';
const A = '111111111111';
const MONITOR = 'arn:aws:ce::999999999999:anomalymonitor/0a1b2c3d';
const staticCredentials = async () => ({ accessKeyId: 'test', secretAccessKey: 'test' });

const anomaly = (id: string, extra: Partial<Anomaly> = {}): Anomaly => ({
  AnomalyId: id,
  MonitorArn: MONITOR,
  AnomalyStartDate: '2026-11-10',
  AnomalyEndDate: '2026-11-12',
  AnomalyScore: { MaxScore: 0.82, CurrentScore: 0.4 },
  Impact: { MaxImpact: 90, TotalImpact: 150.5, TotalActualSpend: 400.5, TotalExpectedSpend: 250 },
  ...extra,
});
const budget = (name: string, extra: Partial<Budget> = {}): Budget => ({
  BudgetName: name,
  BudgetType: 'COST',
  TimeUnit: 'MONTHLY',
  BudgetLimit: { Amount: '1000.0', Unit: 'USD' },
  CalculatedSpend: {
    ActualSpend: { Amount: '612.34', Unit: 'USD' },
    ForecastedSpend: { Amount: '1100', Unit: 'USD' },
  },
  ...extra,
});

describe('budgetStatus', () => {
  it('reads string amounts and leaves out budgets that do not count dollars', () => {
    expect(budgetStatus(budget('platform'))).toEqual({
      name: 'platform',
      limitUsd: 1000,
      actualUsd: 612.34,
      forecastUsd: 1100,
      timeUnit: 'MONTHLY',
    });
    expect(
      budgetStatus(budget('hours', { BudgetType: 'USAGE', BudgetLimit: { Amount: '720', Unit: 'Hrs' } })),
    ).toBe(undefined);
    expect(() => budgetStatus(budget('bad', { BudgetLimit: { Amount: 'lots', Unit: 'USD' } }))).toThrow(
      /budget bad.BudgetLimit: not an amount/,
    );
  });
});

describe('AwsCostExplorerSignals', () => {
  const ce = mockClient(CostExplorerClient);
  const budgets = mockClient(BudgetsClient);
  const sts = mockClient(STSClient);
  afterEach(() => {
    ce.reset();
    budgets.reset();
    sts.reset();
    clearAwsClients();
  });

  const window = { start: new Date('2026-10-21T00:00:00Z'), end: new Date('2026-11-20T00:00:00Z') };
  const signals = () =>
    new AwsCostExplorerSignals({
      managementAccountId: MGMT,
      managementRoleName: 'Mgmt',
      credentials: staticCredentials,
    });

  it('reads every page of anomalies and maps the root cause that contributed most', async () => {
    ce.on(GetAnomaliesCommand)
      .resolvesOnce({
        Anomalies: [
          anomaly('a-1', {
            RootCauses: [
              { LinkedAccount: A, Service: 'Amazon S3', Region: 'us-east-1', Impact: { Contribution: 10 } },
              { LinkedAccount: A, Service: 'AmazonEC2', Region: 'eu-west-1', Impact: { Contribution: 140 } },
            ],
          }),
        ],
        NextPageToken: 'next',
      })
      .resolvesOnce({
        Anomalies: [
          anomaly('a-2', {
            AnomalyEndDate: undefined,
            Impact: { MaxImpact: 30 },
            RootCauses: [],
            AnomalyScore: undefined,
          }),
        ],
      });
    const source = signals();

    const found = await source.anomalies(window);

    expect(found).toEqual([
      {
        anomalyId: 'a-1',
        monitorArn: MONITOR,
        accountId: A,
        service: 'AmazonEC2',
        region: 'eu-west-1',
        startDate: '2026-11-10',
        endDate: '2026-11-12',
        expectedUsd: 250,
        actualUsd: 400.5,
        impactUsd: 150.5,
        score: 0.82,
      },
      {
        anomalyId: 'a-2',
        monitorArn: MONITOR,
        startDate: '2026-11-10',
        expectedUsd: 0,
        actualUsd: 0,
        impactUsd: 30,
        score: 0,
      },
    ]);
    expect(source.calls).toBe(2);
    expect(ce).toReceiveCommandWith(GetAnomaliesCommand, {
      DateInterval: { StartDate: '2026-10-21', EndDate: '2026-11-20' },
      NextPageToken: 'next',
    });
    const client = ce.commandCalls(GetAnomaliesCommand)[0]?.thisValue as CostExplorerClient;
    expect(await client.config.region()).toBe('us-east-1');
  });

  it('reads every page of the management account budgets in us-east-1, keeping cost budgets', async () => {
    budgets
      .on(DescribeBudgetsCommand)
      .resolvesOnce({
        Budgets: [
          budget('platform'),
          budget('ri', { BudgetType: 'RI_UTILIZATION', BudgetLimit: { Amount: '100', Unit: 'PERCENTAGE' } }),
        ],
        NextToken: 'p2',
      })
      .resolvesOnce({
        Budgets: [
          budget('daily', {
            TimeUnit: 'DAILY',
            CalculatedSpend: { ActualSpend: { Amount: '3.5', Unit: 'USD' } },
          }),
        ],
      });
    const source = signals();

    const found = await source.budgets();

    expect(found).toEqual([
      { name: 'platform', limitUsd: 1000, actualUsd: 612.34, forecastUsd: 1100, timeUnit: 'MONTHLY' },
      { name: 'daily', limitUsd: 1000, actualUsd: 3.5, timeUnit: 'DAILY' },
    ]);
    expect(source.calls).toBe(2);
    expect(budgets).toReceiveNthCommandWith(DescribeBudgetsCommand, 1, { AccountId: MGMT, MaxResults: 100 });
    expect(budgets).toReceiveNthCommandWith(DescribeBudgetsCommand, 2, { AccountId: MGMT, NextToken: 'p2' });
    const client = budgets.commandCalls(DescribeBudgetsCommand)[0]?.thisValue as BudgetsClient;
    expect(await client.config.region()).toBe('us-east-1');
  });

  it('reads the caller account budgets when no management account is configured', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: A, Arn: `arn:aws:iam::${A}:user/ops` });
    budgets.on(DescribeBudgetsCommand).resolves({ Budgets: [] });

    await new AwsCostExplorerSignals({
      managementRoleName: 'Mgmt',
      assumer: roleAssumer({ purpose: 'cost-signals' }),
    }).budgets();

    expect(budgets).toReceiveCommandWith(DescribeBudgetsCommand, { AccountId: A });
  });

  it('reads no budgets as none, not as a failure', async () => {
    budgets
      .on(DescribeBudgetsCommand)
      .rejects(new NotFoundException({ $metadata: {}, message: 'no budgets' }));

    await expect(signals().budgets()).resolves.toEqual([]);
  });

  it('fails the budgets scope naming the permission on AccessDenied', async () => {
    budgets
      .on(DescribeBudgetsCommand)
      .rejects(
        new AccessDeniedException({ $metadata: {}, message: 'not authorized to perform budgets:ViewBudget' }),
      );

    await expect(signals().budgets()).rejects.toMatchObject({
      name: 'ScanError',
      scope: 'aws-budgets',
      reason: expect.stringMatching(
        /^DescribeBudgets failed: AccessDeniedException: .*\(does the role allow budgets:ViewBudget\?\)$/,
      ),
    });
  });

  it('refuses Budgets in GovCloud before sending anything, since the SDK would send GovCloud credentials to the commercial host', async () => {
    // Why: the SDK resolves Budgets in us-gov-west-1 to the `aws` partition's hostname.
    const sdk = new BudgetsClient({ region: 'us-gov-west-1' });
    const endpoint = sdk.config.endpointProvider({
      Region: 'us-gov-west-1',
      UseFIPS: false,
      UseDualStack: false,
    });
    expect(endpoint.url.hostname).toBe('budgets.amazonaws.com');
    sdk.destroy();

    const viaRole = new AwsCostExplorerSignals({
      managementAccountId: MGMT,
      managementRoleName: 'Mgmt',
      assumer: roleAssumer({ purpose: 'cost-signals', partition: 'aws-us-gov' }),
    });
    const viaProfile = new AwsCostExplorerSignals({
      managementAccountId: MGMT,
      managementRoleName: 'Mgmt',
      credentials: staticCredentials,
      region: 'us-gov-east-1',
    });

    for (const source of [viaRole, viaProfile]) {
      await expect(source.budgets()).rejects.toMatchObject({
        name: 'ScanError',
        scope: 'aws-budgets',
        reason: expect.stringMatching(/^Budgets has no endpoint in aws-us-gov .*anomaly\.useBudgets: false/),
      });
    }
    expect(budgets).toReceiveCommandTimes(DescribeBudgetsCommand, 0);
    expect(sts).toReceiveCommandTimes(AssumeRoleCommand, 0);
  });

  it('reads Budgets in China from its own partition', async () => {
    budgets.on(DescribeBudgetsCommand).resolves({ Budgets: [] });

    await new AwsCostExplorerSignals({
      managementAccountId: MGMT,
      managementRoleName: 'Mgmt',
      credentials: staticCredentials,
      region: 'cn-northwest-1',
    }).budgets();

    const client = budgets.commandCalls(DescribeBudgetsCommand)[0]?.thisValue as BudgetsClient;
    const endpoint = await client.config.endpointProvider({
      Region: await client.config.region(),
      UseFIPS: false,
      UseDualStack: false,
    });
    expect(endpoint.url.hostname).toBe('budgets.amazonaws.com.cn');
  });

  it('fails the anomalies scope naming the permission on AccessDenied', async () => {
    ce.on(GetAnomaliesCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    await expect(signals().anomalies(window)).rejects.toMatchObject({
      scope: 'aws-anomalies',
      reason: 'GetAnomalies failed: AccessDeniedException: denied (does the role allow ce:GetAnomalies?)',
    });
  });
});
