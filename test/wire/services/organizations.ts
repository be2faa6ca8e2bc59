import { AwsFault, json11 } from '../protocols/json11.js';
import { MANAGEMENT, page, type World } from '../world.js';

/**
 * Organizations over JSON 1.1, callable only by the management account and
 * only in us-east-1 (its one endpoint in the `aws` partition). ListAccounts
 * pages at most 20 (API reference: MaxResults 1–20).
 */
export function organizationsService(world: World) {
  return json11('AWSOrganizationsV20161128', {
    ListAccounts: (input, caller) => {
      if (caller.accountId !== MANAGEMENT)
        throw new AwsFault('AccessDeniedException', 'You don’t have permissions to access this resource.');
      if (caller.region !== 'us-east-1') throw new AwsFault('InvalidEndpoint', `signed for ${caller.region}`);
      const size = Number(input.MaxResults ?? 20);
      if (size > 20) throw new AwsFault('InvalidInputException', 'MaxResults must be at most 20');
      const { items, next } = page(world.accounts, input.NextToken, size);
      return {
        Accounts: items.map((a) => ({
          Id: a.id,
          Arn: `arn:aws:organizations::${MANAGEMENT}:account/o-exampleorgid/${a.id}`,
          Email: `${a.name}@example.com`,
          Name: a.name,
          Status: 'ACTIVE',
          State: 'ACTIVE',
          JoinedMethod: 'CREATED',
          JoinedTimestamp: 1_700_000_000,
        })),
        ...(next && { NextToken: next }),
      };
    },
    ListTagsForResource: (input, caller) => {
      if (caller.accountId !== MANAGEMENT)
        throw new AwsFault('AccessDeniedException', 'not the management account');
      const account = world.accounts.find((a) => a.id === input.ResourceId);
      if (!account) throw new AwsFault('TargetNotFoundException', `no account ${String(input.ResourceId)}`);
      return { Tags: Object.entries(account.tags).map(([Key, Value]) => ({ Key, Value })) };
    },
  });
}
