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
 * Unknowns are never guessed: unit cost that could not be computed (demand
 * data missing) and an SLO whose data leaves it open are `unknown`, and an
 * anomaly has a class only when every way they could resolve gives the same
 * one ({@link possibleClasses}). A workload without a demand metric is
 * judged on cost alone: its caller passes unit cost as moving with cost.
 * Without SLOs, the SLO counts as met: none is set to be breached.
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

/** What classification looks at, unknowns included. */
export interface ClassInput {
  readonly direction: 'up' | 'down';
  /** True when a workload's cost filter covers the series. */
  readonly mapped: boolean;
  /** `unknown` when unit cost could not be computed. */
  readonly unitCost: UnitCostTrend;
  /** Any SLO of the workload breached in the anomaly's SLO window (see `sloWindowFor`); `unknown` when days without data could decide it. */
  readonly sloBreached: boolean | 'unknown';
}

/** A {@link ClassInput} with nothing unknown: what the rules judge. */
export interface KnownClassInput extends ClassInput {
  readonly unitCost: Exclude<UnitCostTrend, 'unknown'>;
  readonly sloBreached: boolean;
}

/** Spend up where no workload is mapped: nobody can say why. */
export const isCostOnly = (i: KnownClassInput): boolean => !i.mapped && i.direction === 'up';
/** Paying more per unit of demand and still missing the SLO. */
export const isEfficiencyRegression = (i: KnownClassInput): boolean =>
  i.mapped && i.direction === 'up' && i.unitCost === 'up' && i.sloBreached;
/** Paying more per unit of demand for no reliability gain. */
export const isWaste = (i: KnownClassInput): boolean =>
  i.mapped && i.direction === 'up' && i.unitCost === 'up' && !i.sloBreached;
/** Spend follows demand: unit cost held. */
export const isDemandGrowth = (i: KnownClassInput): boolean =>
  i.mapped && i.direction === 'up' && i.unitCost !== 'up';
/** Cheaper per unit, and the SLO broke with it. */
export const isUnsafeSaving = (i: KnownClassInput): boolean =>
  i.mapped && i.direction === 'down' && i.unitCost === 'down' && i.sloBreached;
/** Spend down without an SLO breach tied to it (or with demand, so not a cut that broke anything). */
export const isSaving = (i: KnownClassInput): boolean => i.direction === 'down' && !isUnsafeSaving(i);

const RULES: ReadonlyArray<readonly [AnomalyClass, (i: KnownClassInput) => boolean]> = [
  ['cost-only', isCostOnly],
  ['efficiency-regression', isEfficiencyRegression],
  ['waste', isWaste],
  ['demand-growth', isDemandGrowth],
  ['unsafe-saving', isUnsafeSaving],
  ['saving', isSaving],
];

function classOfKnown(input: KnownClassInput): AnomalyClass {
  for (const [name, holds] of RULES) if (holds(input)) return name;
  // Unreachable: up is covered by cost-only/waste/regression/growth, down by unsafe-saving/saving.
  return input.direction === 'up' ? 'cost-only' : 'saving';
}

const KNOWN_TRENDS = ['up', 'normal', 'down'] as const;

/**
 * Every class the anomaly could have, one per way its unknowns could
 * resolve, in {@link ANOMALY_CLASSES} order.
 *
 * @example
 * possibleClasses({ direction: 'up', mapped: true, unitCost: 'unknown', sloBreached: false }); // ['waste', 'demand-growth']
 */
export function possibleClasses(input: ClassInput): AnomalyClass[] {
  const trends = input.unitCost === 'unknown' ? KNOWN_TRENDS : [input.unitCost];
  const breaches = input.sloBreached === 'unknown' ? [true, false] : [input.sloBreached];
  const found = new Set<AnomalyClass>();
  for (const unitCost of trends)
    for (const sloBreached of breaches) found.add(classOfKnown({ ...input, unitCost, sloBreached }));
  return ANOMALY_CLASSES.filter((c) => found.has(c));
}

/**
 * The class of one anomaly, or `null` when its unknowns leave more than one
 * possible: such an anomaly is held, not guessed.
 *
 * @example
 * classifyAnomaly({ direction: 'down', mapped: true, unitCost: 'down', sloBreached: true }); // 'unsafe-saving'
 * classifyAnomaly({ direction: 'down', mapped: true, unitCost: 'down', sloBreached: 'unknown' }); // null
 */
export function classifyAnomaly(input: ClassInput): AnomalyClass | null {
  const classes = possibleClasses(input);
  return classes.length === 1 ? (classes[0] as AnomalyClass) : null;
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
