import type { AccountDirectory } from '../../../core/sources.js';
import type { ConfigQuery } from '../config-queries.js';
import type { LogGroupDescription } from '../from-config/log-group.js';

/** One row of an advanced query as returned (a JSON string from the API, an object from a file), and where it came from. */
export interface ConfigQueryRow {
  readonly raw: unknown;
  /** `Results[3] of page 2`, `config-items.json: [14]`: named in the error when the row is bad. */
  readonly where: string;
}

/**
 * AWS Config advanced queries over the whole organization (an aggregator's
 * `SelectAggregateResourceConfig`, or `config-items.json` locally). Throws
 * when the query cannot be read completely: a partial answer must never
 * pass for a complete one.
 */
export interface ConfigQuerySource {
  readonly name: string;
  select(query: ConfigQuery): Promise<ConfigQueryRow[]>;
  /**
   * The regions among `regions` whose data the aggregator does not hold
   * (`DescribeConfigurationAggregatorSourcesStatus`: no source, or a failed
   * one), each with why. Absent where the source cannot tell (local files).
   * Throws when the status cannot be read.
   */
  uncoveredRegions?(regions: readonly string[]): Promise<ReadonlyArray<{ region: string; reason: string }>>;
}

/**
 * Log groups of one account and region (CloudWatch Logs `DescribeLogGroups`
 * through the member read role, or `log-groups.json`): AWS Config does not
 * record them. Throws when the scope cannot be read completely.
 */
export interface LogGroupSource {
  readonly name: string;
  listLogGroups(accountId: string, region: string): Promise<LogGroupDescription[]>;
}

/** Cost per resource ARN over a window (Cost Explorer resource-level data, or FOCUS `ResourceId`). */
export interface ResourceCostSource {
  readonly name: string;
  resourceCosts(input: { start: Date; end: Date }): Promise<Map<string, number>>;
}

/** What the runtime cost-policy check reads the world through. */
export interface CostPolicyPorts {
  readonly directory: AccountDirectory;
  readonly config: ConfigQuerySource;
  readonly logGroups: LogGroupSource;
  readonly costs?: ResourceCostSource;
}
