/**
 * The cost-anomaly judgement: observations in, findings out. Pure.
 *
 * Each workload and each unmapped (account, service) series gets a verdict
 * (verdict.ts): quiet, an anomaly of one class, or held when its data is not
 * complete. Anomalies become `cost.anomaly` findings; held series raise
 * nothing here, and collect reports their scopes as failed, so their open
 * findings are held and a scan gap says why (docs/design/completeness.md).
 */
import type { GuardrailsConfig, Workload } from '../../config/schema.js';
import type { FindingInput } from '../../core/finding.js';
import { clampSummary } from '../../core/finding.js';
import type { EvaluateContext, Evaluation } from '../../core/ports.js';
import type { AwsCostAnomaly, BudgetStatus, CostSeries } from '../../core/sources.js';
import { type AnomalyClass, severityOfClass } from './classify.js';
import type { DetectedPoint } from './detector.js';
import { type DriverGroup, filterCoversPair, meanCost, rankDrivers, seriesKey } from './drivers.js';
import { driverBaselineDays, type Episode, JUDGED_DAYS } from './episode.js';
import { pairScope, SCOPES, workloadScope } from './scopes.js';
import { addDays, type DayWindow, type MetricValue, type SloStatus } from './slo.js';
import type { UnitCostChange } from './unit-cost.js';
import { judgePair, judgeWorkload, type Verdict, type VerdictContext, workloadSlos } from './verdict.js';

export { seriesKey } from './drivers.js';
export {
  BASELINE_DAYS,
  DRIVER_BASELINE_DAYS,
  detectorOptionsOf,
  driverBaselineDays,
  type Episode,
  findEpisode,
  JUDGED_DAYS,
} from './episode.js';
export { SCOPES } from './scopes.js';
export { needsMetrics } from './verdict.js';

import { costAnomalyReport } from './report-snapshot.js';

/** Average days per month, to project a daily impact. */
export const DAYS_PER_MONTH = 365.25 / 12;
const COST_EXPLORER = 'https://console.aws.amazon.com/cost-management/home#/cost-explorer';

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
  /** The cost source's name, for scan-gap reasons. Default `the cost source`. */
  readonly costSource?: string;
}

/** What judging needs from the observations and config. */
export function verdictContext(obs: CostObservations, config: GuardrailsConfig): VerdictContext {
  return {
    config,
    lastDay: obs.window.end,
    metrics: obs.metrics,
    costSource: obs.costSource ?? 'the cost source',
  };
}

/** A workload with its verdict and series. */
export interface WorkloadVerdict {
  readonly workload: Workload;
  readonly series: CostSeries | undefined;
  readonly verdict: Verdict;
}

/**
 * Verdicts by the series array they judge, with the other inputs they were
 * judged with: collect and evaluate ask for the same verdicts several times
 * in one run, and the detector is the costly part.
 */
const verdictCache = new WeakMap<object, { inputs: readonly unknown[]; verdicts: unknown }>();

function remembered<T>(anchor: object, inputs: readonly unknown[], judge: () => T): T {
  const hit = verdictCache.get(anchor);
  if (hit && hit.inputs.length === inputs.length && hit.inputs.every((v, i) => v === inputs[i]))
    return hit.verdicts as T;
  const verdicts = judge();
  verdictCache.set(anchor, { inputs, verdicts });
  return verdicts;
}

const inputsOf = (obs: CostObservations, config: GuardrailsConfig) => [
  config,
  obs.metrics,
  obs.window.start,
  obs.window.end,
  obs.costSource,
];

/** The verdict on every workload of the config (none when the costs could not be read). */
export function workloadVerdicts(obs: CostObservations, config: GuardrailsConfig): WorkloadVerdict[] {
  const series = obs.workloads;
  if (series === null) return [];
  return remembered(series, inputsOf(obs, config), () => {
    const byName = new Map(series.map((s) => [s.key.workload, s]));
    const ctx = verdictContext(obs, config);
    return config.workloads.map((workload) => {
      const own = byName.get(workload.name);
      return { workload, series: own, verdict: judgeWorkload(workload, own, ctx) };
    });
  });
}

/** True when a workload's filter covers the pair: its anomalies are that workload's. */
export function isMappedPair(config: GuardrailsConfig, series: CostSeries): boolean {
  const { accountId = '', service = '' } = series.key;
  return config.workloads.some((w) => filterCoversPair(w.costFilter, accountId, service));
}

/** The verdict on every (account, service) series no workload covers. */
export function unmappedPairVerdicts(
  obs: CostObservations,
  config: GuardrailsConfig,
): Array<{ series: CostSeries; verdict: Verdict }> {
  const pairs = obs.pairs;
  if (pairs === null) return [];
  return remembered(pairs, inputsOf(obs, config), () => {
    const ctx = verdictContext(obs, config);
    return pairs
      .filter((series) => !isMappedPair(config, series))
      .map((series) => ({ series, verdict: judgePair(series, ctx) }));
  });
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
  readonly anomalyClass: AnomalyClass;
  readonly mapped: boolean;
  /** The workload has a demand metric (else its cost is judged alone). */
  readonly measuresDemand?: boolean;
  readonly unitCost?: UnitCostChange;
  readonly demandUnit?: string;
  readonly slos: readonly SloStatus[];
}

/** What the summary says of the SLOs: breached ones, unknown ones, or met. */
function sloText(slos: readonly SloStatus[]): string {
  if (slos.length === 0) return 'no SLO';
  const named = (state: SloStatus['state']) => slos.filter((s) => s.state === state).map((s) => s.name);
  const breached = named('breached');
  const unknown = named('unknown');
  const parts = [
    ...(breached.length ? [`SLO breached: ${breached.join(', ')}`] : []),
    ...(unknown.length ? [`SLO unknown (no data): ${unknown.join(', ')}`] : []),
  ];
  return parts.length ? parts.join('; ') : 'SLOs met';
}

function costFinding(j: SeriesJudgement, obs: CostObservations, ctx: EvaluateContext): FindingInput {
  const { episode, anomalyClass } = j;
  const { actual, expected, impactPerDay, usdPerMonth, latest } = impactOf(episode);
  const currentDays = new Set(episode.points.map((p) => p.timestamp));
  const totalChange =
    meanCost(j.series, currentDays) - meanCost(j.series, new Set(driverBaselineDays(episode)));
  const drivers = rankDrivers(obs.drivers.get(seriesKey(j.series)) ?? [], episode.direction, totalChange);
  const severity = severityOfClass(anomalyClass, usdPerMonth, ctx.config.anomaly);
  const unit = j.unitCost;
  const unitText = !j.mapped
    ? ''
    : unit && unit.ratio !== null
      ? `unit cost ${signedPct(unit.ratio - 1)}`
      : j.measuresDemand
        ? 'unit cost unknown (demand data missing)'
        : 'no demand metric (judged on cost)';
  const top = drivers[0];
  const driverText = top
    ? `top driver ${top.usageType} in ${top.region}${top.resourceId ? ` (${top.resourceId})` : ''}, ${Math.round(top.shareOfImpact * 100)}%`
    : '';
  const summary = [
    `${j.subject}: ${CLASS_TEXT[anomalyClass]}: ${usd(actual)}/day vs ${usd(expected)} expected (${signedUsd(impactPerDay)}/day, ${signedUsd(usdPerMonth)}/month) since ${episode.start}`,
    unitText,
    j.mapped ? sloText(j.slos) : '',
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
          ...(unit.missingDemandDays.length > 0 && { missingDemandDays: unit.missingDemandDays }),
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

function judgeWorkloads(obs: CostObservations, ctx: EvaluateContext): FindingInput[] {
  const { config } = ctx;
  const findings: FindingInput[] = [];
  for (const { workload, series, verdict } of workloadVerdicts(obs, config)) {
    if (verdict.state !== 'anomaly' || !series) continue;
    const accounts = workload.costFilter.accounts;
    findings.push(
      costFinding(
        {
          subject: workload.name,
          identity: [workload.name],
          scope: workloadScope(workload.name),
          origin: accounts.length === 1 ? (accounts[0] as string) : 'org',
          owner: ownerOf(workload, config),
          ...(accounts.length === 1 && { resource: { accountId: accounts[0] as string } }),
          series,
          episode: verdict.episode,
          anomalyClass: verdict.anomalyClass,
          mapped: true,
          measuresDemand: workload.demand !== undefined,
          ...(verdict.unitCost && { unitCost: verdict.unitCost }),
          ...(workload.demand && { demandUnit: workload.demand.unit }),
          slos: verdict.slos,
        },
        obs,
        ctx,
      ),
    );
  }
  return findings;
}

function judgeUnmappedPairs(obs: CostObservations, ctx: EvaluateContext): FindingInput[] {
  const { config } = ctx;
  const findings: FindingInput[] = [];
  for (const { series, verdict } of unmappedPairVerdicts(obs, config)) {
    if (verdict.state !== 'anomaly') continue;
    const { accountId = '', service = '' } = series.key;
    findings.push(
      costFinding(
        {
          subject: `${accountId}/${service}`,
          identity: [accountId || 'unknown-account', service || 'unknown-service'],
          scope: pairScope(accountId, service),
          origin: /^\d{12}$/.test(accountId) ? accountId : 'org',
          owner: ownerOf(undefined, config),
          resource: { accountId },
          series,
          episode: verdict.episode,
          anomalyClass: verdict.anomalyClass,
          mapped: false,
          slos: [],
        },
        obs,
        ctx,
      ),
    );
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
    // A day without data is unknown, never met: the summary says so per SLO.
    const slos =
      workload && obs.metrics !== null
        ? workloadSlos(workload, obs.metrics, { start, end: obs.window.end })
        : undefined;
    const subject = workload?.name ?? `${a.accountId ?? 'org'}/${a.service ?? 'all services'}`;
    const sloContext = !workload
      ? ''
      : slos === undefined
        ? '; SLO context unavailable'
        : `; ${sloText(slos)}`;
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
        `${subject}: AWS Cost Anomaly Detection: ${usd(a.actualUsd)} vs ${usd(a.expectedUsd)} expected (${signedUsd(a.impactUsd)}) since ${start}${sloContext}.`,
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
  const heldWorkloads = workloadVerdicts(obs, ctx.config).filter((v) => v.verdict.state === 'held');
  const held = [
    ...heldWorkloads,
    ...unmappedPairVerdicts(obs, ctx.config).filter((v) => v.verdict.state === 'held'),
  ];
  return {
    findings,
    report: costAnomalyReport(obs, findings, ctx, new Set(heldWorkloads.map((v) => v.workload.name))),
    metrics: {
      costSeriesJudged: (obs.pairs?.length ?? 0) + (obs.workloads?.length ?? 0),
      // Workloads and unmapped pairs whose data was incomplete: held, not judged.
      costSeriesHeld: held.length,
      costAnomalies: detector.length,
      costImpactUsdPerMonth: round2(
        detector.reduce((sum, f) => sum + Math.max(0, f.impact?.usdPerMonth ?? 0), 0),
      ),
    },
  };
}
