import {
  CostExplorerClient,
  type GetCostAndUsageCommandInput,
  ListCostAllocationTagsCommand,
  type ResultByTime,
} from '@aws-sdk/client-cost-explorer';
import type { InactiveCostTag, SpendKey, TagSpend } from '../../checks/tag-coverage/types.js';
import { InputError, ScanError } from '../../core/errors.js';
import type { TagSpendSource } from '../../core/sources.js';
import type { ManagementAccount, RoleAssumer } from './assume-role.js';
import { awsClient, type CredentialsProvider } from './clients.js';
import {
  allCostAndUsageResults,
  awsFailureReason,
  costExplorerClientOptions,
  isoDate,
} from './cost-explorer-query.js';
import { COST_EXPLORER_SOURCE } from './source-names.js';

/** Cost Explorer's one endpoint in the `aws` partition. */
export { COST_EXPLORER_REGION } from './cost-explorer-query.js';
/** Name of this source in findings, `sources` and benches. */
export { COST_EXPLORER_SOURCE };

/**
 * Usage, on demand and covered by a commitment (RECORD_TYPE values as the
 * Cost Categories "Term comparisons" table spells them for the API):
 * without `DiscountedUsage` (Reserved Instances) and
 * `SavingsPlanCoveredUsage`, a fleet under a commitment would drop out of
 * both the total and the untagged share. Credits, refunds, tax and the
 * commitments' own fees (`RIFee`, `SavingsPlanRecurringFee`, upfront fees)
 * carry no resource's tags and would read as untagged.
 */
export const SPEND_RECORD_TYPES: readonly string[] = ['Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage'];
/**
 * Amortized: covered usage carries its share of the commitment. Unblended
 * would not do: a `DiscountedUsage` line costs 0 unblended (CUR guide,
 * "RI discount benefits"), and a `SavingsPlanCoveredUsage` line shows the
 * On-Demand price that a `SavingsPlanNegation` line offsets (CUR guide,
 * "Savings Plans discount benefits"). Amortized is also what file mode reads
 * (FOCUS `EffectiveCost`).
 */
export const DEFAULT_SPEND_METRIC: SpendMetric = 'AmortizedCost';
/** The cost metrics that give covered usage its cost ({@link DEFAULT_SPEND_METRIC}). */
export type SpendMetric = 'AmortizedCost' | 'NetAmortizedCost';
/** ListCostAllocationTags takes at most 100 TagKeys per call. */
export const TAG_KEYS_PER_CALL = 100;
/** ListCostAllocationTags' largest page (100 by default). */
export const COST_ALLOCATION_TAGS_PAGE = 1000;
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
  /** `tagPolicy.spendMetric`. Default {@link DEFAULT_SPEND_METRIC}. */
  readonly metric?: SpendMetric;
  /** Default {@link SPEND_RECORD_TYPES}. */
  readonly recordTypes?: readonly string[];
  /** Default: the partition's Cost Explorer region (us-east-1 in `aws`, cn-northwest-1 in `aws-cn`). */
  readonly region?: string;
}

/**
 * {@link TagSpendSource} over Cost Explorer, in the management account.
 *
 * First, which spellings of the required keys are active cost allocation
 * tags (`ListCostAllocationTags`, user-defined): Cost Explorer groups spend
 * only by active keys, and an inactive key's spend all lands in `<key>$`,
 * which would read as 100% untagged. A key with no active spelling is
 * reported in `inactiveKeys` and not measured. Cost Explorer is
 * case-sensitive, so a `keyCase: insensitive` key is measured over every
 * active spelling listed (`Environment`, `environment`).
 *
 * Then, per active spelling, one MONTHLY `GetCostAndUsage` of amortized
 * usage ({@link SPEND_RECORD_TYPES}, {@link DEFAULT_SPEND_METRIC}) grouped by
 * LINKED_ACCOUNT and that TAG (a 30-day window is at most two monthly
 * periods; DAILY would be 30 times the rows, hence pages), plus its extra
 * pages. Each call costs $0.01, so the total per account comes from the
 * first query, never a query of its own. A key's untagged spend is the
 * total less the spend tagged with a non-blank value under any of its
 * spellings (a blank value, `<key>$ `, counts as untagged, as it does in
 * the resource check and in FOCUS files).
 *
 * @example
 * const spend = new CostExplorerTagSpend({ ...config.organization, assumer });
 * await spend.untaggedSpend({ accountIds, keys: [{ key: 'owner', keyCase: 'exact' }], start, end });
 */
export class CostExplorerTagSpend implements TagSpendSource {
  readonly name = COST_EXPLORER_SOURCE;
  readonly #options: CostExplorerTagSpendOptions;
  #calls = 0;

  constructor(options: CostExplorerTagSpendOptions) {
    this.#options = options;
  }

  /** Cost Explorer calls made so far ($0.01 each): GetCostAndUsage and ListCostAllocationTags pages. */
  get calls(): number {
    return this.#calls;
  }

  async untaggedSpend(input: {
    accountIds: readonly string[];
    keys: readonly SpendKey[];
    start: Date;
    end: Date;
  }): Promise<TagSpend> {
    const { accountIds, keys } = input;
    const timePeriod = { Start: isoDate(input.start), End: isoDate(input.end) };
    if (timePeriod.Start >= timePeriod.End) {
      throw new InputError('spend window', `start ${timePeriod.Start} is not before end ${timePeriod.End}`);
    }
    const metric = this.#options.metric ?? DEFAULT_SPEND_METRIC;
    const measured = new Map<string, Map<string, AccountKeySpend>[]>();
    let plan: SpellingPlan;
    try {
      const client = awsClient(
        CostExplorerClient,
        await costExplorerClientOptions(this.#options, 'tag-spend'),
      );
      plan = planSpellings(keys, await this.#costAllocationTags(client, keys));
      // Sequential: Cost Explorer's request rate is low and the keys are few.
      for (const [requiredKey, spellings] of plan.active) {
        const perSpelling: Map<string, AccountKeySpend>[] = [];
        for (const spelling of spellings) {
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
              { Type: 'TAG', Key: spelling },
            ],
          };
          const results = await allCostAndUsageResults(client, query, () => {
            this.#calls++;
          });
          perSpelling.push(untaggedSpendFromResults(results, spelling, metric));
        }
        measured.set(requiredKey, perSpelling);
      }
    } catch (cause) {
      if (cause instanceof ScanError) throw cause;
      const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      throw new ScanError(SPEND_SCOPE, `GetCostAndUsage failed: ${reason}`, { cause });
    }
    const first = [...measured.values()][0]?.[0];
    return {
      accounts: accountIds.map((accountId) => {
        // No row for an account means Cost Explorer saw no usage spend in the window.
        const totalUsd = first?.get(accountId)?.totalUsd ?? 0;
        const untaggedUsdByKey: Record<string, number> = {};
        for (const [requiredKey, perSpelling] of measured) {
          const tagged = perSpelling.reduce((sum, bySpelling) => {
            const row = bySpelling.get(accountId);
            return sum + (row ? row.totalUsd - row.untaggedUsd : 0);
          }, 0);
          // A line item carrying two spellings counts once per spelling: never below zero untagged.
          untaggedUsdByKey[requiredKey] = Math.max(0, totalUsd - tagged);
        }
        return { accountId, totalUsd, untaggedUsdByKey };
      }),
      inactiveKeys: plan.inactive,
    };
  }

  /**
   * Status of the user-defined cost allocation tags that could spell the
   * keys: only the keys themselves when every key is exact (one call), else
   * every user-defined tag (pages of 1,000), to find other spellings.
   */
  async #costAllocationTags(
    client: CostExplorerClient,
    keys: readonly SpendKey[],
  ): Promise<Map<string, string>> {
    const exactOnly = keys.every((k) => k.keyCase === 'exact');
    const status = new Map<string, string>();
    const batches = exactOnly
      ? chunks(
          keys.map((k) => k.key),
          TAG_KEYS_PER_CALL,
        )
      : [undefined];
    for (const tagKeys of batches) {
      let token: string | undefined;
      do {
        const request = new ListCostAllocationTagsCommand({
          Type: 'UserDefined',
          ...(tagKeys && { TagKeys: tagKeys }),
          MaxResults: COST_ALLOCATION_TAGS_PAGE,
          NextToken: token,
        });
        const page = await client.send(request).catch((cause: unknown) => {
          throw new ScanError(
            SPEND_SCOPE,
            `ListCostAllocationTags failed: ${awsFailureReason(cause, 'ce:ListCostAllocationTags')}`,
            { cause },
          );
        });
        this.#calls++;
        for (const tag of page.CostAllocationTags ?? []) {
          if (tag.TagKey && tag.Status) status.set(tag.TagKey, tag.Status);
        }
        token = page.NextToken || undefined;
      } while (token !== undefined);
    }
    return status;
  }
}

/** Which spellings of each required key are measured, and which are not active. */
export interface SpellingPlan {
  /** Required key → its active spellings (at least one). */
  readonly active: ReadonlyMap<string, readonly string[]>;
  readonly inactive: InactiveCostTag[];
}

/**
 * Splits each required key's spellings into active (queried) and inactive
 * (reported), from ListCostAllocationTags' statuses. An exact key has one
 * spelling; an insensitive key every listed key equal to it ignoring case.
 * A key with no listed spelling is `absent`. Pure.
 *
 * @example
 * planSpellings([{ key: 'env', keyCase: 'insensitive' }], new Map([['Env', 'Active'], ['ENV', 'Inactive']]));
 * // { active: Map { 'env' => ['Env'] }, inactive: [{ key: 'ENV', requiredKey: 'env', status: 'Inactive' }] }
 */
export function planSpellings(
  keys: readonly SpendKey[],
  statuses: ReadonlyMap<string, string>,
): SpellingPlan {
  const active = new Map<string, string[]>();
  const inactive: InactiveCostTag[] = [];
  for (const { key, keyCase } of keys) {
    const lower = key.toLowerCase();
    const spellings =
      keyCase === 'exact'
        ? [...statuses.keys()].filter((k) => k === key)
        : [...statuses.keys()].filter((k) => k.toLowerCase() === lower).sort();
    if (spellings.length === 0) inactive.push({ key, requiredKey: key, status: 'absent' });
    for (const spelling of spellings) {
      if (statuses.get(spelling) === 'Active') active.set(key, [...(active.get(key) ?? []), spelling]);
      else inactive.push({ key: spelling, requiredKey: key, status: 'Inactive' });
    }
  }
  return { active, inactive };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Spend per account, and the part without `key`, from the `ResultsByTime` of
 * a query grouped by LINKED_ACCOUNT then TAG `key` (all pages, all periods).
 * Cost Explorer names each tag group `<key>$<value>`; `<key>$` holds the line
 * items without the tag, and a blank value counts with them. Amounts arrive
 * as strings. Pure.
 *
 * @throws InputError when a group lacks the metric or an amount is not a number.
 * @example
 * untaggedSpendFromResults([{ Groups: [
 *   { Keys: ['111111111111', 'owner$'], Metrics: { AmortizedCost: { Amount: '2.5', Unit: 'USD' } } },
 *   { Keys: ['111111111111', 'owner$data'], Metrics: { AmortizedCost: { Amount: '7.5', Unit: 'USD' } } },
 * ] }], 'owner');
 * // Map { '111111111111' => { totalUsd: 10, untaggedUsd: 2.5 } }
 */
export function untaggedSpendFromResults(
  resultsByTime: readonly ResultByTime[],
  key: string,
  metric: string = DEFAULT_SPEND_METRIC,
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
      // `<key>$` holds line items without the tag; a blank value (`<key>$ `) lacks it as much.
      if (tagGroup.slice(untaggedGroup.length).trim() === '') sums.untaggedUsd += amount;
      spend.set(accountId, sums);
    });
  });
  return spend;
}
