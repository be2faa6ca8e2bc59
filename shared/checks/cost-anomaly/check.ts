import type { MetricQuery, Workload } from '../../config/schema.js';
import { mapSettled } from '../../core/concurrency.js';
import type { Check, ScopeFailure } from '../../core/ports.js';
import { scopeFailure } from '../../core/scan-gap.js';
import type { AwsCostSignals, CostSeries, CostSource, MetricSource } from '../../core/sources.js';
import type { DriverGroup } from './drivers.js';
import { filterCoversPair, pairsToExplain } from './drivers.js';
import {
  type CostObservations,
  detectorOptionsOf,
  driverBaselineDays,
  type Episode,
  evaluateCostAnomalies,
  findEpisode,
  needsMetrics,
  SCOPES,
  seriesKey,
  workloadMetricsScope,
} from './evaluate.js';
import { addDays, type MetricValue } from './slo.js';

const DAY_MS = 86_400_000;
/** Driver lookups per run: each is a Cost Explorer call ($0.01) in AWS mode. */
export const MAX_DRIVER_LOOKUPS = 20;
/** Pairs asked for drivers per workload anomaly: those that moved most. */
export const DRIVER_PAIRS_PER_ANOMALY = 3;
const DRIVER_CONCURRENCY = 4;

export interface CostAnomalyPorts {
  readonly costs: CostSource;
  /** Demand and SLO metrics; without it, workloads are judged with unit cost and SLO unknown. */
  readonly metrics?: MetricSource;
  /** AWS Cost Anomaly Detection and Budgets; without it, none are ingested. */
  readonly signals?: AwsCostSignals;
}

interface DriverRequest {
  readonly key: string;
  readonly accountId: string;
  readonly service: string;
  readonly baseline: { start: Date; end: Date };
  readonly current: { start: Date; end: Date };
}

const dateOf = (day: string) => new Date(`${day}T00:00:00Z`);

/** Every metric query of every workload, once per id. */
export function metricQueriesOf(
  workloads: ReadonlyArray<{
    demand?: { metric: MetricQuery };
    slos: ReadonlyArray<{ metric: MetricQuery }>;
  }>,
): MetricQuery[] {
  const byId = new Map<string, MetricQuery>();
  for (const w of workloads) {
    if (w.demand) byId.set(w.demand.metric.id, w.demand.metric);
    for (const slo of w.slos) byId.set(slo.metric.id, slo.metric);
  }
  return [...byId.values()];
}

/** A metric whose newest point is older than this many days before the window's end is stale. */
export const FRESH_METRIC_DAYS = 3;

/** The ids of a workload's demand and SLO metrics with no point in the last {@link FRESH_METRIC_DAYS} days. */
function staleMetricIds(
  workload: Workload,
  metrics: ReadonlyMap<string, readonly MetricValue[]>,
  lastDay: string,
): string[] {
  const since = addDays(lastDay, 1 - FRESH_METRIC_DAYS);
  const ids = [
    ...(workload.demand ? [workload.demand.metric.id] : []),
    ...workload.slos.map((s) => s.metric.id),
  ];
  return ids.filter((id) => !(metrics.get(id) ?? []).some((p) => p.timestamp.slice(0, 10) >= since));
}

function driverRequest(key: string, pair: CostSeries, episode: Episode): DriverRequest {
  const first = driverBaselineDays(episode)[0] ?? episode.start;
  return {
    key,
    accountId: pair.key.accountId ?? '',
    service: pair.key.service ?? '',
    baseline: { start: dateOf(first), end: dateOf(episode.start) },
    current: { start: dateOf(episode.start), end: dateOf(addDays(episode.end, 1)) },
  };
}

/**
 * The cost-anomaly check. Collects, over `anomaly.lookbackDays` complete
 * UTC days ending yesterday: daily cost per (account, service) and per
 * workload, the workloads' demand and SLO metrics, the drivers of anomalous
 * series (at most {@link MAX_DRIVER_LOOKUPS}), and AWS's own anomalies and
 * budgets. Scopes:
 * - `costs`: the cost series were read completely. Unmapped (account,
 *   service) findings, and those of workloads without metrics, live here.
 * - `metrics`: the costs and the metrics were both read. Workloads with a
 *   demand metric or SLOs live here: when metrics fail, their anomalies
 *   cannot be classified (waste and growth look alike without demand), so
 *   none is raised, the open ones are held, and a scan gap says why.
 * - `aws-signals`: anomalies and budgets were both read.
 * A failed driver lookup is logged and leaves the evidence without drivers:
 * it changes no finding's identity, so it is not a scope.
 */
export function costAnomalyCheck(ports: CostAnomalyPorts): Check<CostObservations> {
  return {
    name: 'cost-anomaly',
    async collect(ctx) {
      const { config, log } = ctx;
      const { anomaly } = config;
      const end = new Date(Math.floor(ctx.now.getTime() / DAY_MS) * DAY_MS);
      const start = new Date(end.getTime() - anomaly.lookbackDays * DAY_MS);
      const window = {
        start: start.toISOString().slice(0, 10),
        end: addDays(end.toISOString().slice(0, 10), -1),
      };
      const completed: string[] = [];
      const failed: ScopeFailure[] = [];

      let pairs: CostSeries[] | null = null;
      let workloads: CostSeries[] | null = null;
      try {
        [pairs, workloads] = await Promise.all([
          ports.costs.dailyCostByAccountAndService({ start, end }),
          ports.costs.dailyCostByWorkload({
            start,
            end,
            workloads: config.workloads.map((w) => ({ name: w.name, filter: w.costFilter })),
          }),
        ]);
        completed.push(SCOPES.costs);
      } catch (error) {
        pairs = null;
        workloads = null;
        failed.push(scopeFailure(SCOPES.costs, error));
      }

      let metrics: Map<string, MetricValue[]> | null = new Map();
      const queries = metricQueriesOf(config.workloads);
      if (queries.length > 0 && ports.metrics) {
        try {
          metrics = await ports.metrics.dailyMetrics({ queries, start, end });
        } catch (error) {
          metrics = null;
          failed.push(
            scopeFailure(
              SCOPES.metrics,
              error,
              'demand and SLO metrics unavailable, so workload anomalies cannot be classified: ',
            ),
          );
        }
      } else if (queries.length > 0) {
        log.warn('cost-anomaly: no metric source: workloads with demand or SLO metrics are held, not judged');
      }
      const staleMetrics = new Set<string>();
      if (pairs !== null) {
        // A workload that no longer names metrics: its old metric-judged findings may resolve.
        for (const workload of config.workloads.filter((w) => !needsMetrics(w))) {
          completed.push(workloadMetricsScope(workload.name));
        }
      }
      if (metrics !== null && pairs !== null) {
        completed.push(SCOPES.metrics);
        for (const workload of config.workloads.filter(needsMetrics)) {
          const stale = staleMetricIds(workload, metrics, window.end);
          if (stale.length === 0) {
            completed.push(workloadMetricsScope(workload.name));
            continue;
          }
          staleMetrics.add(workload.name);
          failed.push({
            scope: workloadMetricsScope(workload.name),
            reason: `no data in the last ${FRESH_METRIC_DAYS} days for ${stale.join(', ')}, so ${workload.name} cannot be judged against demand and SLOs`,
            errorName: 'NoMetricData',
          });
        }
      }

      const drivers = new Map<string, DriverGroup[]>();
      if (pairs !== null && workloads !== null) {
        const requests = plannedDriverLookups(pairs, workloads, metrics !== null, ctx.config);
        if (requests.length > MAX_DRIVER_LOOKUPS)
          log.warn(`cost-anomaly: ${requests.length} driver lookups needed, ${MAX_DRIVER_LOOKUPS} made`);
        const planned = requests.slice(0, MAX_DRIVER_LOOKUPS);
        const results = await mapSettled(planned, DRIVER_CONCURRENCY, (r) =>
          ports.costs.drivers({
            accountId: r.accountId,
            service: r.service,
            baseline: r.baseline,
            current: r.current,
          }),
        );
        results.forEach((result, i) => {
          const r = planned[i];
          if (!r) return;
          if (result.status === 'rejected') {
            log.warn(`cost-anomaly: drivers of ${r.accountId}/${r.service} unavailable`, {
              error: result.reason instanceof Error ? result.reason.message : String(result.reason),
            });
            return;
          }
          const list = drivers.get(r.key) ?? [];
          list.push({ accountId: r.accountId, service: r.service, drivers: result.value });
          drivers.set(r.key, list);
        });
      }

      const observations: { -readonly [K in keyof CostObservations]: CostObservations[K] } = {
        window,
        pairs,
        workloads,
        metrics,
        drivers,
        staleMetrics,
      };
      const wantSignals = anomaly.useAwsAnomalies || anomaly.useBudgets;
      if (ports.signals && wantSignals) {
        try {
          const [anomalies, budgets] = await Promise.all([
            anomaly.useAwsAnomalies ? ports.signals.anomalies({ start, end: ctx.now }) : [],
            anomaly.useBudgets ? ports.signals.budgets() : [],
          ]);
          observations.awsAnomalies = anomalies;
          observations.budgets = budgets;
          completed.push(SCOPES.awsSignals);
        } catch (error) {
          failed.push(scopeFailure(SCOPES.awsSignals, error));
        }
      }
      log.info(
        `cost-anomaly: ${pairs?.length ?? 0} account/service series, ${workloads?.length ?? 0} workloads, ${drivers.size} explained`,
      );
      const workloadScopes = new Set(config.workloads.map((w) => workloadMetricsScope(w.name)));
      const retired = (scope: string) =>
        scope.startsWith(`${SCOPES.metrics}/`) && !workloadScopes.has(scope)
          ? `workload ${scope.slice(SCOPES.metrics.length + 1)} was removed from the config`
          : undefined;
      return { observations, scope: { completed, failed, retired } };
    },
    evaluate(observations, ctx) {
      return evaluateCostAnomalies(observations, ctx);
    },
  };
}

/** Which pairs to ask for drivers: for each active anomaly, the pairs of its series that moved most. */
function plannedDriverLookups(
  pairs: readonly CostSeries[],
  workloadSeries: readonly CostSeries[],
  metricsRead: boolean,
  config: Parameters<Check['collect']>[0]['config'],
): DriverRequest[] {
  const { anomaly } = config;
  const options = detectorOptionsOf(anomaly);
  const requests: DriverRequest[] = [];
  const byName = new Map(workloadSeries.map((s) => [s.key.workload, s]));
  for (const workload of config.workloads) {
    const series = byName.get(workload.name);
    if (!series || (needsMetrics(workload) && !metricsRead)) continue;
    const episode = findEpisode(series, options, anomaly.unsafeSavingWindowDays);
    if (!episode) continue;
    const covered = pairs.filter((p) =>
      filterCoversPair(workload.costFilter, p.key.accountId ?? '', p.key.service ?? ''),
    );
    const current = new Set(episode.points.map((p) => p.timestamp));
    for (const pair of pairsToExplain(
      covered,
      episode.direction,
      new Set(driverBaselineDays(episode)),
      current,
      DRIVER_PAIRS_PER_ANOMALY,
    ))
      requests.push(driverRequest(seriesKey(series), pair, episode));
  }
  for (const pair of pairs) {
    const { accountId = '', service = '' } = pair.key;
    if (config.workloads.some((w) => filterCoversPair(w.costFilter, accountId, service))) continue;
    const episode = findEpisode(pair, options, 0);
    if (episode) requests.push(driverRequest(seriesKey(pair), pair, episode));
  }
  return requests;
}
