/**
 * Unit cost (cost / demand) before and during an anomaly, and whether it
 * moved. A day the demand metric has no point for is unknown, not zero: a
 * unit cost over days with gaps is not computed, so its trend is `unknown`,
 * never `up`. Pure.
 */

/** `unknown` when unit cost cannot be computed: no demand data on a day compared, or no demand at all. */
export type UnitCostTrend = 'up' | 'normal' | 'down' | 'unknown';

export interface UnitCostChange {
  /** Median daily cost per demand unit over the baseline days; `null` without demand. */
  readonly before: number | null;
  /** The same over the anomalous days. */
  readonly after: number | null;
  /** after / before. */
  readonly ratio: number | null;
  readonly trend: UnitCostTrend;
  /** Median daily demand before and during, so a reader sees growth at a glance. */
  readonly demandBefore: number | null;
  readonly demandAfter: number | null;
  /** Days compared that have no demand point: any makes the trend `unknown`. */
  readonly missingDemandDays: readonly string[];
}

// Below 5% a unit-cost move is noise in any daily series.
const MIN_TOLERANCE = 0.05;

/**
 * How far unit cost must move to count as up or down: half the relative
 * cost deviation that makes an anomaly (`anomaly.relativeThreshold`), at
 * least 5%. Half, because a cost change that demand explains in full moves
 * unit cost by ~0, and one it explains not at all moves it by the whole
 * deviation: the midpoint splits "mostly growth" from "mostly waste".
 */
export function unitCostTolerance(relativeThreshold: number): number {
  return Math.max(MIN_TOLERANCE, relativeThreshold / 2);
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  const upper = values[mid] as number;
  return values.length % 2 === 1 ? upper : ((values[mid - 1] as number) + upper) / 2;
}

function medianUnitCost(
  days: readonly string[],
  cost: ReadonlyMap<string, number>,
  demand: ReadonlyMap<string, number>,
): { unit: number | null; demand: number | null } {
  const units: number[] = [];
  const demands: number[] = [];
  for (const day of days) {
    const d = demand.get(day);
    const c = cost.get(day);
    if (d === undefined) continue;
    demands.push(d);
    if (c !== undefined && d > 0) units.push(c / d);
  }
  return { unit: median(units), demand: median(demands) };
}

/**
 * Compares unit cost on the anomalous days (`after`) with the days before
 * (`before`), as medians of daily cost/demand, so one odd day moves neither.
 * Every day compared needs a demand point: with one missing, the medians
 * could fall either side of the tolerance, so the trend is `unknown`.
 *
 * @example
 * unitCostChange({ cost, demand, before: ['2026-11-01'], after: ['2026-11-19'], tolerance: 0.125 }).trend; // 'up'
 */
export function unitCostChange(input: {
  cost: ReadonlyMap<string, number>;
  demand: ReadonlyMap<string, number> | undefined;
  before: readonly string[];
  after: readonly string[];
  tolerance: number;
}): UnitCostChange {
  const demand = input.demand ?? new Map<string, number>();
  const missingDemandDays = [...input.before, ...input.after].filter((day) => !demand.has(day));
  const none = {
    before: null,
    after: null,
    ratio: null,
    trend: 'unknown',
    demandBefore: null,
    demandAfter: null,
    missingDemandDays,
  } as const;
  if (input.demand === undefined) return none;
  const before = medianUnitCost(input.before, input.cost, demand);
  const after = medianUnitCost(input.after, input.cost, demand);
  const base = { demandBefore: before.demand, demandAfter: after.demand };
  if (missingDemandDays.length > 0 || before.unit === null || after.unit === null || before.unit <= 0) {
    return { ...none, ...base, before: before.unit, after: after.unit };
  }
  const ratio = after.unit / before.unit;
  const trend: UnitCostTrend =
    ratio >= 1 + input.tolerance ? 'up' : ratio <= 1 / (1 + input.tolerance) ? 'down' : 'normal';
  return { before: before.unit, after: after.unit, ratio, trend, ...base, missingDemandDays };
}
