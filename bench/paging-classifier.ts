/**
 * Replays, day by day, what the cost-anomaly check would do with a flagged
 * day: the episode is the run of consecutive flagged days in one direction
 * ending that day; unit cost is compared over the episode and the 28 days
 * before it (`unitCostChange`); the class comes from `classifyAnomaly`
 * (workload mapped, SLO met: the bench has no SLO data); a day *pages* when
 * its class's severity is above info.
 */

import {
  type AnomalyClass,
  classifyAnomaly,
  severityOfClass,
} from '../shared/checks/cost-anomaly/classify.js';
import type { DetectedPoint } from '../shared/checks/cost-anomaly/detector.js';
import { BASELINE_DAYS } from '../shared/checks/cost-anomaly/evaluate.js';
import { unitCostChange, unitCostTolerance } from '../shared/checks/cost-anomaly/unit-cost.js';
import type { GuardrailsConfig } from '../shared/config/schema.js';

export interface DayClass {
  readonly anomalyClass: AnomalyClass;
  readonly pages: boolean;
}

/**
 * The class of every flagged day (null for the others).
 *
 * @example
 * classifyFlaggedDays(detected, timestamps, cost, demand, config.anomaly)[40]?.anomalyClass; // 'demand-growth'
 */
export function classifyFlaggedDays(
  detected: readonly DetectedPoint[],
  timestamps: readonly string[],
  cost: ArrayLike<number>,
  demand: ArrayLike<number>,
  anomaly: GuardrailsConfig['anomaly'],
): Array<DayClass | null> {
  const costByDay = new Map<string, number>();
  const demandByDay = new Map<string, number>();
  timestamps.forEach((day, t) => {
    costByDay.set(day, cost[t] as number);
    demandByDay.set(day, demand[t] as number);
  });
  const tolerance = unitCostTolerance(anomaly.relativeThreshold);
  const classes = new Array<DayClass | null>(detected.length).fill(null);
  let runStart = -1;
  for (let t = 0; t < detected.length; t++) {
    const point = detected[t] as DetectedPoint;
    if (!point.anomaly || point.direction === null) {
      runStart = -1;
      continue;
    }
    if (runStart < 0 || detected[t - 1]?.direction !== point.direction) runStart = t;
    const unit = unitCostChange({
      cost: costByDay,
      demand: demandByDay,
      before: timestamps.slice(Math.max(0, runStart - BASELINE_DAYS), runStart),
      after: timestamps.slice(runStart, t + 1),
      tolerance,
    });
    const anomalyClass = classifyAnomaly({
      direction: point.direction,
      mapped: true,
      unitCost: unit.trend,
      sloBreached: false,
    });
    // Unit cost that cannot be computed leaves the class open: the check holds such a day.
    if (anomalyClass === null) continue;
    const usdPerMonth = (point.impact ?? 0) * (365.25 / 12);
    classes[t] = { anomalyClass, pages: severityOfClass(anomalyClass, usdPerMonth, anomaly) !== 'info' };
  }
  return classes;
}
