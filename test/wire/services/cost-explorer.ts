import { AwsFault, json11 } from '../protocols/json11.js';
import { MANAGEMENT, PAYMENTS } from '../world.js';

/** A user-defined cost allocation tag key's status, as ListCostAllocationTags reports it. */
export type CostTagStatus = 'Active' | 'Inactive';

/**
 * Cost Explorer over JSON 1.1, in the management account, signed for
 * us-east-1. `costTags` are the user-defined keys billing data has seen
 * (default: `owner` active, `team` inactive); ListCostAllocationTags lists
 * only those, filtered by `TagKeys` and `Status`, and never a key it has not
 * seen (API reference, ListCostAllocationTags: the inputs are filters over
 * the account's cost allocation tags). GetCostAndUsage grouped by
 * LINKED_ACCOUNT and a TAG answers one month for payments: $40 without the
 * tag (`<key>$`), $60 tagged (`<key>$payments`).
 */
export function costExplorerService(
  costTags: Readonly<Record<string, CostTagStatus>> = { owner: 'Active', team: 'Inactive' },
) {
  const guard = (caller: { accountId: string; region: string }) => {
    if (caller.accountId !== MANAGEMENT) throw new AwsFault('AccessDeniedException', 'not the payer account');
    if (caller.region !== 'us-east-1') throw new AwsFault('InvalidEndpoint', `signed for ${caller.region}`);
  };
  return json11('AWSInsightsIndexService', {
    ListCostAllocationTags: (input, caller) => {
      guard(caller);
      const wanted = input.TagKeys as string[] | undefined;
      return {
        CostAllocationTags: Object.entries(costTags)
          .filter(
            ([key, status]) =>
              (!wanted || wanted.includes(key)) && (!input.Status || input.Status === status),
          )
          .map(([TagKey, Status]) => ({ TagKey, Type: 'UserDefined', Status })),
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
