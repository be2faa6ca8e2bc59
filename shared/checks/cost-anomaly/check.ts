import type { GuardrailsConfig, MetricQuery } from '../../config/schema.js';
import { mapSettled } from '../../core/concurrency.js';
import type { Check, ScopeFailure } from '../../core/ports.js';
import { scopeFailure } from '../../core/scan-gap.js';
import type { AwsCostSignals, CostSeries, CostSource, MetricSource } from '../../core/sources.js';
import { costScopes, holdsEveryCostAnomaly } from './cost-completeness.js';
import type { DriverGroup } from './drivers.js';
import { filterCoversPair, pairsToExplain, seriesKey } from './drivers.js';
import { driverBaselineDays, type Episode } from './episode.js';
import {
  type CostObservations,
  evaluateCostAnomalies,
  unmappedPairVerdicts,
  workloadVerdicts,
} from './evaluate.js';
import { legacyWorkloadScope, SCOPES, workloadOfScope, workloadScope } from './scopes.js';
import { addDays, type MetricValue } from './slo.js';

const DAY_MS = 86_400_000;
/** Driver lookups per run: each is a Cost Explorer call ($0.01) in AWS mode. */
export const MAX_DRIVER_LOOKUPS = 20;
/** Pairs asked for drivers per workload anomaly: those that moved most. */
export const DRIVER_PAIRS_PER_ANOMALY = 3;
const DRIVER_CONCURRENCY = 4;

export interface CostAnomalyPorts {
  readonly costs: CostSource;
  /** Demand and SLO metrics; without it, every metric day is unknown: workload anomalies that need them are held. */
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
 * budgets. Scopes (docs/design/completeness.md):
 * - `costs/<account>/<service>`: that pair's cost is complete on every day
 *   of the window (the source vouches for each: not missing, and at least
 *   one day final). Its unmapped anomalies live here. A hole in one
 *   account's costs fails `costs/<account>`; a day missing for every
 *   account fails `costs`; `costs` completes when every series is complete.
 * - `workload/<name>`: the workload's cost is complete, and its metrics have
 *   data on every day its verdict needs (the anomaly's days and baseline
 *   for demand, its SLO window for SLOs), so its class is known. Otherwise
 *   nothing is raised for it, its open findings are held, and a scan gap
 *   says which days are missing. (`metrics/<name>`, the scope earlier
 *   versions used, completes with it.)
 * - `metrics`: the metrics were read at all.
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
      } catch (error) {
        pairs = null;
        workloads = null;
        failed.push({ ...scopeFailure(SCOPES.costs, error), holds: holdsEveryCostAnomaly });
      }

      let metrics: Map<string, MetricValue[]> | null = new Map();
      const queries = metricQueriesOf(config.workloads);
      if (queries.length > 0 && ports.metrics) {
        try {
          metrics = await ports.metrics.dailyMetrics({ queries, start, end });
          completed.push(SCOPES.metrics);
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
      } else {
        if (queries.length > 0)
          log.warn(
            'cost-anomaly: no metric source: workload anomalies that need metrics are held, not judged',
          );
        completed.push(SCOPES.metrics);
      }
      const observations: { -readonly [K in keyof CostObservations]: CostObservations[K] } = {
        window,
        pairs,
        workloads,
        metrics,
        drivers: new Map(),
        costSource: ports.costs.name,
      };
      if (pairs !== null && workloads !== null) {
        const costs = costScopes(pairs, workloads, ports.costs.name);
        completed.push(...costs.completed);
        failed.push(...costs.failed);
        for (const { workload, verdict } of workloadVerdicts(observations, config)) {
          if (verdict.state === 'held') {
            failed.push({
              scope: workloadScope(workload.name),
              reason: verdict.reason,
              errorName: 'IncompleteData',
            });
          } else completed.push(workloadScope(workload.name), legacyWorkloadScope(workload.name));
        }
      }

      const drivers = new Map<string, DriverGroup[]>();
      if (pairs !== null && workloads !== null) {
        const requests = plannedDriverLookups(observations, config);
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
      observations.drivers = drivers;
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
      const names = new Set(config.workloads.map((w) => w.name));
      const retired = (scope: string) => {
        const workload = workloadOfScope(scope);
        return workload !== undefined && !names.has(workload)
          ? `workload ${workload} was removed from the config`
          : undefined;
      };
      return { observations, scope: { completed, failed, retired } };
    },
    evaluate(observations, ctx) {
      return evaluateCostAnomalies(observations, ctx);
    },
  };
}

/** Which pairs to ask for drivers: for each anomaly raised, the pairs of its series that moved most. */
function plannedDriverLookups(observations: CostObservations, config: GuardrailsConfig): DriverRequest[] {
  const pairs = observations.pairs ?? [];
  const requests: DriverRequest[] = [];
  for (const { workload, series, verdict } of workloadVerdicts(observations, config)) {
    if (verdict.state !== 'anomaly' || !series) continue;
    const { episode } = verdict;
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
  for (const { series, verdict } of unmappedPairVerdicts(observations, config)) {
    if (verdict.state === 'anomaly') requests.push(driverRequest(seriesKey(series), series, verdict.episode));
  }
  return requests;
}
