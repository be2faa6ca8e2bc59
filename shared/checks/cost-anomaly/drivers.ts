/**
 * Which (account, service) pairs a workload's cost filter covers, which of
 * them to ask for drivers, and each driver's share of the change. Pure.
 */
import type { CostDriver, CostFilter, CostSeries } from '../../core/sources.js';

/** A driver with where it came from and its share of the series' change. */
export interface DriverEvidence {
  readonly accountId: string;
  readonly service: string;
  readonly usageType: string;
  readonly region: string;
  readonly resourceId?: string;
  readonly baselineUsdPerDay: number;
  readonly currentUsdPerDay: number;
  readonly changeUsdPerDay: number;
  /** changeUsdPerDay / the whole series' change over the same days; may exceed 1 when others offset it. */
  readonly shareOfImpact: number;
}

/** The drivers one pair returned. */
export interface DriverGroup {
  readonly accountId: string;
  readonly service: string;
  readonly drivers: readonly CostDriver[];
}

/**
 * True when a workload's filter covers a whole (account, service) pair: its
 * accounts (if any) include the account and its services (if any) the
 * service. A tag-only filter covers no pair: it selects part of many pairs,
 * and claiming them all would hide every unmapped anomaly in the org.
 */
export function filterCoversPair(filter: CostFilter, accountId: string, service: string): boolean {
  if (filter.accounts.length === 0 && filter.services.length === 0) return false;
  return (
    (filter.accounts.length === 0 || filter.accounts.includes(accountId)) &&
    (filter.services.length === 0 || filter.services.includes(service))
  );
}

/** `workload:<name>` or `pair:<account>\0<service>`: how drivers are filed. */
export function seriesKey(series: Pick<CostSeries, 'key'>): string {
  const { workload, accountId = '', service = '' } = series.key;
  return workload !== undefined ? `workload:${workload}` : `pair:${accountId}\u0000${service}`;
}

/** `accountId\u0000service`, the key of a pair series. */
export function pairKey(series: Pick<CostSeries, 'key'>): string {
  return `${series.key.accountId ?? ''}\u0000${series.key.service ?? ''}`;
}

/** Mean daily cost of a series over a set of days (missing days count as 0). */
export function meanCost(series: CostSeries, days: ReadonlySet<string>): number {
  if (days.size === 0) return 0;
  let sum = 0;
  for (const d of series.days) if (days.has(d.day)) sum += d.usd;
  return sum / days.size;
}

/**
 * The pairs most worth a driver lookup: those whose mean daily cost moved
 * most in the anomaly's direction between the two sets of days.
 */
export function pairsToExplain(
  pairs: readonly CostSeries[],
  direction: 'up' | 'down',
  baseline: ReadonlySet<string>,
  current: ReadonlySet<string>,
  limit: number,
): CostSeries[] {
  const sign = direction === 'up' ? 1 : -1;
  return pairs
    .map((series) => ({ series, change: sign * (meanCost(series, current) - meanCost(series, baseline)) }))
    .filter((p) => p.change > 0)
    .sort((a, b) => b.change - a.change)
    .slice(0, limit)
    .map((p) => p.series);
}

/**
 * The top drivers across pairs, in the anomaly's direction, each with its
 * share of `totalChangeUsdPerDay` (the series' own mean change over the
 * same days, so shares of one series add up to about 1).
 */
export function rankDrivers(
  groups: readonly DriverGroup[],
  direction: 'up' | 'down',
  totalChangeUsdPerDay: number,
  limit = 5,
): DriverEvidence[] {
  const sign = direction === 'up' ? 1 : -1;
  const round = (n: number) => Math.round(n * 100) / 100;
  return groups
    .flatMap((g) =>
      g.drivers.map((d) => ({ group: g, driver: d, change: d.currentUsdPerDay - d.baselineUsdPerDay })),
    )
    .filter((x) => sign * x.change > 0)
    .sort((a, b) => sign * (b.change - a.change))
    .slice(0, limit)
    .map(({ group, driver, change }) => ({
      accountId: group.accountId,
      service: group.service,
      usageType: driver.usageType,
      region: driver.region,
      ...(driver.resourceId !== undefined && { resourceId: driver.resourceId }),
      baselineUsdPerDay: round(driver.baselineUsdPerDay),
      currentUsdPerDay: round(driver.currentUsdPerDay),
      changeUsdPerDay: round(change),
      shareOfImpact:
        totalChangeUsdPerDay === 0 ? 0 : Math.round((change / totalChangeUsdPerDay) * 1000) / 1000,
    }));
}
