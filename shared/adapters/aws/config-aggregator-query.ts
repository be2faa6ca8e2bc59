import {
  ConfigServiceClient,
  DescribeConfigurationAggregatorSourcesStatusCommand,
  SelectAggregateResourceConfigCommand,
} from '@aws-sdk/client-config-service';
import type { ConfigQuery } from '../../checks/cost-policy/config-queries.js';
import type { ConfigQueryRow, ConfigQuerySource } from '../../checks/cost-policy/runtime/ports.js';
import { ScanError } from '../../core/errors.js';
import { type ManagementAccount, managementAccess, type RoleAssumer } from './assume-role.js';
import { DEFAULT_RETRY_POLICY, fullJitterDelayMs, isRetryableAwsError, type RetryPolicy } from './backoff.js';
import { awsClient } from './clients.js';
import { awsFailureReason } from './cost-explorer-query.js';

/** Name of this source in a digest's `sources`. */
/** SelectAggregateResourceConfig's largest page (API reference: Limit 0–100; 25 when unset). */
export const SELECT_PAGE_LIMIT = 100;
export const CONFIG_AGGREGATOR_QUERY_SOURCE = 'config-aggregator';
/** SelectAggregateResourceConfig's `Expression`: 1–4096 characters (API reference, Request Parameters). */
export const EXPRESSION_MAX = 4096;

export interface ConfigAggregatorQueryOptions {
  readonly aggregatorName: string;
  /** The aggregator's region. */
  readonly region: string;
  /** The aggregator's account and the role to assume there when the caller is elsewhere. */
  readonly account: ManagementAccount;
  readonly assumer: RoleAssumer;
  /** Rounds of our own after the SDK's retries, for throttling that outlasts them. */
  readonly retry?: Partial<RetryPolicy>;
}

/** What an aggregator error means for the rules it could not judge. */
const EXPLAINED: Readonly<Record<string, string>> = {
  NoSuchConfigurationAggregatorException:
    'no such configuration aggregator in that account and region (create an organization aggregator: README, "Cost guardrails at runtime")',
  InvalidExpressionException: 'AWS Config refused the query expression',
  InvalidLimitException: 'AWS Config refused the page size',
  InvalidNextTokenException: 'AWS Config refused the NextToken of the previous page',
};

/**
 * {@link ConfigQuerySource} over an AWS Config organization aggregator:
 * `SelectAggregateResourceConfig` with the query's expression, 100 rows a
 * page (the API's maximum; 25 when unset), following `NextToken` until it is
 * absent. Throttling past the SDK's adaptive retries gets a few rounds of
 * full-jitter backoff; any failure left is a {@link ScanError} naming the
 * query, whose rules become scan gaps. Each `Results[]` string is returned
 * unparsed, with the page and index that name it if it is bad.
 *
 * @example
 * const source = new ConfigAggregatorQuery({ aggregatorName: 'org', region: 'us-east-1', account, assumer });
 * const rows = await source.select(CONFIG_QUERIES[0]);
 */
export class ConfigAggregatorQuery implements ConfigQuerySource {
  readonly name = CONFIG_AGGREGATOR_QUERY_SOURCE;
  readonly #options: ConfigAggregatorQueryOptions;
  readonly #retry: RetryPolicy;
  #pageRequests = 0;

  constructor(options: ConfigAggregatorQueryOptions) {
    this.#options = options;
    this.#retry = { ...DEFAULT_RETRY_POLICY, maxRetries: 3, ...options.retry };
  }

  /** SelectAggregateResourceConfig calls sent so far (retries included). */
  get pageRequests(): number {
    return this.#pageRequests;
  }

  async select(query: ConfigQuery): Promise<ConfigQueryRow[]> {
    const scope = `${this.#options.aggregatorName} (${query.kind})`;
    if (query.expression.length > EXPRESSION_MAX)
      throw new ScanError(
        scope,
        `the query is ${query.expression.length} characters, more than ${EXPRESSION_MAX}`,
      );
    try {
      const client = await this.#client();
      const rows: ConfigQueryRow[] = [];
      const seen = new Set<string>();
      let token: string | undefined;
      let pageNumber = 1;
      do {
        const input = {
          ConfigurationAggregatorName: this.#options.aggregatorName,
          Expression: query.expression,
          Limit: SELECT_PAGE_LIMIT,
          ...(token !== undefined && { NextToken: token }),
        };
        const page = await this.#withBackoff(() =>
          client.send(new SelectAggregateResourceConfigCommand(input)),
        );
        const at = pageNumber;
        (page.Results ?? []).forEach((raw, i) => {
          rows.push({ raw, where: `SelectAggregateResourceConfig ${query.kind} page ${at} Results[${i}]` });
        });
        token = page.NextToken || undefined;
        if (token !== undefined) {
          if (seen.has(token))
            throw new ScanError(scope, 'SelectAggregateResourceConfig repeated a NextToken');
          seen.add(token);
        }
        pageNumber++;
      } while (token !== undefined);
      return rows;
    } catch (cause) {
      if (cause instanceof ScanError) throw cause;
      throw new ScanError(scope, explain(cause), { cause });
    }
  }

  /**
   * Regions the aggregator does not hold, from
   * `DescribeConfigurationAggregatorSourcesStatus` (every page): a region is
   * held when a source there last updated `SUCCEEDED` or `OUTDATED` (data
   * present, not the latest); one with only `FAILED` sources, or none, is not.
   * The API reference describes the status as the last time Config verified
   * the source's authorization, so this catches a region not aggregated or not
   * authorized, not a recorder switched off in one account: an organization
   * aggregator reports its sources per region, not per account.
   */
  async uncoveredRegions(regions: readonly string[]): Promise<Array<{ region: string; reason: string }>> {
    const statuses = await this.sourcesStatus();
    return regions.flatMap((region) => {
      const reason = whyUncovered(this.#options.aggregatorName, statuses, region);
      return reason === undefined ? [] : [{ region, reason }];
    });
  }

  /** Every source's last collection (`DescribeConfigurationAggregatorSourcesStatus`, every page). */
  async sourcesStatus(): Promise<SourceStatus[]> {
    const scope = `${this.#options.aggregatorName} (sources status)`;
    try {
      const client = await this.#client();
      const statuses: SourceStatus[] = [];
      const seen = new Set<string>();
      let token: string | undefined;
      do {
        const input = {
          ConfigurationAggregatorName: this.#options.aggregatorName,
          ...(token !== undefined && { NextToken: token }),
        };
        const page = await this.#withBackoff(() =>
          client.send(new DescribeConfigurationAggregatorSourcesStatusCommand(input)),
        );
        for (const source of page.AggregatedSourceStatusList ?? []) {
          if (!source.AwsRegion) continue;
          statuses.push({
            region: source.AwsRegion,
            ...(source.SourceId !== undefined && { sourceId: source.SourceId }),
            ...(source.SourceType !== undefined && { sourceType: source.SourceType }),
            held: source.LastUpdateStatus === 'SUCCEEDED' || source.LastUpdateStatus === 'OUTDATED',
            detail: `${source.LastUpdateStatus ?? 'no status'}${source.LastErrorCode ? ` (${source.LastErrorCode}: ${source.LastErrorMessage ?? ''})` : ''}`,
          });
        }
        token = page.NextToken || undefined;
        if (token !== undefined) {
          if (seen.has(token)) throw new ScanError(scope, 'the sources status repeated a NextToken');
          seen.add(token);
        }
      } while (token !== undefined);
      return statuses;
    } catch (cause) {
      if (cause instanceof ScanError) throw cause;
      throw new ScanError(scope, explainStatus(cause), { cause });
    }
  }

  async #client(): Promise<ConfigServiceClient> {
    return awsClient(ConfigServiceClient, {
      region: this.#options.region,
      ...(await managementAccess(this.#options.assumer, this.#options.account)),
    });
  }

  async #withBackoff<T>(call: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      this.#pageRequests++;
      try {
        return await call();
      } catch (error) {
        if (retry >= this.#retry.maxRetries || !isRetryableAwsError(error)) throw error;
        await this.#retry.sleep(fullJitterDelayMs(retry, this.#retry));
      }
    }
  }
}

function explain(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const meaning = EXPLAINED[name];
  const reason = awsFailureReason(error, 'config:SelectAggregateResourceConfig');
  return meaning ? `${meaning}: ${reason}` : `AWS Config: ${reason}`;
}

function explainStatus(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  const meaning = EXPLAINED[name];
  const reason = awsFailureReason(error, 'config:DescribeConfigurationAggregatorSourcesStatus');
  return meaning ? `${meaning}: ${reason}` : `AWS Config: ${reason}`;
}

/** One aggregator source's last collection in one region. */
export interface SourceStatus {
  readonly region: string;
  /** An account id for `ACCOUNT` sources, the organization's for `ORGANIZATION` ones. */
  readonly sourceId?: string;
  readonly sourceType?: string;
  /** Last update `SUCCEEDED` or `OUTDATED`: the aggregator has data from it. */
  readonly held: boolean;
  readonly detail: string;
}

/**
 * Why an aggregator holds no data of `region` (of `accountId` there, when
 * given), or undefined when it does. An organization source is judged per
 * region; where a region has only account sources (an aggregator of listed
 * accounts), the account's own source decides, so one failing account is not
 * hidden by another that succeeded.
 *
 * @example
 * whyUncovered('org', statuses, 'eu-west-1', '123456789012'); // undefined, or 'the aggregator org does not aggregate …'
 */
export function whyUncovered(
  aggregatorName: string,
  statuses: readonly SourceStatus[],
  region: string,
  accountId?: string,
): string | undefined {
  const here = statuses.filter((s) => s.region === region);
  const byAccount = here.filter((s) => s.sourceType === 'ACCOUNT');
  if (accountId !== undefined && byAccount.length === here.length && here.length > 0) {
    const own = byAccount.find((s) => s.sourceId === accountId);
    if (own === undefined)
      return `the aggregator ${aggregatorName} does not aggregate account ${accountId} in ${region}`;
    return own.held
      ? undefined
      : `the aggregator ${aggregatorName} last failed to collect account ${accountId} in ${region}: ${own.detail}`;
  }
  if (here.some((s) => s.held)) return undefined;
  const failed = here.at(-1);
  return failed === undefined
    ? `the aggregator ${aggregatorName} does not aggregate ${region}`
    : `the aggregator ${aggregatorName} last failed to collect ${region}: ${failed.detail}`;
}
