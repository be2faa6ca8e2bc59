import { AwsFault, json11 } from '../protocols/json11.js';
import { MANAGEMENT, PAYMENTS } from '../world.js';

/**
 * Cost Explorer over JSON 1.1, in the management account, signed for
 * us-east-1. `owner` is an active cost allocation tag; GetCostAndUsage
 * grouped by LINKED_ACCOUNT and TAG owner answers one month for payments:
 * $40 without the tag (`owner$`), $60 tagged (`owner$payments`).
 */
export function costExplorerService(activeTags: readonly string[] = ['owner']) {
  const guard = (caller: { accountId: string; region: string }) => {
    if (caller.accountId !== MANAGEMENT) throw new AwsFault('AccessDeniedException', 'not the payer account');
    if (caller.region !== 'us-east-1') throw new AwsFault('InvalidEndpoint', `signed for ${caller.region}`);
  };
  return json11('AWSInsightsIndexService', {
    ListCostAllocationTags: (input, caller) => {
      guard(caller);
      const keys = (input.TagKeys as string[] | undefined) ?? ['owner', 'team'];
      return {
        CostAllocationTags: keys.map((TagKey) => ({
          TagKey,
          Type: 'UserDefined',
          Status: activeTags.includes(TagKey) ? 'Active' : 'Inactive',
        })),
      };
    },
    GetCostAndUsage: (input, caller) => {
      guard(caller);
      const tag = (input.GroupBy as Array<{ Type: string; Key: string }>).find((g) => g.Type === 'TAG')?.Key;
      // Amounts under the metric asked for, as Cost Explorer keys them.
      const money = (Amount: string) =>
        Object.fromEntries((input.Metrics as string[]).map((metric) => [metric, { Amount, Unit: 'USD' }]));
      return {
        GroupDefinitions: input.GroupBy,
        ResultsByTime: [
          {
            TimePeriod: (input.TimePeriod as object) ?? {},
            Total: {},
            Groups: [
              { Keys: [PAYMENTS, `${tag}$`], Metrics: money('40') },
              { Keys: [PAYMENTS, `${tag}$payments`], Metrics: money('60') },
            ],
            Estimated: false,
          },
        ],
        DimensionValueAttributes: [],
      };
    },
  });
}
