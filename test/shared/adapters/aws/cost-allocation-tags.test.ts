import { CostExplorerClient, ListCostAllocationTagsCommand } from '@aws-sdk/client-cost-explorer';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import { clearAwsClients } from '../../../../shared/adapters/aws/clients.js';
import { costAllocationTagStates } from '../../../../shared/adapters/aws/cost-allocation-tags.js';

// Response shape from the Cost Explorer API reference, ListCostAllocationTags and the
// CostAllocationTag data type (Status Active|Inactive, Type UserDefined|AWSGenerated,
// LastUpdatedDate and LastUsedDate as ISO date-times):
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_ListCostAllocationTags.html
// https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_CostAllocationTag.html
const tag = (TagKey: string, Status: 'Active' | 'Inactive') => ({
  TagKey,
  Type: 'UserDefined' as const,
  Status,
  LastUpdatedDate: '2026-10-01T09:12:00Z',
  LastUsedDate: '2026-11-01T00:00:00Z',
});

describe('costAllocationTagStates', () => {
  const ce = mockClient(CostExplorerClient);
  afterEach(() => {
    ce.reset();
    clearAwsClients();
  });
  const client = () =>
    new CostExplorerClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

  it('asks for the user-defined keys, follows NextToken, and calls a key never returned absent', async () => {
    ce.on(ListCostAllocationTagsCommand, { NextToken: undefined })
      .resolves({ CostAllocationTags: [tag('owner', 'Active')], NextToken: 'page-2' })
      .on(ListCostAllocationTagsCommand, { NextToken: 'page-2' })
      .resolves({ CostAllocationTags: [tag('environment', 'Inactive')] });

    const states = await costAllocationTagStates(client(), ['owner', 'environment', 'cost-center']);

    expect(states).toEqual([
      { key: 'owner', status: 'Active', lastUsed: '2026-11-01T00:00:00Z' },
      { key: 'environment', status: 'Inactive', lastUsed: '2026-11-01T00:00:00Z' },
      { key: 'cost-center', status: 'absent' },
    ]);
    expect(ce).toHaveReceivedCommandTimes(ListCostAllocationTagsCommand, 2);
    expect(ce).toHaveReceivedNthCommandWith(ListCostAllocationTagsCommand, 1, {
      TagKeys: ['owner', 'environment', 'cost-center'],
      Type: 'UserDefined',
      MaxResults: 1000,
    });
  });

  it('sends at most 100 keys a request, the API limit, and matches keys case-sensitively', async () => {
    ce.on(ListCostAllocationTagsCommand).resolves({ CostAllocationTags: [tag('Owner', 'Active')] });
    const keys = Array.from({ length: 150 }, (_, i) => `key-${i}`);

    const states = await costAllocationTagStates(client(), ['owner', ...keys]);

    const sent = ce.commandCalls(ListCostAllocationTagsCommand).map((c) => c.args[0].input.TagKeys?.length);
    expect(sent).toEqual([100, 51]);
    expect(states[0]).toEqual({ key: 'owner', status: 'absent' });
  });

  it('lets an AccessDenied through for the caller to explain', async () => {
    ce.on(ListCostAllocationTagsCommand).rejects(
      Object.assign(new Error('not authorized to perform: ce:ListCostAllocationTags'), {
        name: 'AccessDeniedException',
      }),
    );
    await expect(costAllocationTagStates(client(), ['owner'])).rejects.toThrow(/ce:ListCostAllocationTags/);
  });
});
