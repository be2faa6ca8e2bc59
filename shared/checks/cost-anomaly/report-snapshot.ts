/**
 * What the cost-anomaly check keeps for the report: per workload and per
 * series with an anomaly, the days of the window with the detector's
 * expected band and the anomalous days marked, the anomaly's class, impact,
 * unit cost and top drivers, and per workload its daily unit cost and SLO
 * days. Every run reads the whole lookback window, so the latest snapshot
 * is the history: nothing accumulates. Pure.
 */
import type { Workload } from '../../config/schema.js';
import type { FindingInput } from '../../core/finding.js';
import { dedupKeyOf } from '../../core/identity.js';
import type { EvaluateContext } from '../../core/ports.js';
import { DAILY_HISTORY_DAYS, type ReportSnapshot } from '../../core/report-snapshot.js';
import type { CostSeries } from '../../core/sources.js';
import { detectAnomalies } from './detector.js';
import { type CostObservations, detectorOptionsOf } from './evaluate.js';
import { dailyOutcomes, type MetricValue } from './slo.js';

/** Series kept besides the workloads: the anomalies with the largest impact. */
export const REPORT_MAX_PAIR_SERIES = 30;

/** One day: `[day, actual (null: no complete data), expected, lower, upper, anomalous (1/0)]`. */
export type BandDay = readonly [
  day: string,
  actual: number | null,
  expected: number,
  lower: number,
  upper: number,
  anomaly: 0 | 1,
];

/** The anomaly a series has now, as the finding describes it. */
export interface SeriesAnomaly {
  readonly dedupkey: string;
  readonly class: string;
  readonly severity: string;
  readonly start?: string;
  readonly end?: string;
  readonly usdPerMonth: number;
  readonly impactUsdPerDay?: number;
  readonly unitCost?: { unit: string; before: number | null; after: number | null; change: number | null };
  readonly drivers: ReadonlyArray<{ usageType: string; region: string; resourceId?: string; share: number }>;
}

/** `series/workload/<name>` or `series/pair/<account>/<service>`. */
export interface CostSeriesEntry {
  readonly subject: string;
  readonly workload?: string;
  readonly accountId?: string;
  readonly service?: string;
  readonly owner?: string;
  readonly days: readonly BandDay[];
  readonly anomaly?: SeriesAnomaly;
  /** Daily cost per demand unit: `[day, usdPerUnit]`. */
  readonly unitCost?: { readonly unit: string; readonly days: ReadonlyArray<readonly [string, number]> };
  /** Each SLO's days: `[day, worst value, met (1/0)]`. */
  readonly slos?: ReadonlyArray<{
    readonly name: string;
    readonly comparison: string;
    readonly threshold: number;
    readonly days: ReadonlyArray<readonly [string, number, 0 | 1]>;
  }>;
}

const cents = (x: number) => Math.round(x * 100) / 100;
const significant = (x: number) => Number(x.toPrecision(4));

/** The report snapshot of one cost-anomaly run; undefined when no cost series was read. */
export function costAnomalyReport(
  obs: CostObservations,
  findings: readonly FindingInput[],
  ctx: Pick<EvaluateContext, 'config'>,
  /** Workloads whose data was incomplete: held, so their last entry is kept. */
  heldWorkloads: ReadonlySet<string> = new Set(),
): ReportSnapshot | undefined {
  if (obs.pairs === null && obs.workloads === null) return undefined;
  const detector = new Map(findings.filter((f) => f.rule === 'detector').map((f) => [f.subject, f] as const));
  const latest = new Map<string, unknown>();
  const workloads = new Map(ctx.config.workloads.map((w) => [w.name, w]));
  for (const series of obs.workloads ?? []) {
    const workload = workloads.get(series.key.workload ?? '');
    if (!workload) continue;
    const entry = seriesEntry(series, workload.name, detector.get(workload.name), ctx);
    if (!entry) continue;
    latest.set(`series/workload/${workload.name}`, {
      ...entry,
      workload: workload.name,
      owner: workload.owner?.team ?? ctx.config.organization.defaultOwner.team,
      ...workloadDays(workload, series, obs.metrics),
    } satisfies CostSeriesEntry);
  }
  const anomalous = (obs.pairs ?? [])
    .map((series) => ({
      series,
      finding: detector.get(`${series.key.accountId ?? ''}/${series.key.service ?? ''}`),
    }))
    .filter((p): p is { series: CostSeries; finding: FindingInput } => p.finding !== undefined)
    .sort(
      (a, b) => Math.abs(b.finding.impact?.usdPerMonth ?? 0) - Math.abs(a.finding.impact?.usdPerMonth ?? 0),
    )
    .slice(0, REPORT_MAX_PAIR_SERIES);
  for (const { series, finding } of anomalous) {
    const { accountId = '', service = '' } = series.key;
    const entry = seriesEntry(series, `${accountId}/${service}`, finding, ctx);
    if (entry)
      latest.set(`series/pair/${accountId}/${service}`, {
        ...entry,
        accountId,
        service,
        owner: ctx.config.organization.defaultOwner.team,
      } satisfies CostSeriesEntry);
  }
  // Workloads held for incomplete data keep their last entry, as their findings are held.
  const held = new Set(
    ctx.config.workloads
      .filter((w) => obs.metrics === null || heldWorkloads.has(w.name))
      .map((w) => `series/workload/${w.name}`),
  );
  return {
    latest,
    ...(obs.pairs !== null && obs.workloads !== null && { complete: ['series/'] }),
    keep: (entry) => held.has(entry),
  };
}

function seriesEntry(
  series: CostSeries,
  subject: string,
  finding: FindingInput | undefined,
  ctx: Pick<EvaluateContext, 'config'>,
): CostSeriesEntry | undefined {
  if (series.days.length === 0) return undefined;
  let detected: ReturnType<typeof detectAnomalies>;
  try {
    detected = detectAnomalies(
      series.days.map((d) => ({ timestamp: d.day, value: d.estimated ? null : d.usd })),
      detectorOptionsOf(ctx.config.anomaly),
    );
  } catch {
    // A series the detector refuses (a negative day) has no band to draw; evaluate reported it.
    return undefined;
  }
  const days = detected
    .slice(-DAILY_HISTORY_DAYS)
    .map(
      (p): BandDay => [
        p.timestamp,
        p.value === null ? null : cents(p.value),
        cents(p.expected),
        cents(p.lower),
        cents(p.upper),
        p.anomaly ? 1 : 0,
      ],
    );
  return { subject, days, ...(finding && { anomaly: anomalyOf(finding) }) };
}

/** The anomaly as a finding's evidence describes it (also read back from events). */
export function anomalyOf(
  finding: Pick<FindingInput, 'check' | 'rule' | 'identity' | 'severity' | 'impact' | 'evidence'>,
): SeriesAnomaly {
  const e = (finding.evidence ?? {}) as {
    class?: string;
    anomalyDays?: { start?: string; end?: string };
    impactUsdPerDay?: number;
    unitCost?: { unit?: string; before?: number | null; after?: number | null; change?: number | null };
    drivers?: Array<{ usageType?: string; region?: string; resourceId?: string; shareOfImpact?: number }>;
  };
  return {
    dedupkey: dedupKeyOf(finding),
    class: e.class ?? 'unknown',
    severity: finding.severity ?? 'warning',
    ...(e.anomalyDays?.start && { start: e.anomalyDays.start }),
    ...(e.anomalyDays?.end && { end: e.anomalyDays.end }),
    usdPerMonth: finding.impact?.usdPerMonth ?? 0,
    ...(e.impactUsdPerDay !== undefined && { impactUsdPerDay: e.impactUsdPerDay }),
    ...(e.unitCost && {
      unitCost: {
        unit: e.unitCost.unit ?? 'USD per unit',
        before: e.unitCost.before ?? null,
        after: e.unitCost.after ?? null,
        change: e.unitCost.change ?? null,
      },
    }),
    drivers: (e.drivers ?? []).slice(0, 3).map((d) => ({
      usageType: d.usageType ?? 'unknown',
      region: d.region ?? 'unknown',
      ...(d.resourceId && { resourceId: d.resourceId }),
      share: d.shareOfImpact ?? 0,
    })),
  };
}

/** A workload's daily unit cost and SLO days over the window. */
function workloadDays(
  workload: Workload,
  series: CostSeries,
  metrics: ReadonlyMap<string, readonly MetricValue[]> | null,
): Pick<CostSeriesEntry, 'unitCost' | 'slos'> {
  if (!metrics) return {};
  const window = new Set(series.days.slice(-DAILY_HISTORY_DAYS).map((d) => d.day));
  const cost = new Map(series.days.filter((d) => !d.estimated).map((d) => [d.day, d.usd]));
  let unitCost: CostSeriesEntry['unitCost'];
  if (workload.demand) {
    const demand = new Map<string, number>();
    for (const p of metrics.get(workload.demand.metric.id) ?? []) {
      const day = p.timestamp.slice(0, 10);
      demand.set(day, (demand.get(day) ?? 0) + p.value);
    }
    const days: Array<readonly [string, number]> = [];
    for (const [day, usd] of cost) {
      const units = demand.get(day);
      if (window.has(day) && units !== undefined && units > 0) days.push([day, significant(usd / units)]);
    }
    unitCost = { unit: `USD per ${workload.demand.unit}`, days };
  }
  const slos = workload.slos.map((slo) => ({
    name: slo.name,
    comparison: slo.objective.comparison,
    threshold: slo.objective.threshold,
    days: [...dailyOutcomes(metrics.get(slo.metric.id) ?? [], slo.objective)]
      .filter(([day]) => window.has(day))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([day, o]) => [day, significant(o.worst), o.met ? 1 : 0] as const),
  }));
  return { ...(unitCost && { unitCost }), ...(slos.length > 0 && { slos }) };
}
