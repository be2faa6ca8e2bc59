import { AwsFault } from '../protocols/json11.js';
import { restJson } from '../protocols/rest-json.js';
import { MANAGEMENT, ORGANIZATION_ID, page, VIEW_ARN, type World } from '../world.js';

/**
 * Resource Explorer over REST-JSON: one organization view in the
 * management account's us-east-1 aggregator index, including the `tags`
 * property. ListResources takes `accountid:` and `region:` filter prefixes,
 * pages at most 1,000 (API reference, ListResources), lists never-tagged
 * resources too, and reports global resources in the region `global`
 * without indexing IAM tags.
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
    'POST /ListResources': (input, caller) => {
      guard(input, caller);
      const size = Number(input.MaxResults ?? 100);
      if (size < 1 || size > 1000)
        throw new AwsFault('ValidationException', 'MaxResults must be 1-1000', 400);
      const filter = String((input.Filters as { FilterString?: string } | undefined)?.FilterString ?? '');
      const account = /(?:^|\s)accountid:(\d{12})(?:\s|$)/.exec(filter)?.[1];
      const region = /(?:^|\s)region:([\w-]+)(?:\s|$)/.exec(filter)?.[1];
      const listed = world.resources.filter(
        (r) =>
          (account === undefined || r.accountId === account) && (region === undefined || r.region === region),
      );
      const { items, next } = page(listed, input.NextToken, size);
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
