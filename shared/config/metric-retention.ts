/**
 * CloudWatch keeps finer data for less time, and GetMetricData returns no
 * datapoints for a start time older than a resolution's retention unless the
 * period is a multiple of the coarser one (GetMetricData, MetricStat.Period):
 * start 3 hours to 15 days ago, a multiple of 60 s; 15 to 63 days ago, of
 * 300 s; more than 63 days ago, of 3600 s. The cost-anomaly check reads
 * metrics from the start of today minus `anomaly.lookbackDays`, so its start
 * is always more than `lookbackDays` days ago.
 */

/** The coarser resolutions and the age from which GetMetricData needs them. */
const RETENTION_STEPS: ReadonlyArray<{ readonly fromDays: number; readonly multipleOf: number }> = [
  { fromDays: 63, multipleOf: 3600 },
  { fromDays: 15, multipleOf: 300 },
];

/**
 * The multiple of seconds every metric period must be for a window starting
 * more than `lookbackDays` days ago.
 *
 * @example
 * periodMultipleFor(90); // 3600
 * periodMultipleFor(21); // 300
 */
export function periodMultipleFor(lookbackDays: number): number {
  return RETENTION_STEPS.find((step) => lookbackDays >= step.fromDays)?.multipleOf ?? 60;
}

interface QueryAt {
  readonly period: number;
  readonly path: readonly PropertyKey[];
}

/**
 * One issue per metric query (demand and SLO metrics of every workload)
 * whose period CloudWatch cannot serve over the lookback, with its config
 * path and the periods that would work.
 */
export function metricPeriodIssues(config: {
  readonly anomaly: { readonly lookbackDays: number };
  readonly workloads: ReadonlyArray<{
    readonly demand?: { readonly metric: { readonly period: number } } | undefined;
    readonly slos: ReadonlyArray<{ readonly metric: { readonly period: number } }>;
  }>;
}): Array<{ path: PropertyKey[]; message: string }> {
  const { lookbackDays } = config.anomaly;
  const multiple = periodMultipleFor(lookbackDays);
  const queries: QueryAt[] = config.workloads.flatMap((w, i) => [
    ...(w.demand ? [{ period: w.demand.metric.period, path: ['workloads', i, 'demand', 'metric'] }] : []),
    ...w.slos.map((slo, j) => ({ period: slo.metric.period, path: ['workloads', i, 'slos', j, 'metric'] })),
  ]);
  return (
    queries
      // A period that is not a whole minute already has its own error.
      .filter((q) => q.period % 60 === 0 && q.period % multiple !== 0)
      .map((q) => ({
        path: [...q.path, 'period'],
        message: `must be a multiple of ${multiple} seconds: anomaly.lookbackDays is ${lookbackDays}, and CloudWatch returns no data older than ${multiple === 3600 ? 63 : 15} days at a finer period (e.g. ${multiple}, or 86400 for daily)`,
      }))
  );
}
