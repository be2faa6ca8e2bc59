import { CostExplorerClient, GetCostAndUsageWithResourcesCommand } from '@aws-sdk/client-cost-explorer';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { clearAwsClients } from '../../../../shared/adapters/aws/clients.js';
import {
  CostExplorerResourceCosts,
  RESOURCE_COST_DAYS,
} from '../../../../shared/adapters/aws/cost-explorer-resource-costs.js';

// Request and response shapes from the Cost Explorer API Reference, GetCostAndUsageWithResources
// (TimePeriod within the last 14 days, End exclusive; Granularity and Filter required; GroupBy a
// DIMENSION such as RESOURCE_ID; ResultsByTime[].Groups[].Keys and .Metrics.<metric>.Amount as a
// string; NextPageToken) and its errors (DataUnavailableException):
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsageWithResources.html
const group = (id: string, amount: string) => ({
  Keys: [id],
  Metrics: { UnblendedCost: { Amount: amount, Unit: 'USD' } },
});
const day = (start: string, ...groups: ReturnType<typeof group>[]) => ({
  TimePeriod: { Start: start, End: start },
  Groups: groups,
  Estimated: false,
});
const END = new Date('2026-11-20T00:00:00Z');
const START = new Date('2026-10-21T00:00:00Z'); // a 30-day window
const credentials = async () => ({ accessKeyId: 'a', secretAccessKey: 'b' });
const managementRoleName = 'GuardrailsManagementRead';

describe('CostExplorerResourceCosts', () => {
  const ce = mockClient(CostExplorerClient);
  afterEach(() => {
    ce.reset();
    clearAwsClients();
  });

  it('reads the last 13 days per service, grouped by resource id, across pages, and scales them to the window', async () => {
    ce.on(GetCostAndUsageWithResourcesCommand).resolves({ ResultsByTime: [] });
    ce.on(GetCostAndUsageWithResourcesCommand, {
      Filter: { Dimensions: { Key: 'SERVICE', Values: ['EC2 - Other'] } },
      NextPageToken: undefined,
    })
      .resolves({
        ResultsByTime: [day('2026-11-18', group('vol-0a1', '1.30'), group('nat-0b2', '2.60'))],
        NextPageToken: 'p2',
      })
      .on(GetCostAndUsageWithResourcesCommand, { NextPageToken: 'p2' })
      .resolves({ ResultsByTime: [day('2026-11-19', group('vol-0a1', '1.30'), group('', '9'))] });
    ce.on(GetCostAndUsageWithResourcesCommand, {
      Filter: { Dimensions: { Key: 'SERVICE', Values: ['AWS Lambda'] } },
    }).resolves({
      ResultsByTime: [
        day('2026-11-19', group('arn:aws:lambda:us-east-1:210987654321:function:webhook', 'n/a')),
      ],
    });

    const costs = await new CostExplorerResourceCosts({ credentials, managementRoleName }).resourceCosts({
      start: START,
      end: END,
    });

    const scale = 30 / RESOURCE_COST_DAYS;
    expect(costs.get('vol-0a1')).toBeCloseTo(2.6 * scale, 6);
    expect(costs.get('nat-0b2')).toBeCloseTo(2.6 * scale, 6);
    // Neither a group without an id nor an amount that is no number is a resource's cost.
    expect([...costs.keys()].sort()).toEqual(['nat-0b2', 'vol-0a1']);
    const first = ce.commandCalls(GetCostAndUsageWithResourcesCommand)[0]?.args[0].input;
    expect(first).toMatchObject({
      TimePeriod: { Start: '2026-11-07', End: '2026-11-20' },
      Granularity: 'DAILY',
      Metrics: ['UnblendedCost'],
      GroupBy: [{ Type: 'DIMENSION', Key: 'RESOURCE_ID' }],
    });
    // One query per service, and the second page of EC2 - Other.
    expect(ce.commandCalls(GetCostAndUsageWithResourcesCommand)).toHaveLength(8);
  });

  it('goes on without a service whose query fails, and names it', async () => {
    ce.on(GetCostAndUsageWithResourcesCommand).resolves({
      ResultsByTime: [day('2026-11-19', group('i-0c3', '13'))],
    });
    ce.on(GetCostAndUsageWithResourcesCommand, {
      Filter: { Dimensions: { Key: 'SERVICE', Values: ['Amazon Simple Storage Service'] } },
    }).rejects(
      Object.assign(new Error('The requested data is unavailable.'), { name: 'DataUnavailableException' }),
    );
    const failed: string[] = [];

    const costs = await new CostExplorerResourceCosts({
      credentials,
      managementRoleName,
      services: ['Amazon Elastic Compute Cloud - Compute', 'Amazon Simple Storage Service'],
      onServiceFailure: (service, reason) => failed.push(`${service}: ${reason}`),
    }).resourceCosts({ start: new Date('2026-11-07T00:00:00Z'), end: END });

    expect(costs).toEqual(new Map([['i-0c3', 13]]));
    expect(failed).toEqual([
      'Amazon Simple Storage Service: DataUnavailableException: The requested data is unavailable.',
    ]);
  });

  it('fails with what to enable when no service can be read', async () => {
    ce.on(GetCostAndUsageWithResourcesCommand).rejects(
      Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }),
    );
    await expect(
      new CostExplorerResourceCosts({
        credentials,
        managementRoleName,
        services: ['AWS Lambda'],
      }).resourceCosts({
        start: START,
        end: END,
      }),
    ).rejects.toThrow(
      /resource-costs: no resource-level cost could be read \(is "Hourly and resource level data" enabled.*AccessDeniedException: not authorized \(does the role allow ce:GetCostAndUsageWithResources\?\)/,
    );
  });
});
