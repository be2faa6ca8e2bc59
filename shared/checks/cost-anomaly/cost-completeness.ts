/**
 * Whether a cost series can be judged, and the cost scopes a run completed
 * or could not. The source says which days it vouches for
 * (`DailyCost.estimated` / `missing`); this turns that into scopes. Pure.
 *
 * - A series is complete when no day of the window is `missing` and at
 *   least one day is final. `estimated` days (not final yet) are not holes:
 *   the latest complete day is judged instead.
 * - A day missing for every account is a hole in the whole read (`costs`);
 *   one missing for some accounts only, a hole in theirs (`costs/<account>`).
 */
import type { ScopeFailure } from '../../core/ports.js';
import type { CostSeries } from '../../core/sources.js';
import { describeDays } from './day-list.js';
import { isCompleteDay } from './episode.js';
import { accountScope, pairScope, SCOPES } from './scopes.js';

/** Why a series cannot be judged, and the days to blame. */
export interface CostGap {
  readonly missingDays: readonly string[];
  readonly reason: string;
}

/** The days of a series the source should have covered and did not. */
export function missingDaysOf(series: CostSeries): string[] {
  return series.days.filter((d) => d.missing === true).map((d) => d.day);
}

/**
 * Why `series` cannot be judged, or `undefined` when it can: a missing day
 * anywhere in the window (a lost day would move the baseline, or hide the
 * anomaly), or no final day at all.
 *
 * @example
 * costGapOf(series, 'costs.csv')?.reason; // 'costs.csv has no data for 2026-11-19'
 */
export function costGapOf(series: CostSeries, source: string): CostGap | undefined {
  const missingDays = missingDaysOf(series);
  if (missingDays.length > 0) {
    return { missingDays, reason: `${source} has no data for ${describeDays(missingDays)}` };
  }
  if (!series.days.some(isCompleteDay))
    return { missingDays, reason: `${source} has no final day in the window` };
  return undefined;
}

/** The cost scopes of one run: what it completed, and the holes it found. */
export interface CostScopes {
  readonly completed: string[];
  readonly failed: ScopeFailure[];
}

const byAccount = (pairs: readonly CostSeries[]) => {
  const accounts = new Map<string, CostSeries[]>();
  for (const pair of pairs) {
    const id = pair.key.accountId ?? '';
    accounts.set(id, [...(accounts.get(id) ?? []), pair]);
  }
  return accounts;
};

/**
 * The scopes of a cost read that succeeded: each complete (account, service)
 * pair, each account whose pairs are all complete, and `costs` when every
 * series (pairs and workloads) is; a failure for a day the read lacks for
 * every account, and one per account for the days only it lacks.
 */
export function costScopes(
  pairs: readonly CostSeries[],
  workloads: readonly CostSeries[],
  source: string,
): CostScopes {
  const completed: string[] = [];
  const failed: ScopeFailure[] = [];
  const gaps = new Map(pairs.map((p) => [p, costGapOf(p, source)]));
  // A day no pair has is a hole in the whole read, not in one account.
  const wholeDays =
    pairs.length === 0 ? [] : pairs.map(missingDaysOf).reduce((a, b) => a.filter((d) => b.includes(d)));
  if (wholeDays.length > 0) {
    failed.push({
      scope: SCOPES.costs,
      reason: `${source} has no data for any account on ${describeDays(wholeDays)}, so no cost anomaly there can resolve`,
      errorName: 'IncompleteCostData',
      holds: holdsEveryCostAnomaly,
    });
  }
  for (const [accountId, accountPairs] of byAccount(pairs)) {
    const incomplete = accountPairs.filter((p) => gaps.get(p) !== undefined);
    for (const pair of accountPairs) {
      if (!incomplete.includes(pair)) completed.push(pairScope(accountId, pair.key.service ?? ''));
    }
    if (incomplete.length === 0) {
      completed.push(accountScope(accountId));
      continue;
    }
    const own = [...new Set(incomplete.flatMap(missingDaysOf))].filter((d) => !wholeDays.includes(d));
    const noFinalDay = incomplete.some((p) => missingDaysOf(p).length === 0);
    if (own.length === 0 && !noFinalDay) continue;
    failed.push({
      scope: accountScope(accountId),
      reason:
        own.length > 0
          ? `${source} has no data for account ${accountId || '(none)'} on ${describeDays(own)}, though it has for other days`
          : `${source} has no final day in the window for account ${accountId || '(none)'}`,
      errorName: 'IncompleteCostData',
      holds: holdsPairsUnder(accountScope(accountId)),
    });
  }
  const complete =
    [...gaps.values()].every((g) => g === undefined) &&
    workloads.every((w) => costGapOf(w, source) === undefined);
  if (complete) completed.push(SCOPES.costs);
  return { completed, failed };
}

/** A failed cost scope holds the (account, service) anomalies under it: `costs/<account>/<service>`. */
export function holdsPairsUnder(scope: string): (other: string) => boolean {
  return (other) => other.startsWith(`${scope}/`);
}

/**
 * A failed read of the whole cost data holds every cost anomaly: those of
 * the pairs, and those of the workloads (under their current and legacy scopes).
 */
export function holdsEveryCostAnomaly(other: string): boolean {
  return (
    other.startsWith(`${SCOPES.costs}/`) || other.startsWith('workload/') || other.startsWith('metrics/')
  );
}
