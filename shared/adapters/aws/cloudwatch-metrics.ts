import {
  CloudWatchClient,
  GetMetricDataCommand,
  type MessageData,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import type { MetricQuery } from '../../config/schema.js';
import { InputError, ScanError } from '../../core/errors.js';
import type { MetricSource } from '../../core/sources.js';
import { type AwsClientOptions, awsClient } from './clients.js';
import { awsFailureReason } from './cost-explorer-query.js';
import { CLOUDWATCH_SOURCE } from './source-names.js';

/** Name of this source in findings, `sources` and benches. */
export { CLOUDWATCH_SOURCE };

/** GetMetricData takes at most 500 MetricDataQuery per call. */
export const MAX_QUERIES_PER_CALL = 500;
/** GetMetricData returns at most 100,800 datapoints per call (its MaxDatapoints default) before paginating. */
export const MAX_DATAPOINTS_PER_CALL = 100_800;
/** Scope of a failure to read metrics: `metrics/<region>`. */
export const METRICS_SCOPE = 'metrics';

export interface CloudWatchMetricsOptions {
  /** Region of a query without `region`. Default: the SDK's own (`AWS_REGION`). */
  readonly region?: string;
  /** Credentials and cache key for CloudWatch (a monitoring account's, for queries with `accountId`). Default: the SDK's chain. */
  readonly client?: Pick<AwsClientOptions, 'credentials' | 'credentialsKey'>;
  /**
   * How to read a query that names another account. Without it, `AccountId`
   * is sent as it is, which works from a CloudWatch cross-account
   * observability monitoring account. With it, the query is sent in that
   * account with these credentials (the member read role) and no `AccountId`.
   */
  readonly accountAccess?: (accountId: string) => Pick<AwsClientOptions, 'credentials' | 'credentialsKey'>;
}

/** One datapoint, as the {@link MetricSource} returns it. */
export interface MetricPoint {
  /** ISO-8601 UTC. */
  timestamp: string;
  value: number;
}

/**
 * {@link MetricSource} over CloudWatch `GetMetricData`. Queries are grouped by
 * region, then packed into as few calls as possible: at most
 * {@link MAX_QUERIES_PER_CALL} queries and, where it fits, at most
 * {@link MAX_DATAPOINTS_PER_CALL} expected datapoints per call, so a call
 * rarely needs a second page. An expression is kept in the same call as the
 * queries whose ids it names. Pages (NextToken) are merged per id, oldest
 * first (ScanBy TimestampAscending).
 *
 * GetMetricData costs $0.01 per 1,000 metrics requested, each page again:
 * {@link metricsRequested} counts them.
 *
 * A query whose status is InternalError or Forbidden, or that is still
 * PartialData after the last page, fails the region with a
 * {@link ScanError} naming the query id: a short series must not pass for a
 * complete one.
 *
 * @example
 * const metrics = new CloudWatchMetrics({ region: 'eu-west-1' });
 * const series = await metrics.dailyMetrics({ queries: [workload.demand.metric], start, end });
 */
export class CloudWatchMetrics implements MetricSource {
  readonly name = CLOUDWATCH_SOURCE;
  readonly #options: CloudWatchMetricsOptions;
  #calls = 0;
  #metricsRequested = 0;

  constructor(options: CloudWatchMetricsOptions = {}) {
    this.#options = options;
  }

  /** GetMetricData requests sent so far (pages included). */
  get calls(): number {
    return this.#calls;
  }

  /** Queries sent so far, summed over requests (the billed unit: $0.01 per 1,000). */
  get metricsRequested(): number {
    return this.#metricsRequested;
  }

  async dailyMetrics(input: {
    queries: ReadonlyArray<MetricQuery>;
    start: Date;
    end: Date;
  }): Promise<Map<string, MetricPoint[]>> {
    const { start, end } = input;
    if (start >= end) {
      throw new InputError(
        'metrics window',
        `start ${start.toISOString()} is not before end ${end.toISOString()}`,
      );
    }
    const queries = uniqueQueries(input.queries);
    // One group per region, and per account when other accounts are read through their own role.
    // An expression goes where the metrics it names go: it has no account or region of its own.
    const access = this.#options.accountAccess;
    const groups = new Map<
      string,
      { region: string | undefined; accountId: string | undefined; queries: MetricQuery[] }
    >();
    for (const linked of linkedGroups(queries)) {
      const regions = new Set(linked.flatMap((q) => (q.region ? [q.region] : [])));
      const accounts = new Set(linked.flatMap((q) => (access && q.accountId ? [q.accountId] : [])));
      if (regions.size > 1 || accounts.size > 1) {
        throw new InputError(
          `metric query ${linked[0]?.id}`,
          `an expression ties together metrics of several ${regions.size > 1 ? 'regions' : 'accounts'}; GetMetricData reads one at a time`,
        );
      }
      const region = [...regions][0] ?? this.#options.region;
      const accountId = [...accounts][0];
      const key = `${region ?? ''}|${accountId ?? ''}`;
      const group = groups.get(key) ?? { region, accountId, queries: [] };
      group.queries.push(...(accountId ? linked.map(withoutAccount) : linked));
      groups.set(key, group);
    }
    const series = new Map<string, MetricPoint[]>();
    for (const { region, accountId, queries: regional } of groups.values()) {
      const scope = `${METRICS_SCOPE}/${region ?? 'default'}${accountId ? `/${accountId}` : ''}`;
      try {
        const client = awsClient(CloudWatchClient, {
          ...(accountId && access ? access(accountId) : this.#options.client),
          ...(region !== undefined && { region }),
        });
        for (const batch of batchQueries(regional, start, end)) {
          for (const [id, points] of await this.#readBatch(client, batch, start, end)) series.set(id, points);
        }
      } catch (cause) {
        if (cause instanceof ScanError) throw new ScanError(scope, cause.reason, { cause });
        throw new ScanError(
          scope,
          `GetMetricData failed: ${awsFailureReason(cause, 'cloudwatch:GetMetricData')}`,
          {
            cause,
          },
        );
      }
    }
    return series;
  }

  async #readBatch(
    client: CloudWatchClient,
    batch: readonly MetricQuery[],
    start: Date,
    end: Date,
  ): Promise<Map<string, MetricPoint[]>> {
    const points = new Map<string, Map<number, number>>(batch.map((q) => [q.id, new Map()]));
    const status = new Map<string, string | undefined>();
    let token: string | undefined;
    do {
      const page = await client.send(
        new GetMetricDataCommand({
          MetricDataQueries: batch.map(metricDataQuery),
          StartTime: start,
          EndTime: end,
          ScanBy: 'TimestampAscending',
          NextToken: token,
        }),
      );
      this.#calls++;
      this.#metricsRequested += batch.length;
      if (page.Messages?.length) {
        throw new ScanError(
          METRICS_SCOPE,
          `GetMetricData for ${batch.map((q) => q.id).join(', ')}: ${describe(page.Messages)}`,
        );
      }
      for (const result of page.MetricDataResults ?? []) {
        const id = result.Id ?? '';
        const series = points.get(id);
        if (series === undefined) continue; // not ours: nothing was asked under that id
        // A result's Messages are information (e.g. ArithmeticError: NaN points of an error-rate
        // expression on a day without traffic were dropped); only these status codes mean no data.
        if (result.StatusCode === 'InternalError' || result.StatusCode === 'Forbidden') {
          const messages = result.Messages?.length ? `: ${describe(result.Messages)}` : '';
          throw new ScanError(METRICS_SCOPE, `query ${id}: ${result.StatusCode ?? 'no status'}${messages}`);
        }
        const timestamps = result.Timestamps ?? [];
        const values = result.Values ?? [];
        if (timestamps.length !== values.length) {
          throw new ScanError(
            METRICS_SCOPE,
            `query ${id}: ${timestamps.length} timestamps for ${values.length} values`,
          );
        }
        timestamps.forEach((t, i) => {
          const value = values[i];
          if (value !== undefined) series.set(new Date(t).getTime(), value);
        });
        status.set(id, result.StatusCode);
      }
      token = page.NextToken || undefined;
    } while (token !== undefined);
    for (const [id, code] of status) {
      // No NextToken left (math expressions never get one) yet data is missing.
      if (code === 'PartialData') {
        throw new ScanError(METRICS_SCOPE, `query ${id}: PartialData after the last page`);
      }
    }
    return new Map(
      [...points].map(([id, byTime]) => [
        id,
        [...byTime]
          .sort(([a], [b]) => a - b)
          .map(([t, value]) => ({ timestamp: new Date(t).toISOString(), value })),
      ]),
    );
  }
}

/**
 * The GetMetricData query for a config {@link MetricQuery}: a MetricStat
 * (namespace, name, dimensions, period, stat) or an expression, with the
 * source account for cross-account observability when set.
 *
 * @example
 * metricDataQuery({ id: 'requests', namespace: 'AWS/ApiGateway', metricName: 'Count',
 *   dimensions: { ApiName: 'shop' }, stat: 'Sum', period: 86400 });
 * // { Id: 'requests', ReturnData: true, MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count',
 * //   Dimensions: [{ Name: 'ApiName', Value: 'shop' }] }, Period: 86400, Stat: 'Sum' } }
 */
function withoutAccount(query: MetricQuery): MetricQuery {
  const { accountId: _, ...rest } = query;
  return rest;
}

export function metricDataQuery(query: MetricQuery): MetricDataQuery {
  const common = {
    Id: query.id,
    ReturnData: true,
    ...(query.accountId !== undefined && { AccountId: query.accountId }),
  };
  if (query.expression !== undefined) {
    return { ...common, Expression: query.expression, Period: query.period };
  }
  return {
    ...common,
    MetricStat: {
      Metric: {
        Namespace: query.namespace,
        MetricName: query.metricName,
        Dimensions: Object.entries(query.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: query.period,
      Stat: query.stat,
    },
  };
}

/**
 * Packs queries (of one region) into GetMetricData calls: first fit, at most
 * {@link MAX_QUERIES_PER_CALL} queries and {@link MAX_DATAPOINTS_PER_CALL}
 * expected datapoints per call (a group bigger than that goes alone and
 * pages). An expression and the queries whose ids it names stay together.
 *
 * @throws InputError when expressions tie more than 500 queries together.
 * @example
 * batchQueries(queries501, start, end).map((b) => b.length); // [500, 1] for a 90-day daily window
 */
export function batchQueries(queries: readonly MetricQuery[], start: Date, end: Date): MetricQuery[][] {
  const seconds = (end.getTime() - start.getTime()) / 1000;
  const pointsOf = (q: MetricQuery) => Math.ceil(seconds / q.period);
  const batches: Array<{ queries: MetricQuery[]; points: number }> = [];
  for (const group of linkedGroups(queries)) {
    if (group.length > MAX_QUERIES_PER_CALL) {
      throw new InputError(
        `metric query ${group[0]?.id}`,
        `expressions tie ${group.length} queries together; GetMetricData takes ${MAX_QUERIES_PER_CALL}`,
      );
    }
    const points = group.reduce((sum, q) => sum + pointsOf(q), 0);
    const fits = batches.find(
      (b) =>
        b.queries.length + group.length <= MAX_QUERIES_PER_CALL &&
        b.points + points <= MAX_DATAPOINTS_PER_CALL,
    );
    if (fits) {
      fits.queries.push(...group);
      fits.points += points;
    } else batches.push({ queries: [...group], points });
  }
  return batches.map((b) => b.queries);
}

/** Groups of queries that must share a call: an expression with every query whose id it names (transitively). */
function linkedGroups(queries: readonly MetricQuery[]): MetricQuery[][] {
  const parent = new Map<string, string>(queries.map((q) => [q.id, q.id]));
  const root = (id: string): string => {
    let r = id;
    for (let p = parent.get(r); p !== undefined && p !== r; p = parent.get(r)) r = p;
    parent.set(id, r);
    return r;
  };
  for (const q of queries) {
    if (q.expression === undefined) continue;
    for (const token of q.expression.match(/\b[a-z][a-zA-Z0-9_]*\b/g) ?? []) {
      if (token !== q.id && parent.has(token)) parent.set(root(token), root(q.id));
    }
  }
  const groups = new Map<string, MetricQuery[]>();
  for (const q of queries) groups.set(root(q.id), [...(groups.get(root(q.id)) ?? []), q]);
  return [...groups.values()];
}

/** One query per id: the same query twice (a metric shared by two SLOs) is asked once; two different ones are a config error. */
function uniqueQueries(queries: ReadonlyArray<MetricQuery>): MetricQuery[] {
  const byId = new Map<string, MetricQuery>();
  for (const q of queries) {
    const seen = byId.get(q.id);
    if (seen === undefined) byId.set(q.id, q);
    else if (JSON.stringify(seen) !== JSON.stringify(q)) {
      throw new InputError(`metric query ${q.id}`, 'two different queries share this id');
    }
  }
  return [...byId.values()];
}

function describe(messages: readonly MessageData[]): string {
  return messages.map((m) => `${m.Code ?? 'Message'}: ${m.Value ?? ''}`).join('; ');
}
