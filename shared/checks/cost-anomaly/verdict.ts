/**
 * The verdict on one cost series: quiet, an anomaly of one class, or held.
 * Both the check's collect step (which scopes completed) and its evaluation
 * (which findings to raise) take it from here, so they always agree. Pure.
 *
 * A series is held, with a reason for its scan gap, when its costs are not
 * complete (see cost-completeness.ts), or when the metrics its anomaly needs
 * have no data on the days that matter, so its class could be more than one
 * (see classify.ts). A held series raises nothing and resolves nothing: its
 * open findings keep their class until the data is there.
 */
import type { GuardrailsConfig, Workload } from '../../config/schema.js';
import type { CostSeries } from '../../core/sources.js';
import { type AnomalyClass, possibleClasses } from './classify.js';
import { costGapOf } from './cost-completeness.js';
import { describeDays } from './day-list.js';
import { detectorOptionsOf, type Episode, findEpisode, isCompleteDay } from './episode.js';
import { type DayWindow, type MetricValue, type SloStatus, sloStatus, sloWindowFor } from './slo.js';
import { type UnitCostChange, unitCostChange, unitCostTolerance } from './unit-cost.js';

/** What a run concludes about one series. */
export type Verdict =
  | { readonly state: 'quiet' }
  | {
      readonly state: 'anomaly';
      readonly episode: Episode;
      readonly anomalyClass: AnomalyClass;
      /** Set for a workload with a demand metric. */
      readonly unitCost?: UnitCostChange;
      readonly slos: readonly SloStatus[];
    }
  | { readonly state: 'held'; readonly reason: string };

/** What judging a series needs besides the series. */
export interface VerdictContext {
  readonly config: GuardrailsConfig;
  /** The last day (inclusive) of the window. */
  readonly lastDay: string;
  /** Metric series by query id; `null` when the metrics could not be read. */
  readonly metrics: ReadonlyMap<string, readonly MetricValue[]> | null;
  /** The cost source's name, for reasons. */
  readonly costSource: string;
}

/** Workloads whose judgement needs metrics (a demand metric or SLOs). */
export function needsMetrics(workload: Workload): boolean {
  return workload.demand !== undefined || workload.slos.length > 0;
}

/** Daily totals of a metric, by day (a demand metric is a count: finer points add up). */
function dailySums(points: readonly MetricValue[] | undefined): Map<string, number> {
  const sums = new Map<string, number>();
  for (const p of points ?? []) {
    const day = p.timestamp.slice(0, 10);
    sums.set(day, (sums.get(day) ?? 0) + p.value);
  }
  return sums;
}

/** Each SLO of a workload over `window`: days without a point are unknown. */
export function workloadSlos(
  workload: Workload,
  metrics: ReadonlyMap<string, readonly MetricValue[]> | null,
  window: DayWindow,
): SloStatus[] {
  return workload.slos.map((slo) => sloStatus(slo, metrics?.get(slo.metric.id) ?? [], window));
}

/** An unmapped (account, service) series: `cost-only` when up, `saving` when down. */
export function judgePair(series: CostSeries, ctx: VerdictContext): Verdict {
  const gap = costGapOf(series, ctx.costSource);
  if (gap) return { state: 'held', reason: gap.reason };
  const episode = findEpisode(series, detectorOptionsOf(ctx.config.anomaly), 0);
  if (!episode) return { state: 'quiet' };
  const anomalyClass = episode.direction === 'up' ? 'cost-only' : 'saving';
  return { state: 'anomaly', episode, anomalyClass, slos: [] };
}

/** What is unknown about an anomaly's metrics, as a sentence for its scan gap. */
function unknownsText(workload: Workload, unitCost: UnitCostChange | undefined, slos: readonly SloStatus[]) {
  const parts: string[] = [];
  if (workload.demand && unitCost?.trend === 'unknown') {
    const days = unitCost.missingDemandDays;
    parts.push(
      days.length > 0
        ? `demand metric ${workload.demand.metric.id} has no data on ${describeDays(days)}`
        : `unit cost cannot be computed from demand metric ${workload.demand.metric.id}`,
    );
  }
  for (const slo of slos.filter((s) => s.state === 'unknown')) {
    const id = workload.slos.find((s) => s.name === slo.name)?.metric.id ?? slo.name;
    parts.push(`SLO ${slo.name} (${id}) has no data on ${describeDays(slo.unknownDays)}`);
  }
  return parts.join('; ');
}

/**
 * A workload's series, classified against its demand (unit cost) and SLOs.
 * Held when its costs are incomplete, or when its anomaly could be of more
 * than one class because of metric days without data.
 */
export function judgeWorkload(
  workload: Workload,
  series: CostSeries | undefined,
  ctx: VerdictContext,
): Verdict {
  if (!series) return { state: 'held', reason: `${ctx.costSource} returned no cost series for it` };
  const gap = costGapOf(series, ctx.costSource);
  if (gap) return { state: 'held', reason: `its cost is incomplete: ${gap.reason}` };
  const { anomaly } = ctx.config;
  const episode = findEpisode(series, detectorOptionsOf(anomaly), anomaly.unsafeSavingWindowDays);
  if (!episode) return { state: 'quiet' };

  const cost = new Map(series.days.filter(isCompleteDay).map((d) => [d.day, d.usd]));
  const unitCost = workload.demand
    ? unitCostChange({
        cost,
        demand: dailySums(ctx.metrics?.get(workload.demand.metric.id)),
        before: episode.baselineDays,
        after: episode.points.map((p) => p.timestamp),
        tolerance: unitCostTolerance(anomaly.relativeThreshold),
      })
    : undefined;
  const slos = workloadSlos(
    workload,
    ctx.metrics,
    sloWindowFor(episode, anomaly.unsafeSavingWindowDays, ctx.lastDay),
  );
  const breached = slos.some((s) => s.state === 'breached');
  const classes = possibleClasses({
    direction: episode.direction,
    mapped: true,
    // Without a demand metric, cost is the unit: unit cost moves with it.
    unitCost: unitCost?.trend ?? episode.direction,
    sloBreached: breached ? true : slos.some((s) => s.state === 'unknown') ? 'unknown' : false,
  });
  // A drop that ended earlier is only kept as an unsafe saving.
  const outcomes = new Set(classes.map((c) => (episode.lingering && c !== 'unsafe-saving' ? null : c)));
  if (outcomes.size > 1) {
    const could = `${classes.slice(0, -1).join(', ')} or ${classes.at(-1)}`;
    return {
      state: 'held',
      reason: `its cost anomaly since ${episode.start} could be ${could}: ${unknownsText(workload, unitCost, slos)}`,
    };
  }
  const [anomalyClass] = outcomes;
  if (anomalyClass === null || anomalyClass === undefined) return { state: 'quiet' };
  return { state: 'anomaly', episode, anomalyClass, ...(unitCost && { unitCost }), slos };
}
