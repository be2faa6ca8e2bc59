/**
 * The cost-anomaly judgement: observations in, findings out. Pure.
 *
 * Which days are judged: the detector scores every day of the lookback
 * window, but only the last {@link JUDGED_DAYS} complete (not `estimated`)
 * days decide whether an anomaly is active. An anomaly is the run of
 * consecutive anomalous days, in one direction, that ends on one of them; so
 * a spike that lasts a week is one incident, and it resolves the first run
 * after two complete days back inside the band. Two, not one: a single day
 * that slips just under the thresholds mid-incident must not resolve and
 * re-trigger it. A cost drop that ended earlier stays under judgement for
 * `unsafeSavingWindowDays` more days, because the SLO breach it causes may
 * follow it; it is reported only if one does (an unsafe saving).
 */
import type { GuardrailsConfig, Workload } from '../../config/schema.js';
import type { FindingInput } from '../../core/finding.js';
import { clampSummary } from '../../core/finding.js';
import type { EvaluateContext, Evaluation } from '../../core/ports.js';
import type { AwsCostAnomaly, BudgetStatus, CostSeries } from '../../core/sources.js';
import { type AnomalyClass, classifyAnomaly, severityOfClass } from './classify.js';
import { type AnomalyReason, type DetectedPoint, type DetectorOptions, detectAnomalies } from './detector.js';
import { type DriverGroup, filterCoversPair, meanCost, rankDrivers } from './drivers.js';
import { costAnomalyReport } from './report-snapshot.js';
import { addDays, type DayWindow, type MetricValue, type SloStatus, sloStatus, sloWindowFor } from './slo.js';
import { type UnitCostChange, unitCostChange, unitCostTolerance } from './unit-cost.js';

/** Complete days at the end of the series that decide whether an anomaly is active. */
export const JUDGED_DAYS = 2;
/** Days before an anomaly that unit cost and drivers compare it with. */
export const BASELINE_DAYS = 28;
/** Days before an anomaly that its drivers are compared with: recent enough that resources match. */
export const DRIVER_BASELINE_DAYS = 14;
/** Average days per month, to project a daily impact. */
export const DAYS_PER_MONTH = 365.25 / 12;
const COST_EXPLORER = 'https://console.aws.amazon.com/cost-management/home#/cost-explorer';

/** Scopes of this check (see check.ts). */
export const SCOPES = {
  /** Cost series: unmapped (account, service) anomalies and workloads judged without metrics. */
  costs: 'costs',
  /** Reading the demand and SLO metrics at all; each workload then has its own `metrics/<workload>`. */
  metrics: 'metrics',
  /** AWS Cost Anomaly Detection and Budgets. */
  awsSignals: 'aws-signals',
} as const;

/** What collect observed. `null` marks a part that could not be read. */
export interface CostObservations {
  /** First and last day (inclusive) of the cost window. */
  readonly window: DayWindow;
  readonly pairs: readonly CostSeries[] | null;
  readonly workloads: readonly CostSeries[] | null;
  /** Metric series by query id; `null` when the metrics could not be read. */
  readonly metrics: ReadonlyMap<string, readonly MetricValue[]> | null;
  /** Driver lookups by {@link seriesKey}. */
  readonly drivers: ReadonlyMap<string, readonly DriverGroup[]>;
  readonly awsAnomalies?: readonly AwsCostAnomaly[];
  readonly budgets?: readonly BudgetStatus[];
  /** Workloads with a demand or SLO metric that has no recent data: not judged, their findings held. */
  readonly staleMetrics?: ReadonlySet<string>;
}

/**
 * The scope of a workload judged with demand and SLOs: complete only when
 * the costs were read and each of its metrics has recent data. An SLO with
 * no data is unknown, not met: judging it met would turn an unsafe saving
 * into a saving and resolve the page.
 */
export function workloadMetricsScope(workload: string): string {
  return `${SCOPES.metrics}/${workload}`;
}

/** One anomaly: the run of anomalous days, in one direction, ending on a judged day. */
export interface Episode {
  readonly direction: 'up' | 'down';
  readonly reason: AnomalyReason;
  /** The anomalous days, oldest first. */
  readonly points: readonly DetectedPoint[];
  readonly start: string;
  readonly end: string;
  /** Up to BASELINE_DAYS complete days before `start`. */
  readonly baselineDays: readonly string[];
  /** Ended before the judged days: kept only as a possible unsafe saving. */
  readonly lingering: boolean;
}

/** The baseline days of an episode's drivers: the last DRIVER_BASELINE_DAYS of its baseline. */
export function driverBaselineDays(episode: Pick<Episode, 'baselineDays'>): readonly string[] {
  return episode.baselineDays.slice(-DRIVER_BASELINE_DAYS);
}

/** `workload:<name>` or `pair:<account>\0<service>`: how drivers are filed. */
export function seriesKey(series: Pick<CostSeries, 'key'>): string {
  const { workload, accountId = '', service = '' } = series.key;
  return workload !== undefined ? `workload:${workload}` : `pair:${accountId}\u0000${service}`;
}

/** The detector options the config sets: dollars per day, relative and z thresholds. */
export function detectorOptionsOf(anomaly: GuardrailsConfig['anomaly']): Partial<DetectorOptions> {
  return {
    minImpact: anomaly.minImpactUsd,
    relativeThreshold: anomaly.relativeThreshold,
    zThreshold: anomaly.zThreshold,
  };
}

/**
 * The active anomaly of one daily series, or `null`. Estimated days are
 * gaps to the detector, so an incomplete day neither sets the baseline nor
 * is judged.
 */
export function findEpisode(
  series: CostSeries,
  options: Partial<DetectorOptions>,
  followDays: number,
): Episode | null {
  const complete: number[] = [];
  series.days.forEach((d, i) => {
    if (!d.estimated) complete.push(i);
  });
  if (complete.length === 0) return null;
  const detected = detectAnomalies(
    series.days.map((d) => ({ timestamp: d.day, value: d.estimated ? null : d.usd })),
    options,
  );
  // Position, among complete days, of the last anomalous one.
  let last = complete.length - 1;
  while (last >= 0 && !detected[complete[last] as number]?.anomaly) last--;
  const fromEnd = complete.length - 1 - last;
  if (last < 0 || fromEnd >= JUDGED_DAYS + followDays) return null;
  const lastPoint = detected[complete[last] as number] as DetectedPoint;
  const lingering = fromEnd >= JUDGED_DAYS;
  if (lingering && lastPoint.direction !== 'down') return null;
  let first = last;
  while (first > 0) {
    const previous = detected[complete[first - 1] as number];
    if (!previous?.anomaly || previous.direction !== lastPoint.direction) break;
    first--;
  }
  const points = complete.slice(first, last + 1).map((i) => detected[i] as DetectedPoint);
  const baselineDays = complete
    .slice(Math.max(0, first - BASELINE_DAYS), first)
    .map((i) => (series.days[i] as { day: string }).day);
  const firstPoint = points[0] as DetectedPoint;
  return {
    direction: lastPoint.direction ?? 'up',
    reason: firstPoint.reason ?? 'deviation',
    points,
    start: firstPoint.timestamp,
    end: lastPoint.timestamp,
    baselineDays,
    lingering,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const usd = (n: number) => `$${Math.round(Math.abs(n)).toLocaleString('en-US')}`;
const signedUsd = (n: number) => `${n < 0 ? '-' : '+'}${usd(n)}`;

/** Expected vs actual and the dollar impact of an episode. */
function impactOf(episode: Episode) {
  const actual = mean(episode.points.map((p) => p.value ?? 0));
  const expected = mean(episode.points.map((p) => p.expected));
  const impactPerDay = mean(episode.points.map((p) => p.impact ?? 0));
  const latest = episode.points[episode.points.length - 1] as DetectedPoint;
  return { actual, expected, impactPerDay, usdPerMonth: impactPerDay * DAYS_PER_MONTH, latest };
}

const CLASS_TEXT: Record<AnomalyClass, string> = {
  waste: 'waste (cost and unit cost up, SLOs met)',
  'efficiency-regression': 'efficiency regression (unit cost up and SLO breached)',
  'demand-growth': 'demand growth (cost follows demand, unit cost normal)',
  'unsafe-saving': 'unsafe saving (cost cut, SLO breached)',
  saving: 'saving (cost down, no SLO breach tied to it)',
  'cost-only': 'cost anomaly with no workload mapped',
};

interface SeriesJudgement {
  readonly subject: string;
  readonly identity: string[];
  readonly scope: string;
  readonly origin: string;
  readonly owner: FindingInput['owner'];
  readonly resource?: FindingInput['resource'];
  readonly series: CostSeries;
  readonly episode: Episode;
  readonly mapped: boolean;
  readonly unitCost?: UnitCostChange;
  readonly demandUnit?: string;
  readonly slos: readonly SloStatus[];
}

function costFinding(j: SeriesJudgement, obs: CostObservations, ctx: EvaluateContext): FindingInput | null {
  const { episode } = j;
  const sloBreached = j.slos.some((s) => s.state === 'breached');
  const anomalyClass = classifyAnomaly({
    direction: episode.direction,
    mapped: j.mapped,
    unitCost: j.unitCost?.trend ?? 'unknown',
    sloBreached,
  });
  if (episode.lingering && anomalyClass !== 'unsafe-saving') return null;
  const { actual, expected, impactPerDay, usdPerMonth, latest } = impactOf(episode);
  const currentDays = new Set(episode.points.map((p) => p.timestamp));
  const totalChange =
    meanCost(j.series, currentDays) - meanCost(j.series, new Set(driverBaselineDays(episode)));
  const drivers = rankDrivers(obs.drivers.get(seriesKey(j.series)) ?? [], episode.direction, totalChange);
  const severity = severityOfClass(anomalyClass, usdPerMonth, ctx.config.anomaly);
  const unit = j.unitCost;
  const unitText =
    unit && unit.ratio !== null
      ? `unit cost ${signedPct(unit.ratio - 1)}`
      : j.mapped
        ? 'unit cost unknown (no demand data)'
        : '';
  const breached = j.slos.filter((s) => s.state === 'breached').map((s) => s.name);
  const sloText = !j.mapped
    ? ''
    : j.slos.length === 0
      ? 'no SLO'
      : breached.length
        ? `SLO breached: ${breached.join(', ')}`
        : 'SLOs met';
  const top = drivers[0];
  const driverText = top
    ? `top driver ${top.usageType} in ${top.region}${top.resourceId ? ` (${top.resourceId})` : ''}, ${Math.round(top.shareOfImpact * 100)}%`
    : '';
  const summary = [
    `${j.subject}: ${CLASS_TEXT[anomalyClass]}: ${usd(actual)}/day vs ${usd(expected)} expected (${signedUsd(impactPerDay)}/day, ${signedUsd(usdPerMonth)}/month) since ${episode.start}`,
    unitText,
    sloText,
    driverText,
  ]
    .filter(Boolean)
    .join('; ');
  return {
    check: 'cost-anomaly',
    rule: 'detector',
    type: 'cost.anomaly',
    identity: [...j.identity, anomalyClass],
    scope: j.scope,
    severity,
    category: 'cost',
    subject: j.subject,
    origin: j.origin,
    summary: clampSummary(`${summary}.`),
    ...(j.resource && { resource: j.resource }),
    ...(j.owner && { owner: j.owner }),
    impact: { usdPerMonth: round2(usdPerMonth) },
    evidence: {
      class: anomalyClass,
      direction: episode.direction,
      reason: episode.reason,
      ...(anomalyClass === 'demand-growth' && { paging: 'suppressed' }),
      ...(anomalyClass === 'unsafe-saving' && { paging: 'reliability-on-call' }),
      anomalyDays: { start: episode.start, end: episode.end, count: episode.points.length },
      judgedDay: latest.timestamp,
      expectedUsdPerDay: round2(expected),
      actualUsdPerDay: round2(actual),
      impactUsdPerDay: round2(impactPerDay),
      projectedUsdPerMonth: round2(usdPerMonth),
      latest: {
        day: latest.timestamp,
        actualUsd: round2(latest.value ?? 0),
        expectedUsd: round2(latest.expected),
        band: { lower: round2(latest.lower), upper: round2(latest.upper) },
        z: Math.round(latest.z * 10) / 10,
        score: Math.round(latest.score * 1000) / 1000,
      },
      ...(unit && {
        unitCost: {
          unit: `USD per ${j.demandUnit ?? 'unit'}`,
          before: significant(unit.before),
          after: significant(unit.after),
          change: unit.ratio === null ? null : Math.round((unit.ratio - 1) * 1000) / 1000,
          trend: unit.trend,
          demandBefore: unit.demandBefore,
          demandAfter: unit.demandAfter,
        },
      }),
      ...(j.mapped && { slos: j.slos }),
      drivers,
    },
    links: { console: COST_EXPLORER },
  };
}

function significant(x: number | null): number | null {
  return x === null ? null : Number(x.toPrecision(4));
}

function signedPct(x: number): string {
  return `${x < 0 ? '-' : '+'}${Math.round(Math.abs(x) * 100)}%`;
}

/** Daily totals of a metric, by day (a demand metric is a count: finer points add up). */
function dailySums(points: readonly MetricValue[] | undefined): Map<string, number> | undefined {
  if (points === undefined || points.length === 0) return undefined;
  const sums = new Map<string, number>();
  for (const p of points) {
    const day = p.timestamp.slice(0, 10);
    sums.set(day, (sums.get(day) ?? 0) + p.value);
  }
  return sums;
}

function ownerOf(
  workload: Workload | undefined,
  config: GuardrailsConfig,
): NonNullable<FindingInput['owner']> {
  const owner = workload?.owner ?? config.organization.defaultOwner;
  return {
    team: owner.team,
    ...(owner.contact && { contact: owner.contact }),
    source: workload?.owner ? 'config' : 'default',
  };
}

/** Workloads whose judgement needs metrics (a demand metric or SLOs). */
export function needsMetrics(workload: Workload): boolean {
  return workload.demand !== undefined || workload.slos.length > 0;
}

function workloadStatuses(
  workload: Workload,
  metrics: ReadonlyMap<string, readonly MetricValue[]> | null,
  window: DayWindow,
): SloStatus[] {
  return workload.slos.map((slo) => sloStatus(slo, metrics?.get(slo.metric.id) ?? [], window));
}

function judgeWorkloads(obs: CostObservations, ctx: EvaluateContext): FindingInput[] {
  const { config } = ctx;
  const { anomaly } = config;
  const options = detectorOptionsOf(anomaly);
  const byName = new Map((obs.workloads ?? []).map((s) => [s.key.workload, s]));
  const findings: FindingInput[] = [];
  for (const workload of config.workloads) {
    const series = byName.get(workload.name);
    if (!series) continue;
    // Without metrics the class cannot be told; the `metrics` scope failed, so open findings are held.
    if (needsMetrics(workload) && (obs.metrics === null || obs.staleMetrics?.has(workload.name))) continue;
    const episode = findEpisode(series, options, anomaly.unsafeSavingWindowDays);
    if (!episode) continue;
    const cost = new Map(series.days.filter((d) => !d.estimated).map((d) => [d.day, d.usd]));
    const unitCost = unitCostChange({
      cost,
      demand: workload.demand ? dailySums(obs.metrics?.get(workload.demand.metric.id)) : undefined,
      before: episode.baselineDays,
      after: episode.points.map((p) => p.timestamp),
      tolerance: unitCostTolerance(anomaly.relativeThreshold),
    });
    const sloWindow = sloWindowFor(episode, anomaly.unsafeSavingWindowDays, obs.window.end);
    const accounts = workload.costFilter.accounts;
    const finding = costFinding(
      {
        subject: workload.name,
        identity: [workload.name],
        scope: needsMetrics(workload) ? workloadMetricsScope(workload.name) : SCOPES.costs,
        origin: accounts.length === 1 ? (accounts[0] as string) : 'org',
        owner: ownerOf(workload, config),
        ...(accounts.length === 1 && { resource: { accountId: accounts[0] as string } }),
        series,
        episode,
        mapped: true,
        ...(workload.demand && { unitCost, demandUnit: workload.demand.unit }),
        slos: workloadStatuses(workload, obs.metrics, sloWindow),
      },
      obs,
      ctx,
    );
    if (finding) findings.push(finding);
  }
  return findings;
}

function judgeUnmappedPairs(obs: CostObservations, ctx: EvaluateContext): FindingInput[] {
  const { config } = ctx;
  const options = detectorOptionsOf(config.anomaly);
  const findings: FindingInput[] = [];
  for (const series of obs.pairs ?? []) {
    const { accountId = '', service = '' } = series.key;
    if (config.workloads.some((w) => filterCoversPair(w.costFilter, accountId, service))) continue;
    const episode = findEpisode(series, options, 0);
    if (!episode) continue;
    const finding = costFinding(
      {
        subject: `${accountId}/${service}`,
        identity: [accountId || 'unknown-account', service || 'unknown-service'],
        scope: SCOPES.costs,
        origin: /^\d{12}$/.test(accountId) ? accountId : 'org',
        owner: ownerOf(undefined, config),
        resource: { accountId },
        series,
        episode,
        mapped: false,
        slos: [],
      },
      obs,
      ctx,
    );
    if (finding) findings.push(finding);
  }
  return findings;
}

/** The workload whose filter covers an AWS anomaly's account and service, if any. */
function workloadOf(config: GuardrailsConfig, accountId?: string, service?: string): Workload | undefined {
  if (accountId === undefined) return undefined;
  return config.workloads.find((w) => filterCoversPair(w.costFilter, accountId, service ?? ''));
}

function awsAnomalyFindings(obs: CostObservations, ctx: EvaluateContext): FindingInput[] {
  const { config } = ctx;
  const since = addDays(obs.window.end, -(JUDGED_DAYS - 1));
  const strongest = new Map<string, { anomaly: AwsCostAnomaly; count: number }>();
  for (const a of obs.awsAnomalies ?? []) {
    if (a.impactUsd < config.anomaly.minImpactUsd) continue;
    if (a.endDate !== undefined && a.endDate.slice(0, 10) < since) continue;
    const workload = workloadOf(config, a.accountId, a.service);
    const key = workload ? `w\u0000${workload.name}` : `p\u0000${a.accountId ?? ''}\u0000${a.service ?? ''}`;
    const prior = strongest.get(key);
    if (!prior || a.impactUsd > prior.anomaly.impactUsd)
      strongest.set(key, { anomaly: a, count: (prior?.count ?? 0) + 1 });
    else prior.count++;
  }
  return [...strongest.values()].map(({ anomaly: a, count }) => {
    const workload = workloadOf(config, a.accountId, a.service);
    const start = a.startDate.slice(0, 10);
    const end = a.endDate?.slice(0, 10) ?? obs.window.end;
    const days = Math.max(1, Math.round((Date.parse(end) - Date.parse(start)) / 86_400_000) + 1);
    const usdPerMonth = (a.impactUsd / days) * DAYS_PER_MONTH;
    const slos =
      workload && obs.metrics !== null && !obs.staleMetrics?.has(workload.name)
        ? workloadStatuses(workload, obs.metrics, { start, end: obs.window.end })
        : undefined;
    const breached = slos?.filter((s) => s.state === 'breached').map((s) => s.name) ?? [];
    const subject = workload?.name ?? `${a.accountId ?? 'org'}/${a.service ?? 'all services'}`;
    const sloText = !workload
      ? ''
      : slos === undefined
        ? '; SLO context unavailable'
        : breached.length
          ? `; SLO breached: ${breached.join(', ')}`
          : '; SLOs met';
    return {
      check: 'cost-anomaly',
      rule: 'aws-anomaly',
      type: 'cost.anomaly',
      identity: workload ? [workload.name] : [a.accountId ?? 'any-account', a.service ?? 'any-service'],
      scope: SCOPES.awsSignals,
      severity: 'warning',
      category: 'cost',
      subject,
      origin: a.accountId ?? 'org',
      summary: clampSummary(
        `${subject}: AWS Cost Anomaly Detection: ${usd(a.actualUsd)} vs ${usd(a.expectedUsd)} expected (${signedUsd(a.impactUsd)}) since ${start}${sloText}.`,
      ),
      ...(a.accountId && { resource: { accountId: a.accountId, ...(a.region && { region: a.region }) } }),
      owner: ownerOf(workload, config),
      impact: { usdPerMonth: round2(usdPerMonth) },
      evidence: {
        anomalyId: a.anomalyId,
        monitorArn: a.monitorArn,
        startDate: a.startDate,
        ...(a.endDate && { endDate: a.endDate }),
        expectedUsd: a.expectedUsd,
        actualUsd: a.actualUsd,
        impactUsd: a.impactUsd,
        score: a.score,
        ...(count > 1 && { anomaliesMerged: count }),
        ...(workload && { workload: workload.name, slos: slos ?? 'unavailable' }),
      },
      links: { console: 'https://console.aws.amazon.com/cost-management/home#/anomaly-detection/overview' },
    } satisfies FindingInput;
  });
}

function budgetFindings(obs: CostObservations, ctx: EvaluateContext): FindingInput[] {
  const findings: FindingInput[] = [];
  for (const b of obs.budgets ?? []) {
    const over = b.actualUsd > b.limitUsd;
    const forecastOver = b.forecastUsd !== undefined && b.forecastUsd > b.limitUsd;
    if (!over && !forecastOver) continue;
    const worst = Math.max(b.actualUsd, b.forecastUsd ?? 0);
    const pct = b.limitUsd > 0 ? Math.round((worst / b.limitUsd) * 100) : 0;
    findings.push({
      check: 'cost-anomaly',
      rule: 'budget',
      type: 'budget.forecast',
      identity: [b.name],
      scope: SCOPES.awsSignals,
      severity: over ? 'error' : 'warning',
      category: 'cost',
      subject: b.name,
      origin: 'org',
      summary: clampSummary(
        over
          ? `Budget ${b.name} exceeded: ${usd(b.actualUsd)} spent of ${usd(b.limitUsd)} (${pct}%, ${b.timeUnit.toLowerCase()}).`
          : `Budget ${b.name} forecast to exceed: ${usd(b.forecastUsd ?? 0)} forecast vs ${usd(b.limitUsd)} limit (${pct}%, ${b.timeUnit.toLowerCase()}).`,
      ),
      owner: ownerOf(undefined, ctx.config),
      ...(b.timeUnit === 'MONTHLY' && { impact: { usdPerMonth: round2(worst - b.limitUsd) } }),
      evidence: {
        limitUsd: b.limitUsd,
        actualUsd: b.actualUsd,
        ...(b.forecastUsd !== undefined && { forecastUsd: b.forecastUsd }),
        timeUnit: b.timeUnit,
        state: over ? 'exceeded' : 'forecast-to-exceed',
      },
      links: { console: 'https://console.aws.amazon.com/billing/home#/budgets' },
    });
  }
  return findings;
}

/**
 * Findings of one run: a classified `cost.anomaly` per workload or unmapped
 * (account, service) with an active anomaly, AWS's own anomalies (rule
 * `aws-anomaly`) and budgets over their limit (`budget.forecast`).
 */
export function evaluateCostAnomalies(obs: CostObservations, ctx: EvaluateContext): Evaluation {
  const findings = [
    ...judgeWorkloads(obs, ctx),
    ...judgeUnmappedPairs(obs, ctx),
    ...(ctx.config.anomaly.useAwsAnomalies ? awsAnomalyFindings(obs, ctx) : []),
    ...(ctx.config.anomaly.useBudgets ? budgetFindings(obs, ctx) : []),
  ];
  const detector = findings.filter((f) => f.rule === 'detector');
  return {
    findings,
    report: costAnomalyReport(obs, findings, ctx),
    metrics: {
      costSeriesJudged: (obs.pairs?.length ?? 0) + (obs.workloads?.length ?? 0),
      costAnomalies: detector.length,
      costImpactUsdPerMonth: round2(
        detector.reduce((sum, f) => sum + Math.max(0, f.impact?.usdPerMonth ?? 0), 0),
      ),
    },
  };
}
