import { type CostExplorerClient, ListCostAllocationTagsCommand } from '@aws-sdk/client-cost-explorer';

/** ListCostAllocationTags takes at most 100 keys per request (TagKeys, 1 to 100 items). */
export const TAG_KEYS_PER_REQUEST = 100;
/** The largest page ListCostAllocationTags returns (MaxResults, 1 to 1000). */
const MAX_RESULTS = 1000;

/**
 * Whether Cost Explorer can group spend by a tag key: `Active` (activated as a
 * cost allocation tag), `Inactive` (seen in billing data, not activated), or
 * `absent` (never seen on a billed resource, so it cannot be activated yet).
 */
export interface CostAllocationTagState {
  readonly key: string;
  readonly status: 'Active' | 'Inactive' | 'absent';
  /** `LastUsedDate`: the month the key was last seen on a resource (ISO date-time). */
  readonly lastUsed?: string;
}

/**
 * The cost allocation status of each user-defined tag key, from
 * `ce:ListCostAllocationTags` (called in the management account, where cost
 * allocation tags are activated), following NextToken. Keys are matched as
 * given: tag keys are case-sensitive.
 *
 * @example
 * const ce = awsClient(CostExplorerClient, await costExplorerClientOptions(access, 'doctor'));
 * await costAllocationTagStates(ce, ['owner', 'cost-center']);
 * // [{ key: 'owner', status: 'Active', lastUsed: '2026-11-01T00:00:00Z' }, { key: 'cost-center', status: 'absent' }]
 */
export async function costAllocationTagStates(
  client: CostExplorerClient,
  keys: readonly string[],
): Promise<CostAllocationTagState[]> {
  const found = new Map<string, CostAllocationTagState>();
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += TAG_KEYS_PER_REQUEST) {
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListCostAllocationTagsCommand({
          TagKeys: unique.slice(i, i + TAG_KEYS_PER_REQUEST),
          Type: 'UserDefined',
          MaxResults: MAX_RESULTS,
          NextToken: token,
        }),
      );
      for (const tag of page.CostAllocationTags ?? []) {
        if (!tag.TagKey || (tag.Status !== 'Active' && tag.Status !== 'Inactive')) continue;
        found.set(tag.TagKey, {
          key: tag.TagKey,
          status: tag.Status,
          ...(tag.LastUsedDate && { lastUsed: tag.LastUsedDate }),
        });
      }
      token = page.NextToken || undefined;
    } while (token !== undefined);
  }
  return unique.map((key) => found.get(key) ?? { key, status: 'absent' });
}
