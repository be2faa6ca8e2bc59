import {
  CostExplorerClient,
  type GetCostAndUsageCommandInput,
  type ResultByTime,
} from '@aws-sdk/client-cost-explorer';
import type { AccountSpend } from '../../checks/tag-coverage/types.js';
import { InputError, ScanError } from '../../core/errors.js';
import type { TagSpendSource } from '../../core/sources.js';
import type { ManagementAccount, RoleAssumer } from './assume-role.js';
import { awsClient, type CredentialsProvider } from './clients.js';
import { allCostAndUsageResults, costExplorerClientOptions, isoDate } from './cost-explorer-query.js';

/** Cost Explorer's one endpoint in the `aws` partition. */
export { COST_EXPLORER_REGION } from './cost-explorer-query.js';
/** Name of this source in `TagObservations.sources`. */
export const COST_EXPLORER_SOURCE = 'cost-explorer';
/** Usage only: credits, refunds, tax and fees carry no resource tags and would read as untagged. */
export const SPEND_RECORD_TYPES: readonly string[] = ['Usage'];
/** Scope of a failure to read spend (the check's own name for it). */
export const SPEND_SCOPE = 'spend';

/** Spend of one account in one key's query. */
export interface AccountKeySpend {
  readonly totalUsd: number;
  /** The `<key>$` group: line items without the tag. */
  readonly untaggedUsd: number;
}

export interface CostExplorerTagSpendOptions extends ManagementAccount {
  /** Credentials for Cost Explorer, used as they are. Default: {@link managementAccess}. */
  readonly credentials?: CredentialsProvider;
  /** Default: a new assumer with purpose `tag-spend`. */
  readonly assumer?: RoleAssumer;
  /** Default `UnblendedCost` (the config's `anomaly.costMetric` fits here). */
  readonly metric?: string;
  /** Default {@link SPEND_RECORD_TYPES}. */
  readonly recordTypes?: readonly string[];
  /** Default {@link COST_EXPLORER_REGION}. */
  readonly region?: string;
}

/**
 * {@link TagSpendSource} over Cost Explorer `GetCostAndUsage`, in the
 * management account. Each call costs $0.01, so it makes the fewest: per
 * required key one MONTHLY query grouped by LINKED_ACCOUNT and that TAG (a
 * 30-day window is at most two monthly periods; DAILY would be 30 times the
 * rows, hence pages), plus its extra pages. The total per account comes from
 * the first key's query, so no separate total query is made.
 *
 * The keys must be activated as cost allocation tags in Billing: for an
 * inactive key every line item lands in `<key>$` and reads as untagged.
 *
 * @example
 * const spend = new CostExplorerTagSpend({ ...config.organization, assumer });
 * await spend.untaggedSpend({ accountIds, keys: ['owner'], start, end });
 */
export class CostExplorerTagSpend implements TagSpendSource {
  readonly name = COST_EXPLORER_SOURCE;
  readonly #options: CostExplorerTagSpendOptions;
  #calls = 0;

  constructor(options: CostExplorerTagSpendOptions) {
    this.#options = options;
  }

  /** GetCostAndUsage calls made so far ($0.01 each). */
  get calls(): number {
    return this.#calls;
  }

  async untaggedSpend(input: {
    accountIds: readonly string[];
    keys: readonly string[];
    start: Date;
    end: Date;
  }): Promise<AccountSpend[]> {
    const { accountIds, keys } = input;
    const timePeriod = { Start: isoDate(input.start), End: isoDate(input.end) };
    if (timePeriod.Start >= timePeriod.End) {
      throw new InputError('spend window', `start ${timePeriod.Start} is not before end ${timePeriod.End}`);
    }
    const metric = this.#options.metric ?? 'UnblendedCost';
    const byKey = new Map<string, Map<string, AccountKeySpend>>();
    try {
      const client = awsClient(
        CostExplorerClient,
        await costExplorerClientOptions(this.#options, 'tag-spend'),
      );
      // Sequential: Cost Explorer's request rate is low and the keys are few.
      for (const key of keys) {
        const query: GetCostAndUsageCommandInput = {
          TimePeriod: timePeriod,
          Granularity: 'MONTHLY',
          Metrics: [metric],
          Filter: {
            Dimensions: {
              Key: 'RECORD_TYPE',
              Values: [...(this.#options.recordTypes ?? SPEND_RECORD_TYPES)],
            },
          },
          GroupBy: [
            { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
            { Type: 'TAG', Key: key },
          ],
        };
        byKey.set(
          key,
          untaggedSpendFromResults(
            await allCostAndUsageResults(client, query, () => {
              this.#calls++;
            }),
            key,
            metric,
          ),
        );
      }
    } catch (cause) {
      if (cause instanceof ScanError) throw cause;
      const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      throw new ScanError(SPEND_SCOPE, `GetCostAndUsage failed: ${reason}`, { cause });
    }
    const first = keys[0] === undefined ? undefined : byKey.get(keys[0]);
    return accountIds.map((accountId) => ({
      accountId,
      // No row for an account means Cost Explorer saw no usage spend in the window.
      totalUsd: first?.get(accountId)?.totalUsd ?? 0,
      untaggedUsdByKey: Object.fromEntries(
        keys.map((k) => [k, byKey.get(k)?.get(accountId)?.untaggedUsd ?? 0]),
      ),
    }));
  }
}

/**
 * Spend per account, and the part without `key`, from the `ResultsByTime` of
 * a query grouped by LINKED_ACCOUNT then TAG `key` (all pages, all periods).
 * Cost Explorer names each tag group `<key>$<value>`; `<key>$` holds the line
 * items without the tag. Amounts arrive as strings. Pure.
 *
 * @throws InputError when a group lacks the metric or an amount is not a number.
 * @example
 * untaggedSpendFromResults([{ Groups: [
 *   { Keys: ['111111111111', 'owner$'], Metrics: { UnblendedCost: { Amount: '2.5', Unit: 'USD' } } },
 *   { Keys: ['111111111111', 'owner$data'], Metrics: { UnblendedCost: { Amount: '7.5', Unit: 'USD' } } },
 * ] }], 'owner');
 * // Map { '111111111111' => { totalUsd: 10, untaggedUsd: 2.5 } }
 */
export function untaggedSpendFromResults(
  resultsByTime: readonly ResultByTime[],
  key: string,
  metric = 'UnblendedCost',
): Map<string, AccountKeySpend> {
  const untaggedGroup = `${key}$`;
  const spend = new Map<string, { totalUsd: number; untaggedUsd: number }>();
  resultsByTime.forEach((result, r) => {
    (result.Groups ?? []).forEach((group, g) => {
      const where = `ResultsByTime[${r}].Groups[${g}]`;
      const [accountId, tagGroup] = group.Keys ?? [];
      if (!accountId || tagGroup === undefined || !tagGroup.startsWith(untaggedGroup)) {
        throw new InputError(
          where,
          `expected Keys [account, "${untaggedGroup}<value>"], got ${JSON.stringify(group.Keys)}`,
        );
      }
      const amount = Number(group.Metrics?.[metric]?.Amount);
      if (group.Metrics?.[metric]?.Amount === undefined || !Number.isFinite(amount)) {
        throw new InputError(where, `no numeric ${metric} amount`);
      }
      const sums = spend.get(accountId) ?? { totalUsd: 0, untaggedUsd: 0 };
      sums.totalUsd += amount;
      if (tagGroup === untaggedGroup) sums.untaggedUsd += amount;
      spend.set(accountId, sums);
    });
  });
  return spend;
}
