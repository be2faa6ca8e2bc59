import type { AccountInfo, SpendKey, TaggedResource, TagSpend } from '../checks/tag-coverage/types.js';
import type { MetricQuery } from '../config/schema.js';

/** Accounts of the organization with their tags (Organizations, or accounts.json). */
export interface AccountDirectory {
  listAccounts(): Promise<AccountInfo[]>;
}

/**
 * Resources and tags of one account and region (Tagging API through the
 * member read role, or resources.json). Throws when the scope cannot be read
 * completely: a partial list must never pass for a complete one.
 */
export interface InventorySource {
  readonly name: string;
  /**
   * True when `listResources(account, 'global')` lists the account's global
   * resources (IAM, CloudFront, Route 53): the check then scans the scope
   * `<account>/global` beside the regions, and regional scans leave them out.
   */
  readonly globalScope?: boolean;
  listResources(accountId: string, region: string): Promise<TaggedResource[]>;
  /** API pages requested so far, where the source pages (progress only). */
  readonly pageRequests?: number;
}

/**
 * Spend, and spend lacking each tag key, per account (Cost Explorer TAG
 * groups, or FOCUS Tags). A blank value counts as lacking the key; an
 * `insensitive` key counts under any spelling. Keys the source cannot
 * group by (inactive cost allocation tags) are reported, not measured.
 */
export interface TagSpendSource {
  readonly name: string;
  untaggedSpend(input: {
    accountIds: readonly string[];
    keys: readonly SpendKey[];
    start: Date;
    end: Date;
  }): Promise<TagSpend>;
  /** Cost per resource ARN over the window, where the source knows it. */
  resourceCosts?(input: { start: Date; end: Date }): Promise<Map<string, number>>;
}

/**
 * One day of cost. A day is judged only when the source vouches for it:
 * `estimated` days (Cost Explorer's `Estimated: true`, not final yet) are
 * shown but never judged; `missing` days are ones the source should have
 * and does not (a FOCUS file with no rows for the account that day, a day
 * absent from Cost Explorer's answer): their series' scope is incomplete,
 * so its open findings are held (docs/design/completeness.md).
 */
export interface DailyCost {
  /** `YYYY-MM-DD`, UTC. */
  readonly day: string;
  readonly usd: number;
  readonly estimated: boolean;
  /** The source should cover this day for this series and does not. Implies `estimated`. */
  readonly missing?: boolean;
}

/** Daily cost of one (account, service) pair, or of one workload's cost filter. */
export interface CostSeries {
  readonly key: { readonly accountId?: string; readonly service?: string; readonly workload?: string };
  /** Every day of the window, in order; a day without charges is 0, not missing. */
  readonly days: readonly DailyCost[];
}

/** What drove a change: one usage type in one region, with its cost before and during the window. */
export interface CostDriver {
  readonly usageType: string;
  readonly region: string;
  readonly resourceId?: string;
  readonly baselineUsdPerDay: number;
  readonly currentUsdPerDay: number;
}

/** The cost filter of a workload (config `workloads[].costFilter`). */
export interface CostFilter {
  readonly accounts: readonly string[];
  readonly services: readonly string[];
  readonly tags: Readonly<Record<string, readonly string[]>>;
}

/**
 * Daily cost (Cost Explorer GetCostAndUsage, or a FOCUS CSV). Every call to
 * Cost Explorer costs $0.01, so implementations make the fewest calls.
 */
export interface CostSource {
  readonly name: string;
  /** Daily cost per (account, service) over [start, end). */
  dailyCostByAccountAndService(input: { start: Date; end: Date }): Promise<CostSeries[]>;
  /** Daily cost of each workload's filter over [start, end), keyed by workload name. */
  dailyCostByWorkload(input: {
    start: Date;
    end: Date;
    workloads: ReadonlyArray<{ name: string; filter: CostFilter }>;
  }): Promise<CostSeries[]>;
  /** The top drivers of one (account, service) pair: called only for anomalous pairs. */
  drivers(input: {
    accountId: string;
    service: string;
    baseline: { start: Date; end: Date };
    current: { start: Date; end: Date };
  }): Promise<CostDriver[]>;
}

/** A daily metric series by query id (CloudWatch GetMetricData, or metrics.csv). */
export interface MetricSource {
  readonly name: string;
  dailyMetrics(input: {
    queries: ReadonlyArray<MetricQuery>;
    start: Date;
    end: Date;
  }): Promise<Map<string, Array<{ timestamp: string; value: number }>>>;
}

/** An anomaly that AWS Cost Anomaly Detection found (GetAnomalies). */
export interface AwsCostAnomaly {
  readonly anomalyId: string;
  readonly monitorArn: string;
  readonly accountId?: string;
  readonly service?: string;
  readonly region?: string;
  readonly startDate: string;
  readonly endDate?: string;
  readonly expectedUsd: number;
  readonly actualUsd: number;
  readonly impactUsd: number;
  readonly score: number;
}

/** A budget's actual and forecast spend against its limit (Budgets DescribeBudgets). */
export interface BudgetStatus {
  readonly name: string;
  readonly limitUsd: number;
  readonly actualUsd: number;
  readonly forecastUsd?: number;
  readonly timeUnit: string;
}

/** AWS's own cost signals, ingested beside our detector's. */
export interface AwsCostSignals {
  readonly name: string;
  anomalies(input: { start: Date; end: Date }): Promise<AwsCostAnomaly[]>;
  budgets(): Promise<BudgetStatus[]>;
}
