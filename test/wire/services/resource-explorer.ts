import { AwsFault } from '../protocols/json11.js';
import { restJson } from '../protocols/rest-json.js';
import { MANAGEMENT, ORGANIZATION_ID, page, VIEW_ARN, WORLD_REGIONS, type World } from '../world.js';

/**
 * Resource Explorer over REST-JSON: one organization view in the
 * management account's us-east-1 aggregator index, including the `tags`
 * property. ListResources takes `accountid:` and `region:` filter prefixes,
 * pages at most 1,000 (API reference, ListResources) and, as AWS does, gives
 * no NextToken at exactly 1,000 (SDK reference, ListResourcesInput.NextToken);
 * it lists never-tagged resources too, reports global resources in the region
 * `global` without indexing IAM tags, and lists nothing of a Region without
 * an index. ListIndexesForMembers answers 1–10 accounts (API reference).
 */
export function resourceExplorerService(world: World, view: { includeTags?: boolean } = {}) {
  const guard = (input: Record<string, unknown>, caller: { accountId: string; region: string }) => {
    if (caller.accountId !== MANAGEMENT)
      throw new AwsFault('UnauthorizedException', 'no access to the view', 401);
    if (caller.region !== 'us-east-1')
      throw new AwsFault('ResourceNotFoundException', 'the view is in us-east-1', 404);
    if (input.ViewArn !== VIEW_ARN) throw new AwsFault('ResourceNotFoundException', 'no such view', 404);
  };
  return restJson({
    'POST /GetView': (input, caller) => {
      guard(input, caller);
      return {
        View: {
          ViewArn: VIEW_ARN,
          Owner: MANAGEMENT,
          Scope: `arn:aws:organizations::${MANAGEMENT}:organization/${ORGANIZATION_ID}`,
          IncludedProperties: view.includeTags === false ? [] : [{ Name: 'tags' }],
          Filters: { FilterString: '' },
        },
        Tags: {},
      };
    },
    'POST /ListIndexesForMembers': (input, caller) => {
      guard({ ...input, ViewArn: VIEW_ARN }, caller);
      const accounts = input.AccountIdList;
      if (!Array.isArray(accounts) || accounts.length < 1 || accounts.length > 10)
        throw new AwsFault('ValidationException', 'AccountIdList must hold 1-10 account ids', 400);
      const indexes = (
        world.explorerIndexes ?? world.accounts.flatMap((a) => WORLD_REGIONS.map((r) => `${a.id}/${r}`))
      )
        .map((key) => key.split('/') as [string, string])
        .filter(([account]) => accounts.includes(account));
      const { items, next } = page(indexes, input.NextToken, Number(input.MaxResults ?? 100));
      return {
        Indexes: items.map(([account, region]) => ({
          AccountId: account,
          Region: region,
          Type: region === 'us-east-1' && account === MANAGEMENT ? 'AGGREGATOR' : 'LOCAL',
          Arn: `arn:aws:resource-explorer-2:${region}:${account}:index/${account}-${region}`,
        })),
        ...(next && { NextToken: next }),
      };
    },
    'POST /ListResources': (input, caller) => {
      guard(input, caller);
      const size = Number(input.MaxResults ?? 100);
      if (size < 1 || size > 1000)
        throw new AwsFault('ValidationException', 'MaxResults must be 1-1000', 400);
      const filter = String((input.Filters as { FilterString?: string } | undefined)?.FilterString ?? '');
      const account = /(?:^|\s)accountid:(\d{12})(?:\s|$)/.exec(filter)?.[1];
      const region = /(?:^|\s)region:([\w-]+)(?:\s|$)/.exec(filter)?.[1];
      const indexed = (r: { accountId: string; region: string }) =>
        r.region === 'global' || (world.explorerIndexes?.includes(`${r.accountId}/${r.region}`) ?? true);
      const listed = world.resources.filter(
        (r) =>
          (account === undefined || r.accountId === account) &&
          (region === undefined || r.region === region) &&
          indexed(r),
      );
      const paged = page(listed, input.NextToken, size);
      const items = paged.items;
      // At exactly 1,000 ListResources gives no NextToken: the listing ends there.
      const next = size === 1000 ? undefined : paged.next;
      return {
        Resources: items.map((r) => {
          const service = r.arn.split(':')[2] ?? '';
          return {
            Arn: r.arn,
            OwningAccountId: r.accountId,
            Region: r.region,
            ResourceType: r.type.explorer,
            Service: service,
            // IAM tags are not indexed: no tags property for them.
            Properties:
              service === 'iam' || view.includeTags === false
                ? []
                : [{ Name: 'tags', Data: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) }],
          };
        }),
        ViewArn: VIEW_ARN,
        ...(next && { NextToken: next }),
      };
    },
  });
}
