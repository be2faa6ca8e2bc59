/**
 * SLO status over a window of days, from daily metric values: which days met
 * the objective, and how fast the error budget burned. A day without a point
 * is unknown, never met: the state is `met` or `breached` only when every
 * way the unknown days could have gone agrees. Pure.
 */
import type { Workload } from '../../config/schema.js';

/** One SLO of a workload, as configured. */
export type SloConfig = Workload['slos'][number];

/** A closed range of UTC days, `YYYY-MM-DD`. */
export interface DayWindow {
  readonly start: string;
  readonly end: string;
}

/** A metric datapoint as the MetricSource returns it. */
export interface MetricValue {
  readonly timestamp: string;
  readonly value: number;
}

/**
 * `met` or `breached` whatever the days without data were; `unknown` when
 * they could tip it either way (a silent metric can neither clear nor convict).
 */
export type SloState = 'met' | 'breached' | 'unknown';

/** The state of one SLO over a window. */
export interface SloStatus {
  readonly name: string;
  readonly kind: SloConfig['kind'];
  readonly objective: SloConfig['objective'];
  readonly target: number;
  readonly state: SloState;
  readonly window: DayWindow;
  readonly observedDays: number;
  readonly badDays: number;
  /** Days of the window with no point: unknown, not met. */
  readonly unknownDays: readonly string[];
  readonly firstBadDay?: string;
  readonly lastBadDay?: string;
  /** The value furthest on the wrong side of the threshold (or closest to it when every day met). */
  readonly worstValue?: number;
  /**
   * Error-budget burn rate over the observed days: the share of bad days
   * divided by the budget (1 − target). 1 spends the budget exactly; above 1
   * is a breach. `null` when no day was observed.
   */
  readonly burnRate: number | null;
}

/** True when a value meets the objective (`<=` or `>=` the threshold). */
export function meetsObjective(value: number, objective: SloConfig['objective']): boolean {
  return objective.comparison === '<=' ? value <= objective.threshold : value >= objective.threshold;
}

/**
 * Whether each day met the objective. A day with several points (a finer
 * metric period) met it only if every point did.
 */
export function dailyOutcomes(
  points: readonly MetricValue[],
  objective: SloConfig['objective'],
): Map<string, { met: boolean; worst: number }> {
  const days = new Map<string, { met: boolean; worst: number }>();
  const worse = (a: number, b: number) => (objective.comparison === '<=' ? Math.max(a, b) : Math.min(a, b));
  for (const point of points) {
    const day = point.timestamp.slice(0, 10);
    const met = meetsObjective(point.value, objective);
    const prior = days.get(day);
    days.set(
      day,
      prior ? { met: prior.met && met, worst: worse(prior.worst, point.value) } : { met, worst: point.value },
    );
  }
  return days;
}

// The epsilon keeps a budget spent exactly (1 bad day in 10 at 90%) on the met side despite rounding.
const BURN_EPSILON = 1e-9;

/**
 * The SLO's state over `window` (inclusive days). Breached when even the
 * unknown days all meeting it would overspend the budget; met when even
 * their all missing it would not; unknown otherwise.
 *
 * @example
 * sloStatus(slo, [{ timestamp: '2026-11-15T00:00:00Z', value: 0.95 }], { start: '2026-11-15', end: '2026-11-15' }).state; // 'breached'
 */
export function sloStatus(slo: SloConfig, points: readonly MetricValue[], window: DayWindow): SloStatus {
  let observedDays = 0;
  let badDays = 0;
  let firstBadDay: string | undefined;
  let lastBadDay: string | undefined;
  let worstValue: number | undefined;
  const sorted = [...dailyOutcomes(points, slo.objective)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [day, outcome] of sorted) {
    if (day < window.start || day > window.end) continue;
    observedDays++;
    worstValue =
      worstValue === undefined
        ? outcome.worst
        : slo.objective.comparison === '<='
          ? Math.max(worstValue, outcome.worst)
          : Math.min(worstValue, outcome.worst);
    if (!outcome.met) {
      badDays++;
      firstBadDay ??= day;
      lastBadDay = day;
    }
  }
  const burnRate = observedDays === 0 ? null : badDays / observedDays / (1 - slo.target);
  const observed = new Set(sorted.map(([day]) => day));
  const unknownDays = daysOf(window).filter((day) => !observed.has(day));
  const windowDays = observedDays + unknownDays.length;
  const budget = 1 - slo.target;
  const lowestBurn = windowDays === 0 ? 0 : badDays / windowDays / budget;
  const highestBurn = windowDays === 0 ? 0 : (badDays + unknownDays.length) / windowDays / budget;
  const state: SloState =
    lowestBurn > 1 + BURN_EPSILON ? 'breached' : highestBurn > 1 + BURN_EPSILON ? 'unknown' : 'met';
  return {
    name: slo.name,
    kind: slo.kind,
    objective: slo.objective,
    target: slo.target,
    state,
    window,
    observedDays,
    badDays,
    unknownDays,
    ...(firstBadDay !== undefined && { firstBadDay }),
    ...(lastBadDay !== undefined && { lastBadDay }),
    ...(worstValue !== undefined && { worstValue }),
    burnRate,
  };
}

const DAY_MS = 86_400_000;

/** `day` plus `n` days, as `YYYY-MM-DD`. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Every day of a window, in order. */
export function daysOf(window: DayWindow): string[] {
  const days: string[] = [];
  for (let day = window.start; day <= window.end; day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * The days whose SLO state counts for an anomaly: from its first day to
 * `followDays` after its last, capped at the last day observed. A breach
 * that overlaps the cost change, or follows it within `followDays`
 * (`anomaly.unsafeSavingWindowDays`), is tied to it; one that ended before
 * the change began, or began later, is not.
 */
export function sloWindowFor(episode: DayWindow, followDays: number, lastDay: string): DayWindow {
  const end = addDays(episode.end, followDays);
  return { start: episode.start, end: end < lastDay ? end : lastDay > episode.end ? lastDay : episode.end };
}
