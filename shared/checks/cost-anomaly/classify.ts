/**
 * The class of a cost anomaly, judged against demand (unit cost) and SLOs,
 * and its severity. One small rule per class; the first that holds wins. Pure.
 *
 * | class                 | cost | unit cost         | SLO      | severity                         |
 * |-----------------------|------|-------------------|----------|----------------------------------|
 * | cost-only             | up   | n/a (no workload) | n/a      | warning                          |
 * | efficiency-regression | up   | up                | breached | error                            |
 * | waste                 | up   | up                | met      | warning; error above the config  |
 * | demand-growth         | up   | normal or down    | any      | info (does not page)             |
 * | unsafe-saving         | down | down              | breached | error (pages reliability)        |
 * | saving                | down | anything else     | any      | info                             |
 *
 * Without a demand metric, unit cost is unknown and counts as moving with
 * cost: nothing shows the change is explained by demand. Without SLOs (or
 * SLO data), the SLO counts as met: nothing shows it breached.
 */
import type { GuardrailsConfig } from '../../config/schema.js';
import type { Severity } from '../../core/severity.js';
import type { UnitCostTrend } from './unit-cost.js';

export const ANOMALY_CLASSES = [
  'waste',
  'efficiency-regression',
  'demand-growth',
  'unsafe-saving',
  'saving',
  'cost-only',
] as const;
export type AnomalyClass = (typeof ANOMALY_CLASSES)[number];

/** What classification looks at. */
export interface ClassInput {
  readonly direction: 'up' | 'down';
  /** True when a workload's cost filter covers the series. */
  readonly mapped: boolean;
  readonly unitCost: UnitCostTrend;
  /** Any SLO of the workload breached in the anomaly's SLO window (see `sloWindowFor`). */
  readonly sloBreached: boolean;
}

const unitCostUp = (i: ClassInput) =>
  i.unitCost === 'up' || (i.unitCost === 'unknown' && i.direction === 'up');
const unitCostDown = (i: ClassInput) =>
  i.unitCost === 'down' || (i.unitCost === 'unknown' && i.direction === 'down');

/** Spend up where no workload is mapped: nobody can say why. */
export const isCostOnly = (i: ClassInput): boolean => !i.mapped && i.direction === 'up';
/** Paying more per unit of demand and still missing the SLO. */
export const isEfficiencyRegression = (i: ClassInput): boolean =>
  i.mapped && i.direction === 'up' && unitCostUp(i) && i.sloBreached;
/** Paying more per unit of demand for no reliability gain. */
export const isWaste = (i: ClassInput): boolean =>
  i.mapped && i.direction === 'up' && unitCostUp(i) && !i.sloBreached;
/** Spend follows demand: unit cost held. */
export const isDemandGrowth = (i: ClassInput): boolean => i.mapped && i.direction === 'up' && !unitCostUp(i);
/** Cheaper per unit, and the SLO broke with it. */
export const isUnsafeSaving = (i: ClassInput): boolean =>
  i.mapped && i.direction === 'down' && unitCostDown(i) && i.sloBreached;
/** Spend down without an SLO breach tied to it (or with demand, so not a cut that broke anything). */
export const isSaving = (i: ClassInput): boolean => i.direction === 'down' && !isUnsafeSaving(i);

const RULES: ReadonlyArray<readonly [AnomalyClass, (i: ClassInput) => boolean]> = [
  ['cost-only', isCostOnly],
  ['efficiency-regression', isEfficiencyRegression],
  ['waste', isWaste],
  ['demand-growth', isDemandGrowth],
  ['unsafe-saving', isUnsafeSaving],
  ['saving', isSaving],
];

/**
 * The class of one anomaly. Every input has exactly one class.
 *
 * @example
 * classifyAnomaly({ direction: 'down', mapped: true, unitCost: 'down', sloBreached: true }); // 'unsafe-saving'
 */
export function classifyAnomaly(input: ClassInput): AnomalyClass {
  for (const [name, holds] of RULES) if (holds(input)) return name;
  // Unreachable: up is covered by cost-only/waste/regression/growth, down by unsafe-saving/saving.
  return input.direction === 'up' ? 'cost-only' : 'saving';
}

/**
 * Severity by class; waste becomes an error when its projected monthly
 * impact exceeds `anomaly.wasteErrorAboveUsdPerMonth`.
 */
export function severityOfClass(
  anomalyClass: AnomalyClass,
  usdPerMonth: number,
  anomaly: Pick<GuardrailsConfig['anomaly'], 'wasteErrorAboveUsdPerMonth'>,
): Severity {
  switch (anomalyClass) {
    case 'waste':
      return Math.abs(usdPerMonth) > anomaly.wasteErrorAboveUsdPerMonth ? 'error' : 'warning';
    case 'efficiency-regression':
    case 'unsafe-saving':
      return 'error';
    case 'cost-only':
      return 'warning';
    case 'demand-growth':
    case 'saving':
      return 'info';
  }
}
