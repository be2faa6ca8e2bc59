import {
  CostExplorerClient,
  type Expression,
  type GetCostAndUsageCommandInput,
  type ResultByTime,
} from '@aws-sdk/client-cost-explorer';
import { InputError, ScanError } from '../../core/errors.js';
import type { CostDriver, CostFilter, CostSeries, CostSource, DailyCost } from '../../core/sources.js';
import { awsClient } from './clients.js';
import {
  allCostAndUsageResults,
  awsFailureReason,
  type CostExplorerAccessOptions,
  costExplorerClientOptions,
  isoDate,
} from './cost-explorer-query.js';
import { COST_EXPLORER_SOURCE } from './source-names.js';

/** Name of this source in findings, `sources` and benches. */
export const COST_EXPLORER_COSTS_SOURCE = COST_EXPLORER_SOURCE;

/**
 * RECORD_TYPE values left out of the series unless `anomaly.includeRecordTypes`
 * names them: credits, refunds and tax move with billing, not with usage;
 * support, upfront and recurring reservation fees land on one day a month.
 * Excluded with a NOT filter rather than an include list, because the set of
 * record types is open (DiscountedUsage, SavingsPlanCoveredUsage, Fee, …) and
 * an include list would silently drop the next new one.
 */
/**
 * Credits, refunds and tax say nothing about how a workload runs. Support,
 * upfront and recurring fees stay in: they are real spend, and the detector
 * learns month-start fees apart.
 */
export const DEFAULT_EXCLUDED_RECORD_TYPES: readonly string[] = ['Credit', 'Refund', 'Tax'];
/** Cost Explorer serves the current month and the 13 before it, DAILY or MONTHLY; older starts are clamped. */
export const COST_HISTORY_MONTHS = 13;
/** Scope of a failure to read the series. */
export const COST_SCOPE = 'cost';
/** How long the (account, service) query serves later calls for the same window (workloads derived from it). */
export const PAIRS_CACHE_TTL_MS = 15 * 60_000;
const DAY_MS = 86_400_000;
const PERMISSION = 'ce:GetCostAndUsage';

export interface CostExplorerCostsOptions extends CostExplorerAccessOptions {
  /** `anomaly.costMetric`. Default `UnblendedCost`. */
  readonly metric?: string;
  /** `anomaly.includeRecordTypes`: record types kept although excluded by default. */
  readonly includeRecordTypes?: readonly string[];
  /** Clock for the cache (epoch ms). Default `Date.now`. */
  readonly now?: () => number;
}

/** A workload and the filter it is read with. */
export interface WorkloadFilter {
  readonly name: string;
  readonly filter: CostFilter;
}

/** How {@link CostExplorerCosts.dailyCostByWorkload} reads each workload. */
export interface WorkloadQueryPlan {
  /** Accounts and services only: summed from the (account, service) series, no call of their own. */
  readonly derived: WorkloadFilter[];
  /** One tag key and nothing else: one query per key, grouped by that tag, serves them all. */
  readonly byTagKey: Map<string, WorkloadFilter[]>;
  /** Anything else: one filtered query each. */
  readonly filtered: WorkloadFilter[];
}

interface PairSeries {
  readonly series: CostSeries[];
  readonly days: DayStatus;
}

/** What Cost Explorer said about each day of a query's answer. */
interface DayStatus {
  /** Days with a result whose `Estimated` is not `false`: not final yet, never judged. */
  readonly estimated: ReadonlySet<string>;
  /** Days the answer has a result for; any other day of the window is `missing`. */
  readonly present: ReadonlySet<string>;
}

interface Window {
  readonly start: string;
  readonly end: string;
  readonly days: readonly string[];
}

/**
 * {@link CostSource} over Cost Explorer `GetCostAndUsage`, in the management
 * account. Every request costs $0.01, so a daily run makes, besides extra pages:
 * - 1 query for every (account, service) series: DAILY over the whole window,
 *   grouped by LINKED_ACCOUNT and SERVICE;
 * - 0 for a workload filtered by accounts and services only (summed from those
 *   series), 1 per tag key shared by workloads filtered by that one key only,
 *   and 1 per other workload;
 * - 1 per anomalous pair for its drivers.
 *
 * Record types in {@link DEFAULT_EXCLUDED_RECORD_TYPES} are filtered out unless
 * included. Windows starting before the 13 months Cost Explorer keeps are
 * clamped, and their series start at the clamp. Resource-level drivers would
 * need GetCostAndUsageWithResources (14 days, opt-in, paid per record), so
 * drivers stop at usage type and region.
 *
 * Completeness is what Cost Explorer says per day (`ResultsByTime[].Estimated`,
 * one flag per period for every group): a day is final only when its result
 * says `Estimated: false`; an estimated day is shown but never judged, and a
 * day of the window with no result at all is `missing`.
 *
 * @example
 * const costs = new CostExplorerCosts({ ...config.organization, assumer, metric: config.anomaly.costMetric,
 *   includeRecordTypes: config.anomaly.includeRecordTypes });
 * const series = await costs.dailyCostByAccountAndService({ start, end });
 */
export class CostExplorerCosts implements CostSource {
  readonly name = COST_EXPLORER_COSTS_SOURCE;
  readonly #options: CostExplorerCostsOptions;
  readonly #metric: string;
  readonly #recordTypes: Expression | undefined;
  #calls = 0;
  #derivedWorkloads = 0;
  #pairs: { key: string; at: number; value: Promise<PairSeries> } | undefined;

  constructor(options: CostExplorerCostsOptions) {
    this.#options = options;
    this.#metric = options.metric ?? 'UnblendedCost';
    this.#recordTypes = recordTypeFilter(options.includeRecordTypes ?? []);
  }

  /** GetCostAndUsage requests sent so far ($0.01 each). */
  get calls(): number {
    return this.#calls;
  }

  /** Workloads served from the (account, service) series without a request of their own. */
  get derivedWorkloads(): number {
    return this.#derivedWorkloads;
  }

  async dailyCostByAccountAndService(input: { start: Date; end: Date }): Promise<CostSeries[]> {
    return (await this.#pairSeries(costWindow(input.start, input.end))).series;
  }

  async dailyCostByWorkload(input: {
    start: Date;
    end: Date;
    workloads: ReadonlyArray<WorkloadFilter>;
  }): Promise<CostSeries[]> {
    const window = costWindow(input.start, input.end);
    const plan = planWorkloadQueries(input.workloads);
    const byName = new Map<string, CostSeries>();
    if (plan.derived.length > 0) {
      const pairs = await this.#pairSeries(window);
      for (const w of plan.derived) {
        byName.set(w.name, workloadFromPairs(w, pairs, window.days));
        this.#derivedWorkloads++;
      }
    }
    if (plan.byTagKey.size === 0 && plan.filtered.length === 0) return ordered(input.workloads, byName);
    await this.#read('workload costs', async (client) => {
      // Sequential: Cost Explorer's request rate is low and each query pages on its own.
      for (const [key, workloads] of plan.byTagKey) {
        const results = await this.#results(client, {
          ...this.#query(window, [tagFilter(key, workloads)]),
          GroupBy: [{ Type: 'TAG', Key: key }],
        });
        const { sums, status } = sumGroupsByDay(results, this.#metric);
        for (const w of workloads) {
          const values = w.filter.tags[key] ?? [];
          const wanted = (group: string) =>
            values.length === 0 ? group !== `${key}$` : values.some((v) => group === `${key}$${v}`);
          const perDay = new Map<string, number>();
          for (const [group, days] of sums) {
            if (!wanted(group)) continue;
            for (const [day, usd] of days) perDay.set(day, (perDay.get(day) ?? 0) + usd);
          }
          byName.set(w.name, toSeries({ workload: w.name }, perDay, status, window.days));
        }
      }
      for (const w of plan.filtered) {
        const results = await this.#results(client, this.#query(window, workloadFilterParts(w.filter)));
        const { perDay, status } = totalsByDay(results, this.#metric);
        byName.set(w.name, toSeries({ workload: w.name }, perDay, status, window.days));
      }
    });
    return ordered(input.workloads, byName);
  }

  async drivers(input: {
    accountId: string;
    service: string;
    baseline: { start: Date; end: Date };
    current: { start: Date; end: Date };
  }): Promise<CostDriver[]> {
    const { accountId, service, baseline, current } = input;
    const start = new Date(Math.min(baseline.start.getTime(), current.start.getTime()));
    const end = new Date(Math.max(baseline.end.getTime(), current.end.getTime()));
    const window = costWindow(start, end);
    const scope = `${COST_SCOPE}/${accountId}/${service}`;
    let results: ResultByTime[] = [];
    await this.#read(
      'drivers',
      async (client) => {
        results = await this.#results(client, {
          ...this.#query(window, [
            { Dimensions: { Key: 'LINKED_ACCOUNT', Values: [accountId] } },
            { Dimensions: { Key: 'SERVICE', Values: [service] } },
          ]),
          // REGION is missing from GetCostAndUsage's GroupBy list in the API reference (and from
          // GetDimensionValues' COST_AND_USAGE list), but it is a Dimension value, the Expression
          // reference filters by it, and the Cost Explorer guide ("Filter and group options") groups
          // by Region. Not confirmed by a real call.
          GroupBy: [
            { Type: 'DIMENSION', Key: 'USAGE_TYPE' },
            { Type: 'DIMENSION', Key: 'REGION' },
          ],
        });
      },
      scope,
    );
    return driversFromResults(results, this.#metric, {
      baselineDays: daysWithin(window.days, baseline),
      currentDays: daysWithin(window.days, current),
    });
  }

  #pairSeries(window: Window): Promise<PairSeries> {
    const key = `${window.start}|${window.end}|${this.#metric}`;
    const now = (this.#options.now ?? Date.now)();
    if (this.#pairs && this.#pairs.key === key && now - this.#pairs.at < PAIRS_CACHE_TTL_MS) {
      return this.#pairs.value;
    }
    const value = (async () => {
      let results: ResultByTime[] = [];
      await this.#read('costs by account and service', async (client) => {
        results = await this.#results(client, {
          ...this.#query(window, []),
          GroupBy: [
            { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
            { Type: 'DIMENSION', Key: 'SERVICE' },
          ],
        });
      });
      return pairSeriesFromResults(results, this.#metric, window.days);
    })();
    const entry = { key, at: now, value };
    this.#pairs = entry;
    // A failed query is not cached: the next caller asks again.
    value.catch(() => {
      if (this.#pairs === entry) this.#pairs = undefined;
    });
    return value;
  }

  #query(window: Window, filters: Expression[]): GetCostAndUsageCommandInput {
    const filter = allOf([...filters, ...(this.#recordTypes ? [this.#recordTypes] : [])]);
    return {
      TimePeriod: { Start: window.start, End: window.end },
      Granularity: 'DAILY',
      Metrics: [this.#metric],
      ...(filter !== undefined && { Filter: filter }),
    };
  }

  #results(client: CostExplorerClient, query: GetCostAndUsageCommandInput): Promise<ResultByTime[]> {
    return allCostAndUsageResults(client, query, () => {
      this.#calls++;
    });
  }

  /** Runs `read` with the Cost Explorer client; any failure becomes a {@link ScanError} of `scope`. */
  async #read(
    what: string,
    read: (client: CostExplorerClient) => Promise<void>,
    scope = COST_SCOPE,
  ): Promise<void> {
    try {
      const client = awsClient(
        CostExplorerClient,
        await costExplorerClientOptions(this.#options, 'cost-anomaly'),
      );
      await read(client);
    } catch (cause) {
      if (cause instanceof ScanError) throw cause;
      const reason = cause instanceof InputError ? cause.message : awsFailureReason(cause, PERMISSION);
      throw new ScanError(scope, `GetCostAndUsage (${what}) failed: ${reason}`, { cause });
    }
  }
}

/**
 * The NOT RECORD_TYPE filter for the default exclusions minus `include`, or
 * none when everything is included.
 *
 * @example
 * recordTypeFilter(['Tax']); // { Not: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Credit', 'Refund', 'Support', 'Upfront', 'Recurring'] } } }
 */
export function recordTypeFilter(include: readonly string[]): Expression | undefined {
  const excluded = DEFAULT_EXCLUDED_RECORD_TYPES.filter((type) => !include.includes(type));
  return excluded.length === 0
    ? undefined
    : { Not: { Dimensions: { Key: 'RECORD_TYPE', Values: [...excluded] } } };
}

/**
 * The Cost Explorer filter parts of a workload: LINKED_ACCOUNT, SERVICE and one
 * Tags expression per key (a key with no values means "has the tag at all").
 * The caller ANDs them.
 */
export function workloadFilterParts(filter: CostFilter): Expression[] {
  const parts: Expression[] = [];
  if (filter.accounts.length > 0)
    parts.push({ Dimensions: { Key: 'LINKED_ACCOUNT', Values: [...filter.accounts] } });
  if (filter.services.length > 0)
    parts.push({ Dimensions: { Key: 'SERVICE', Values: [...filter.services] } });
  for (const [key, values] of Object.entries(filter.tags)) {
    parts.push(
      values.length > 0
        ? { Tags: { Key: key, Values: [...values] } }
        : { Not: { Tags: { Key: key, MatchOptions: ['ABSENT'] } } },
    );
  }
  return parts;
}

/**
 * Splits workloads by how they are cheapest to read (see {@link WorkloadQueryPlan}).
 *
 * @example
 * planWorkloadQueries([{ name: 'api', filter: { accounts: ['111111111111'], services: [], tags: {} } }]).derived.length; // 1
 */
export function planWorkloadQueries(workloads: ReadonlyArray<WorkloadFilter>): WorkloadQueryPlan {
  const plan: WorkloadQueryPlan = { derived: [], byTagKey: new Map(), filtered: [] };
  for (const w of workloads) {
    const keys = Object.keys(w.filter.tags);
    const [key] = keys;
    if (key === undefined) plan.derived.push(w);
    else if (keys.length === 1 && w.filter.accounts.length === 0 && w.filter.services.length === 0) {
      plan.byTagKey.set(key, [...(plan.byTagKey.get(key) ?? []), w]);
    } else plan.filtered.push(w);
  }
  return plan;
}

/**
 * Daily series per (account, service) from a DAILY query grouped by
 * LINKED_ACCOUNT then SERVICE (all pages), with every day of `days` filled:
 * a pair without a group on a day cost 0 that day. Pure.
 *
 * @throws InputError when a group has not two keys, or an amount is not a number.
 */
export function pairSeriesFromResults(
  results: readonly ResultByTime[],
  metric: string,
  days: readonly string[],
): PairSeries {
  const { sums, status } = sumGroupsByDay(results, metric, 2);
  const series = [...sums]
    .map(([joined, perDay]) => {
      const [accountId = '', service = ''] = JSON.parse(joined) as string[];
      return toSeries({ accountId, service }, perDay, status, days);
    })
    .sort(
      (a, b) =>
        compare(a.key.accountId ?? '', b.key.accountId ?? '') ||
        compare(a.key.service ?? '', b.key.service ?? ''),
    );
  return { series, days: status };
}

/**
 * Baseline and current USD/day per (usage type, region) from a DAILY query
 * grouped by USAGE_TYPE then REGION, sorted by absolute change, largest first. Pure.
 */
export function driversFromResults(
  results: readonly ResultByTime[],
  metric: string,
  windows: { baselineDays: readonly string[]; currentDays: readonly string[] },
): CostDriver[] {
  const { sums } = sumGroupsByDay(results, metric, 2);
  const perDay = (days: Map<string, number>, wanted: readonly string[]) =>
    wanted.length === 0 ? 0 : wanted.reduce((total, day) => total + (days.get(day) ?? 0), 0) / wanted.length;
  const drivers = [...sums].map(([joined, days]): CostDriver => {
    const [usageType = '', region = ''] = JSON.parse(joined) as string[];
    return {
      usageType,
      region,
      baselineUsdPerDay: perDay(days, windows.baselineDays),
      currentUsdPerDay: perDay(days, windows.currentDays),
    };
  });
  const change = (d: CostDriver) => Math.abs(d.currentUsdPerDay - d.baselineUsdPerDay);
  return drivers.sort(
    (a, b) => change(b) - change(a) || compare(a.usageType, b.usageType) || compare(a.region, b.region),
  );
}

/**
 * The window Cost Explorer is asked for: `YYYY-MM-DD` bounds, the start
 * clamped to {@link COST_HISTORY_MONTHS} months before the end's month, and
 * every day in it.
 *
 * @throws InputError when the start is not before the end.
 */
export function costWindow(start: Date, end: Date): Window {
  const endDay = isoDate(end);
  const oldest = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - COST_HISTORY_MONTHS, 1));
  const startDay = isoDate(start < oldest ? oldest : start);
  if (startDay >= endDay)
    throw new InputError('cost window', `start ${startDay} is not before end ${endDay}`);
  const days: string[] = [];
  for (let t = Date.parse(`${startDay}T00:00:00Z`); isoDate(new Date(t)) < endDay; t += DAY_MS) {
    days.push(isoDate(new Date(t)));
  }
  return { start: startDay, end: endDay, days };
}

function ordered(workloads: ReadonlyArray<WorkloadFilter>, byName: Map<string, CostSeries>): CostSeries[] {
  return workloads.flatMap((w) => byName.get(w.name) ?? []);
}

function workloadFromPairs(w: WorkloadFilter, pairs: PairSeries, days: readonly string[]): CostSeries {
  const { accounts, services } = w.filter;
  const perDay = new Map<string, number>();
  for (const s of pairs.series) {
    if (accounts.length > 0 && !accounts.includes(s.key.accountId ?? '')) continue;
    if (services.length > 0 && !services.includes(s.key.service ?? '')) continue;
    for (const d of s.days) perDay.set(d.day, (perDay.get(d.day) ?? 0) + d.usd);
  }
  return toSeries({ workload: w.name }, perDay, pairs.days, days);
}

/** The union of the workloads' values of one tag key, or "has the key" when one of them takes any value. */
function tagFilter(key: string, workloads: readonly WorkloadFilter[]): Expression {
  const values = workloads.map((w) => w.filter.tags[key] ?? []);
  if (values.some((v) => v.length === 0)) return { Not: { Tags: { Key: key, MatchOptions: ['ABSENT'] } } };
  return { Tags: { Key: key, Values: [...new Set(values.flat())] } };
}

function allOf(parts: Expression[]): Expression | undefined {
  if (parts.length <= 1) return parts[0];
  return { And: parts };
}

/**
 * Notes a result's day as present, and as estimated unless Cost Explorer
 * says `Estimated: false`: a day is final only when the answer says so.
 */
function noteDay(status: { estimated: Set<string>; present: Set<string> }, result: ResultByTime, r: number) {
  const day = dayOf(result, r);
  status.present.add(day);
  if (result.Estimated !== false) status.estimated.add(day);
  return day;
}

/** Sums per group (keys JSON-joined) and day, across pages; and what Cost Explorer said of each day. */
function sumGroupsByDay(
  results: readonly ResultByTime[],
  metric: string,
  keyCount = 1,
): { sums: Map<string, Map<string, number>>; status: DayStatus } {
  const sums = new Map<string, Map<string, number>>();
  const status = { estimated: new Set<string>(), present: new Set<string>() };
  results.forEach((result, r) => {
    const day = noteDay(status, result, r);
    (result.Groups ?? []).forEach((group, g) => {
      const where = `ResultsByTime[${r}].Groups[${g}]`;
      const keys = group.Keys ?? [];
      if (keys.length !== keyCount) {
        throw new InputError(where, `expected ${keyCount} Keys, got ${JSON.stringify(group.Keys)}`);
      }
      const joined = keyCount === 1 ? (keys[0] ?? '') : JSON.stringify(keys);
      let perDay = sums.get(joined);
      if (perDay === undefined) {
        perDay = new Map();
        sums.set(joined, perDay);
      }
      perDay.set(day, (perDay.get(day) ?? 0) + amountOf(group.Metrics, metric, where));
    });
  });
  return { sums, status };
}

/** Per-day `Total` of an ungrouped query. */
function totalsByDay(
  results: readonly ResultByTime[],
  metric: string,
): { perDay: Map<string, number>; status: DayStatus } {
  const perDay = new Map<string, number>();
  const status = { estimated: new Set<string>(), present: new Set<string>() };
  results.forEach((result, r) => {
    const day = noteDay(status, result, r);
    // A day without charges may come with no Total at all.
    if (result.Total?.[metric] === undefined) return;
    perDay.set(day, (perDay.get(day) ?? 0) + amountOf(result.Total, metric, `ResultsByTime[${r}].Total`));
  });
  return { perDay, status };
}

/**
 * A series over every day of the window. A day Cost Explorer sent no result
 * for is `missing`: the answer is incomplete, so the check holds the
 * series' findings rather than read the day as zero.
 */
function toSeries(
  key: CostSeries['key'],
  perDay: ReadonlyMap<string, number> | undefined,
  status: DayStatus,
  days: readonly string[],
): CostSeries {
  return {
    key,
    days: days.map((day): DailyCost => {
      const usd = perDay?.get(day) ?? 0;
      if (!status.present.has(day)) return { day, usd, estimated: true, missing: true };
      return { day, usd, estimated: status.estimated.has(day) };
    }),
  };
}

function dayOf(result: ResultByTime, r: number): string {
  const start = result.TimePeriod?.Start;
  if (!start || !/^\d{4}-\d{2}-\d{2}/.test(start)) {
    throw new InputError(`ResultsByTime[${r}].TimePeriod.Start`, `not a date: ${JSON.stringify(start)}`);
  }
  return start.slice(0, 10);
}

/** Cost Explorer sends amounts as strings. */
function amountOf(
  metrics: Record<string, { Amount?: string | undefined }> | undefined,
  metric: string,
  where: string,
): number {
  const raw = metrics?.[metric]?.Amount;
  const amount = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(amount)) {
    throw new InputError(where, `no numeric ${metric} amount: ${JSON.stringify(raw)}`);
  }
  return amount;
}

function daysWithin(days: readonly string[], window: { start: Date; end: Date }): string[] {
  const start = isoDate(window.start);
  const end = isoDate(window.end);
  return days.filter((day) => day >= start && day < end);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
