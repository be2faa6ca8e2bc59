import { planWorkloadQueries } from '../shared/adapters/aws/cost-explorer-costs.js';
import { RESOURCE_COST_SERVICES } from '../shared/adapters/aws/resource-cost-services.js';
import { MAX_DRIVER_LOOKUPS } from '../shared/checks/cost-anomaly/check.js';
import { roundsPerPeriod, schedulePeriodSeconds } from '../shared/checks/probe/rounds.js';
import { type GuardrailsConfig, observerRegions } from '../shared/config/schema.js';
import { ConfigError } from '../shared/core/errors.js';
import { shouldFanOut } from '../shared/runtime/fan-out.js';
import { FAN_OUT_ITEMS_PER_BATCH, forwardedSinks, needsFanOut } from './deployment-plan.js';

/**
 * What running finops-guardrails costs per month, as plain arithmetic over
 * stated assumptions ({@link COST_ASSUMPTIONS}) and the config: no AWS calls,
 * no clock, no I/O. The README's cost table, the `cost-estimate` command and
 * the org-scale bench all come from {@link usageFromConfig}.
 *
 * Prices are us-east-1 list prices (arm64 Lambda), free tiers ignored except
 * EventBridge Scheduler's 14M invocations, which is per account and large
 * enough to matter.
 */

/** Unit prices in USD. */
export const PRICES = {
  lambdaGbSecondArm: 0.000_013_333_4,
  lambdaRequest: 0.2 / 1e6,
  schedulerInvocation: 1 / 1e6,
  schedulerFreeInvocations: 14e6,
  costExplorerRequest: 0.01,
  stateTransition: 0.025 / 1000,
  dynamoWriteRequest: 0.625 / 1e6,
  dynamoReadRequest: 0.125 / 1e6,
  sqsRequest: 0.4 / 1e6,
  kmsKeyMonth: 1,
  kmsRequest: 0.03 / 10_000,
  dashboardMonth: 3,
  alarmMetricMonth: 0.1,
  customMetricMonth: 0.3,
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
  logsIngestGb: 0.5,
} as const;

/** Days in a billing month, for daily and per-minute schedules. */
export const DAYS_PER_MONTH = 30;

/** One Lambda function's monthly load. */
export interface FunctionLoad {
  readonly name: string;
  readonly invocationsPerMonth: number;
  readonly avgDurationMs: number;
  readonly memoryMb: number;
}

/** Everything the bill depends on, per month unless the name says per day. */
export interface MonthlyUsage {
  readonly functions: readonly FunctionLoad[];
  readonly schedulerInvocations: number;
  readonly costExplorerCallsPerDay: number;
  readonly stateTransitions: number;
  readonly dynamoWrites: number;
  readonly dynamoReads: number;
  readonly sqsRequests: number;
  readonly kmsKeys: number;
  readonly kmsRequests: number;
  readonly dashboards: number;
  /** Metrics watched by alarms: a metric-math alarm counts each metric it reads. */
  readonly alarmMetrics: number;
  /** Distinct EMF metrics (name + dimension set) the functions publish. */
  readonly customMetrics: number;
  readonly s3Puts: number;
  readonly s3Gets: number;
  readonly logsGb: number;
}

export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usdPerMonth: number;
}

export interface CostEstimate {
  readonly lines: readonly CostLine[];
  readonly totalUsdPerMonth: number;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** GB-seconds of one function's month: invocations × duration × memory. */
export function gbSeconds(load: FunctionLoad): number {
  return load.invocationsPerMonth * (load.avgDurationMs / 1000) * (load.memoryMb / 1024);
}

/**
 * Prices a month of usage, one line per AWS charge.
 *
 * @example
 * monthlyCost(usageFromConfig(config, { accounts: 6 })).totalUsdPerMonth;
 */
export function monthlyCost(usage: MonthlyUsage): CostEstimate {
  const lambdaGbS = usage.functions.reduce((sum, f) => sum + gbSeconds(f), 0);
  const lambdaRequests = usage.functions.reduce((sum, f) => sum + f.invocationsPerMonth, 0);
  const ceCalls = usage.costExplorerCallsPerDay * DAYS_PER_MONTH;
  const lines: CostLine[] = [
    {
      item: 'Lambda compute (arm64)',
      quantity: lambdaGbS,
      unit: 'GB-s',
      usdPerMonth: lambdaGbS * PRICES.lambdaGbSecondArm,
    },
    {
      item: 'Lambda requests',
      quantity: lambdaRequests,
      unit: 'requests',
      usdPerMonth: lambdaRequests * PRICES.lambdaRequest,
    },
    {
      item: 'EventBridge Scheduler',
      quantity: usage.schedulerInvocations,
      unit: 'invocations',
      usdPerMonth:
        Math.max(0, usage.schedulerInvocations - PRICES.schedulerFreeInvocations) *
        PRICES.schedulerInvocation,
    },
    {
      item: 'Cost Explorer API',
      quantity: ceCalls,
      unit: 'requests',
      usdPerMonth: ceCalls * PRICES.costExplorerRequest,
    },
    {
      item: 'Step Functions (standard)',
      quantity: usage.stateTransitions,
      unit: 'state transitions',
      usdPerMonth: usage.stateTransitions * PRICES.stateTransition,
    },
    {
      item: 'DynamoDB on-demand',
      quantity: usage.dynamoWrites + usage.dynamoReads,
      unit: 'request units',
      usdPerMonth:
        usage.dynamoWrites * PRICES.dynamoWriteRequest + usage.dynamoReads * PRICES.dynamoReadRequest,
    },
    {
      item: 'SQS',
      quantity: usage.sqsRequests,
      unit: 'requests',
      usdPerMonth: usage.sqsRequests * PRICES.sqsRequest,
    },
    {
      item: 'KMS keys',
      quantity: usage.kmsKeys,
      unit: 'keys',
      usdPerMonth: usage.kmsKeys * PRICES.kmsKeyMonth,
    },
    {
      item: 'KMS requests',
      quantity: usage.kmsRequests,
      unit: 'requests',
      usdPerMonth: usage.kmsRequests * PRICES.kmsRequest,
    },
    {
      item: 'CloudWatch dashboards',
      quantity: usage.dashboards,
      unit: 'dashboards',
      usdPerMonth: usage.dashboards * PRICES.dashboardMonth,
    },
    {
      item: 'CloudWatch alarms',
      quantity: usage.alarmMetrics,
      unit: 'alarm metrics',
      usdPerMonth: usage.alarmMetrics * PRICES.alarmMetricMonth,
    },
    {
      item: 'CloudWatch custom metrics (EMF)',
      quantity: usage.customMetrics,
      unit: 'metrics',
      usdPerMonth: usage.customMetrics * PRICES.customMetricMonth,
    },
    {
      item: 'S3 requests (fan-out)',
      quantity: usage.s3Puts + usage.s3Gets,
      unit: 'requests',
      usdPerMonth: usage.s3Puts * PRICES.s3Put + usage.s3Gets * PRICES.s3Get,
    },
    {
      item: 'CloudWatch Logs ingestion',
      quantity: usage.logsGb,
      unit: 'GB',
      usdPerMonth: usage.logsGb * PRICES.logsIngestGb,
    },
  ];
  const rounded = lines.map((l) => ({
    ...l,
    quantity: round2(l.quantity),
    usdPerMonth: round2(l.usdPerMonth),
  }));
  return {
    lines: rounded,
    totalUsdPerMonth: round2(lines.reduce((sum, l) => sum + l.usdPerMonth, 0)),
  };
}

/** Cost Explorer requests of one day's runs (each $0.01). */
export interface CostExplorerCallsInput {
  /** Pages of the daily (account, service) series query, grouped by LINKED_ACCOUNT and SERVICE. */
  readonly seriesPages: number;
  /** Workloads that need their own query (tag or mixed filters); account/service-only workloads need none. */
  readonly workloadQueries: number;
  /** Driver lookups per day (at most MAX_DRIVER_LOOKUPS = 20 per run). */
  readonly driverLookups: number;
  /** 1 when anomaly.useAwsAnomalies. */
  readonly getAnomalies: number;
  /** tag-coverage: one GetCostAndUsage per required tag key (useCostExplorerTags)… */
  readonly requiredTagKeys: number;
  /** …times its pages. */
  readonly tagSpendPagesPerKey: number;
  /** cost-policy (on the tag-coverage schedule): one GetCostAndUsageWithResources per service, one page each assumed. */
  readonly resourceCostQueries?: number;
}

export function costExplorerCallsPerDay(input: CostExplorerCallsInput): number {
  return (
    input.seriesPages +
    input.workloadQueries +
    input.driverLookups +
    input.getAnomalies +
    input.requiredTagKeys * input.tagSpendPagesPerKey
  );
}

/** Shape of one fan-out run. */
export interface FanOutInput {
  readonly accounts: number;
  readonly regions: number;
  /** GetResources pages (100 resources each) per account and region. */
  readonly pagesPerAccountRegion: number;
  /** Latency of one GetResources page. */
  readonly pageMs: number;
  readonly itemsPerBatch: number;
  readonly maxConcurrency: number;
  /** organization.scanConcurrency: scopes (account × region) a worker pages at once. */
  readonly scanConcurrency: number;
  /** Per batch: cold start, AssumeRole per account, S3 writes. */
  readonly batchOverheadMs: number;
  /** The aggregator: read every scan, evaluate, reconcile, deliver. */
  readonly aggregateMs: number;
}

export interface FanOutEstimate {
  readonly items: number;
  readonly batches: number;
  /** Rounds of MaxConcurrency child executions. */
  readonly waves: number;
  readonly batchMs: number;
  readonly wallTimeMs: number;
  /** Standard workflow transitions: the parent's few states plus each child's start, task and end. */
  readonly stateTransitions: number;
  /** Lambda GB-s are priced from these. */
  readonly scanInvocations: number;
}

/** Transitions per child execution (start, the task, success) and of the parent (Map, Aggregate, end…). */
const TRANSITIONS_PER_CHILD = 3;
const PARENT_TRANSITIONS = 5;

/**
 * One Distributed Map run: items, batches, waves of MaxConcurrency and the
 * wall time, with each worker paging its scopes `scanConcurrency` at a time
 * and each scope's pages one after another (GetResources pages are sequential).
 */
export function fanOutRun(input: FanOutInput): FanOutEstimate {
  const batches = Math.ceil(input.accounts / input.itemsPerBatch);
  const waves = Math.ceil(batches / input.maxConcurrency);
  const scopesPerBatch = input.itemsPerBatch * input.regions;
  const scopeMs = input.pagesPerAccountRegion * input.pageMs;
  const batchMs = Math.ceil(scopesPerBatch / input.scanConcurrency) * scopeMs + input.batchOverheadMs;
  return {
    items: input.accounts,
    batches,
    waves,
    batchMs,
    wallTimeMs: waves * batchMs + input.aggregateMs,
    stateTransitions: PARENT_TRANSITIONS + batches * TRANSITIONS_PER_CHILD,
    scanInvocations: batches,
  };
}

const MINUTES_PER_MONTH = DAYS_PER_MONTH * 24 * 60;
const SECONDS_PER_MONTH = MINUTES_PER_MONTH * 60;

/**
 * Every assumption of {@link usageFromConfig}, in one place, so the README and
 * the `cost-estimate` command can list them. Durations are guesses from the
 * bench and the demo, not measurements in AWS.
 */
export const COST_ASSUMPTIONS = {
  /** Taggable resources per account and region, when the caller does not say: 20 GetResources pages of 100. */
  resourcesPerAccountRegion: 2_000,
  /** GetResources returns at most 100 resources per page. */
  resourcesPerPage: 100,
  /** Latency of one GetResources page. */
  pageMs: 100,
  /** A check function's fixed work per run: cold start, state load, reconcile, delivery. */
  checkRunOverheadMs: 5_000,
  /** tag-coverage in fan-out mode: list accounts, write the plan, start the execution. */
  tagCoveragePlanMs: 10_000,
  /** cost-anomaly: fixed part and per-account part (series parsing, detectors) of one run. */
  costAnomalyBaseMs: 20_000,
  costAnomalyMsPerAccount: 20,
  /** The fan-out aggregator: fixed part and per-account part (read the scan, evaluate, reconcile). */
  aggregateBaseMs: 10_000,
  aggregateMsPerAccount: 40,
  /** The aggregator's memory (as deployed). */
  aggregateMemoryMb: 3_008,
  /** GuardrailFunction's default memory: tag-coverage, cost-anomaly, scan-account. */
  checkMemoryMb: 1_024,
  /** ProbeStack's default memory. */
  probeMemoryMb: 512,
  /** One probe round: every target probed concurrently, judged, state committed. */
  probeRoundMs: 1_000,
  /** Per fan-out batch: cold start, AssumeRole per account, S3 writes. */
  batchOverheadMs: 2_000,
  /** Pages of the DAILY (LINKED_ACCOUNT, SERVICE) series per 1,000 accounts, at least 1: not documented by AWS. */
  seriesPagesPer1000Accounts: 20,
  /** Pages of one tag key's spend query per 1,000 accounts, at least 1: not documented by AWS. */
  tagSpendPagesPer1000Accounts: 1,
  /** Driver lookups per day: a base plus a share of accounts with an anomalous pair, capped at MAX_DRIVER_LOOKUPS. */
  driverLookupsBase: 2,
  driverLookupsPerAccount: 0.01,
  /** DynamoDB per probe round: memory, quorum and open incidents read, one commit written. */
  probeReadsPerRound: 3,
  probeWritesPerRound: 1,
  /** DynamoDB per check run: open findings and first-seen dates. */
  checkReadsPerRun: 400,
  checkWritesPerRun: 200,
  /** Owners per account: one digest item each, read and written per tag-coverage run. */
  ownersPerAccount: 3,
  /** Incidents sent to the queue per check run: a fixed part and per account. */
  eventsPerRun: 10,
  eventsPerAccountRun: 0.1,
  /** Lambda's SQS poller: ~5 long polls of 20 s kept open, whether or not messages arrive. */
  forwarderPollsPerDay: 5 * (86_400 / 20),
  forwarderMs: 1_000,
  forwarderMemoryMb: 256,
  /** KMS requests per probe invocation (DynamoDB and SQS cache data keys) and per fan-out batch. */
  kmsRequestsPerProbeInvocation: 2,
  kmsRequestsPerBatch: 10,
  /** EMF metrics besides the two per probe (availability, latency): run metrics of every function. */
  fixedCustomMetrics: 45,
  /** Added by the fan-out's worker and aggregator. */
  fanOutCustomMetrics: 13,
  /**
   * Added by the cost-policy function (dimension `check: cost-policy`): Findings_ per severity (4),
   * EventsDelivered, ScanGaps, LeaseHeld, PolicyJudgements, PolicyViolations, PolicyUnresolved, Digests.
   */
  costPolicyCustomMetrics: 11,
  /** Log bytes: per probe round, per fan-out batch, per forwarder invocation, and a fixed GB a month for the checks. */
  probeLogBytesPerRound: 2_000,
  batchLogBytes: 20_000,
  forwarderLogBytes: 1_000,
  checkLogsGbPerMonth: 0.05,
  /** CloudWatch dashboards: the tooling account's and the observer's. */
  dashboards: 2,
  /** KMS keys: DataKey (tooling) and ProbeKey (observer). */
  kmsKeys: 2,
} as const;

export type CostAssumptions = { readonly [K in keyof typeof COST_ASSUMPTIONS]: number };

/**
 * Invocations per 30-day month of an EventBridge Scheduler expression.
 *
 * `rate(N unit)`: the month's seconds over the period (`rate(1 minute)` →
 * 43,200, `rate(5 minutes)` → 8,640, `rate(1 day)` → 30).
 *
 * `cron(min hour day-of-month month day-of-week year)`: values of the minute
 * field × values of the hour field × days a month × months a year / 12, where
 * a field counts its list items, ranges (`8-17`, `MON-FRI`) and steps
 * (`0/15`, `*` `/5`). A cron with fixed minute and hour fires daily (30 a month).
 *
 * Limits of this simple parser: a month is 30 days and 30/7 weeks; a
 * day-of-week spec fires 30/7 times a month per weekday; `L`, `W` and `#`
 * count once a month per item; the year field, time zones and DST are
 * ignored; one-time `at(...)` schedules are not supported.
 *
 * @throws ConfigError on an expression it cannot read.
 */
export function invocationsPerMonth(expression: string): number {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression.trim());
  if (rate) return SECONDS_PER_MONTH / ratePeriodSeconds(Number(rate[1]), rate[2] ?? 'minute');
  const cron = /^cron\((.+)\)$/.exec(expression.trim());
  const fields = cron?.[1]?.trim().split(/\s+/) ?? [];
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields;
  if (
    fields.length !== 6 ||
    minute === undefined ||
    hour === undefined ||
    dayOfMonth === undefined ||
    month === undefined ||
    dayOfWeek === undefined
  )
    throw new ConfigError('schedules', `cannot read ${expression}: expected rate(N unit) or cron(6 fields)`);
  const any = (field: string) => field === '*' || field === '?';
  const days = any(dayOfWeek)
    ? any(dayOfMonth)
      ? DAYS_PER_MONTH
      : countField(dayOfMonth, 1, 31, {}, expression)
    : (countField(dayOfWeek, 1, 7, WEEKDAYS, expression, DAYS_PER_MONTH / 7) * DAYS_PER_MONTH) / 7;
  const months = any(month) ? 12 : countField(month, 1, 12, MONTHS, expression);
  return (
    countField(minute, 0, 59, {}, expression) * countField(hour, 0, 23, {}, expression) * days * (months / 12)
  );
}

/** Seconds between the invocations of `rate(N unit)`; at least 1. */
function ratePeriodSeconds(n: number, unit: string): number {
  const seconds = unit === 'day' ? 86_400 : unit === 'hour' ? 3_600 : 60;
  return Math.max(1, n) * seconds;
}

const WEEKDAYS: Readonly<Record<string, number>> = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7 };
const MONTHS: Readonly<Record<string, number>> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};

/**
 * Values one cron field selects: the sum over its comma-separated items of
 * `*` (all), `a`, `a-b`, `x/n` (every n-th from x). An item with `L`, `W` or
 * `#` counts `special` (once a month, in the field's unit).
 */
function countField(
  field: string,
  min: number,
  max: number,
  names: Readonly<Record<string, number>>,
  expression: string,
  special = 1,
): number {
  const value = (token: string): number => {
    const n = names[token.toUpperCase()] ?? Number(token);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new ConfigError('schedules', `cannot read ${expression}: ${token} is not in ${min}-${max}`);
    return n;
  };
  let count = 0;
  for (const item of field.split(',')) {
    if (/#|^(\d*L|\d+W|LW)$/i.test(item)) {
      count += 1 / special;
      continue;
    }
    const [range = '', step] = item.split('/');
    const [from, to] =
      range === '*' || range === '?'
        ? [min, max]
        : range.includes('-')
          ? (range.split('-').map(value) as [number, number])
          : [value(range), step === undefined ? value(range) : max];
    const stride = step === undefined ? 1 : Number(step);
    if (!Number.isInteger(stride) || stride < 1 || to < from)
      throw new ConfigError('schedules', `cannot read ${expression}: cannot read ${item}`);
    count += Math.floor((to - from) / stride) + 1;
  }
  return count;
}

/** The organization the estimate is for. */
export interface OrgSize {
  /** Accounts scanned (after `excludeAccounts`). */
  readonly accounts: number;
  /** Taggable resources per account and region. @default COST_ASSUMPTIONS.resourcesPerAccountRegion */
  readonly resourcesPerAccountRegion?: number;
}

/** Cost Explorer requests of a day, by source. */
export interface CostExplorerBreakdown extends CostExplorerCallsInput {
  /** Scheduled runs a day of cost-anomaly and of tag-coverage (both 1 for daily crons). */
  readonly costAnomalyRunsPerDay: number;
  readonly tagCoverageRunsPerDay: number;
  readonly perDay: number;
}

/** {@link MonthlyUsage} with what it was derived from, for the command and the bench. */
export interface ConfigUsage extends MonthlyUsage {
  readonly accounts: number;
  readonly costExplorer: CostExplorerBreakdown;
  /** Probe rounds per invocation (sub-minute `intervalSeconds`). */
  readonly probeRoundsPerInvocation: number;
  /** Present when the Distributed Map runs: `needsFanOut(config)` and more accounts than `fanOutAboveAccounts`. */
  readonly fanOut?: FanOutEstimate;
  /** Whether the forwarder is deployed (forwarded sinks on a queue of our own). */
  readonly forwarder: boolean;
}

/**
 * The month's usage of a deployment of `config` in an organization of
 * `org.accounts` accounts: schedules, functions, Cost Explorer requests,
 * fan-out, forwarder, alarms and metrics, as the stacks deploy them, with the
 * durations and volumes of {@link COST_ASSUMPTIONS}. Pure.
 *
 * @example
 * monthlyCost(usageFromConfig(loadConfig('guardrails.config.yaml'), { accounts: 6 })).totalUsdPerMonth;
 * @throws ConfigError when a schedule cannot be read (see {@link invocationsPerMonth}).
 */
export function usageFromConfig(
  config: GuardrailsConfig,
  org: OrgSize,
  assumptions: CostAssumptions = COST_ASSUMPTIONS,
): ConfigUsage {
  const a = assumptions;
  const { accounts } = org;
  const regions = config.organization.regions.length;
  const pages = Math.max(
    1,
    Math.ceil((org.resourcesPerAccountRegion ?? a.resourcesPerAccountRegion) / a.resourcesPerPage),
  );
  const tagPolicy = config.tagPolicy;
  const tagRuns = tagPolicy ? invocationsPerMonth(config.schedules.tagCoverage) : 0;
  const anomalyRuns = invocationsPerMonth(config.schedules.costAnomaly);
  const policyRuns = config.costPolicy ? invocationsPerMonth(config.schedules.tagCoverage) : 0;
  // Every observer region runs its own probe function on the probe schedule.
  const observers = observerRegions(config.deployment);
  const extraRegions = observers.length - 1;
  const probeInvocations = invocationsPerMonth(config.schedules.probe) * observers.length;

  // Rounds per invocation as the probe Lambda computes them, taken from the primary observer region.
  const observer = config.deployment.observer.region;
  const probes = config.probes.filter((t) => t.regions === undefined || t.regions.includes(observer));
  const intervals = probes.flatMap((t) => (t.intervalSeconds === undefined ? [] : [t.intervalSeconds]));
  const intervalSeconds = intervals.length > 0 ? Math.min(...intervals) : 60;
  const rounds = roundsPerPeriod(intervalSeconds, schedulePeriodSeconds(config.schedules.probe));
  const probeRounds = probeInvocations * rounds;

  const fanOut =
    tagPolicy && needsFanOut(config) && shouldFanOut(config, accounts)
      ? fanOutRun({
          accounts,
          regions,
          pagesPerAccountRegion: pages,
          pageMs: a.pageMs,
          itemsPerBatch: FAN_OUT_ITEMS_PER_BATCH,
          maxConcurrency: config.organization.fanOutMaxConcurrency,
          scanConcurrency: config.organization.scanConcurrency,
          batchOverheadMs: a.batchOverheadMs,
          aggregateMs: a.aggregateBaseMs + accounts * a.aggregateMsPerAccount,
        })
      : undefined;
  const forwarder = !config.sinks.sqs.queueArn && forwardedSinks(config).length > 0;
  // Deployed whenever needsFanOut says so (the function decides per run whether to start it).
  const fanOutDeployed = tagPolicy !== undefined && needsFanOut(config);

  const costExplorer = costExplorerBreakdown(config, accounts, a, {
    anomaly: anomalyRuns / DAYS_PER_MONTH,
    tag: tagRuns / DAYS_PER_MONTH,
  });

  const events = (tagRuns + anomalyRuns) * (a.eventsPerRun + accounts * a.eventsPerAccountRun);
  const scopeRounds = Math.ceil((accounts * regions) / config.organization.scanConcurrency);
  const functions: FunctionLoad[] = [
    ...(tagPolicy
      ? [
          {
            name: 'tag-coverage',
            invocationsPerMonth: tagRuns,
            avgDurationMs: fanOut
              ? a.tagCoveragePlanMs
              : a.checkRunOverheadMs + scopeRounds * pages * a.pageMs,
            memoryMb: a.checkMemoryMb,
          },
        ]
      : []),
    {
      name: 'cost-anomaly',
      invocationsPerMonth: anomalyRuns,
      avgDurationMs: a.costAnomalyBaseMs + accounts * a.costAnomalyMsPerAccount,
      memoryMb: a.checkMemoryMb,
    },
    {
      name: 'probe',
      invocationsPerMonth: probeInvocations,
      // A sub-minute probe waits between its rounds inside one invocation.
      avgDurationMs: (rounds - 1) * intervalSeconds * 1000 + a.probeRoundMs,
      memoryMb: a.probeMemoryMb,
    },
    ...(config.costPolicy
      ? [
          {
            // One Config query per rule kind, then one log-group page per account and region.
            name: 'cost-policy',
            invocationsPerMonth: policyRuns,
            avgDurationMs: a.checkRunOverheadMs + scopeRounds * a.pageMs,
            memoryMb: a.checkMemoryMb,
          },
        ]
      : []),
    ...(fanOut
      ? [
          {
            name: 'scan-account',
            invocationsPerMonth: fanOut.scanInvocations * tagRuns,
            avgDurationMs: fanOut.batchMs,
            memoryMb: a.checkMemoryMb,
          },
          {
            name: 'aggregate',
            invocationsPerMonth: tagRuns,
            avgDurationMs: a.aggregateBaseMs + accounts * a.aggregateMsPerAccount,
            memoryMb: a.aggregateMemoryMb,
          },
        ]
      : []),
    ...(forwarder
      ? [
          {
            name: 'forwarder',
            invocationsPerMonth: events,
            avgDurationMs: a.forwarderMs,
            memoryMb: a.forwarderMemoryMb,
          },
        ]
      : []),
  ];
  const checkRuns = tagRuns + anomalyRuns + policyRuns;
  const fanOutObjects = fanOut ? (accounts + 2 + fanOut.batches / 10) * tagRuns : 0;
  return {
    accounts,
    functions,
    schedulerInvocations: tagRuns + anomalyRuns + policyRuns + probeInvocations,
    costExplorerCallsPerDay: costExplorer.perDay,
    costExplorer,
    probeRoundsPerInvocation: rounds,
    ...(fanOut && { fanOut }),
    forwarder,
    stateTransitions: fanOut ? fanOut.stateTransitions * tagRuns : 0,
    dynamoWrites:
      probeRounds * a.probeWritesPerRound +
      checkRuns * a.checkWritesPerRun +
      tagRuns * accounts * a.ownersPerAccount,
    dynamoReads:
      probeRounds * a.probeReadsPerRound +
      checkRuns * a.checkReadsPerRun +
      tagRuns * accounts * a.ownersPerAccount,
    sqsRequests: events + (forwarder ? a.forwarderPollsPerDay * DAYS_PER_MONTH : 0),
    // Each further observer region has its own key, probe dashboard and heartbeat alarm.
    kmsKeys: a.kmsKeys + extraRegions,
    kmsRequests:
      probeInvocations * a.kmsRequestsPerProbeInvocation +
      (fanOut ? fanOut.batches * a.kmsRequestsPerBatch * tagRuns : 0),
    dashboards: a.dashboards + extraRegions,
    alarmMetrics: alarmMetrics(config, fanOutDeployed, forwarder) + extraRegions,
    customMetrics:
      a.fixedCustomMetrics +
      probes.length * 2 +
      (fanOutDeployed ? a.fanOutCustomMetrics : 0) +
      (config.costPolicy ? a.costPolicyCustomMetrics : 0),
    s3Puts: fanOutObjects,
    s3Gets: fanOutObjects,
    logsGb:
      (probeRounds * a.probeLogBytesPerRound +
        (fanOut ? fanOut.batches * a.batchLogBytes * tagRuns : 0) +
        (forwarder ? events * a.forwarderLogBytes : 0)) /
        1e9 +
      a.checkLogsGbPerMonth,
  };
}

/**
 * Cost Explorer requests of a day: per cost-anomaly run, 1 (account, service)
 * series query and its extra pages, 1 per workload that needs its own query
 * ({@link planWorkloadQueries}: tag keys shared by tag-only workloads, and
 * mixed filters), the driver lookups and GetAnomalies; per tag-coverage run,
 * one spend query per required tag key when `useCostExplorerTags`.
 */
function costExplorerBreakdown(
  config: GuardrailsConfig,
  accounts: number,
  a: CostAssumptions,
  runsPerDay: { anomaly: number; tag: number },
): CostExplorerBreakdown {
  const per1000 = (pagesPer1000: number) => Math.max(1, Math.ceil((accounts * pagesPer1000) / 1000));
  const plan = planWorkloadQueries(config.workloads.map((w) => ({ name: w.name, filter: w.costFilter })));
  const tagKeys = config.tagPolicy?.useCostExplorerTags ? config.tagPolicy.requiredTags.length : 0;
  const input: CostExplorerCallsInput = {
    seriesPages: per1000(a.seriesPagesPer1000Accounts),
    workloadQueries: plan.byTagKey.size + plan.filtered.length,
    driverLookups: Math.min(
      MAX_DRIVER_LOOKUPS,
      Math.round(a.driverLookupsBase + accounts * a.driverLookupsPerAccount),
    ),
    getAnomalies: config.anomaly.useAwsAnomalies ? 1 : 0,
    requiredTagKeys: tagKeys,
    tagSpendPagesPerKey: per1000(a.tagSpendPagesPer1000Accounts),
  };
  const anomalyCalls = costExplorerCallsPerDay({ ...input, requiredTagKeys: 0 });
  const tagCalls = input.requiredTagKeys * input.tagSpendPagesPerKey;
  // The cost-policy check runs on the tag-coverage schedule, with or without a tag policy.
  const policyRunsPerDay = invocationsPerMonth(config.schedules.tagCoverage) / DAYS_PER_MONTH;
  const resourceCostQueries = config.costPolicy ? RESOURCE_COST_SERVICES.length : 0;
  return {
    ...input,
    resourceCostQueries,
    costAnomalyRunsPerDay: runsPerDay.anomaly,
    tagCoverageRunsPerDay: runsPerDay.tag,
    perDay:
      anomalyCalls * runsPerDay.anomaly + tagCalls * runsPerDay.tag + resourceCostQueries * policyRunsPerDay,
  };
}

/**
 * Metrics watched by the alarms the stacks synthesize: each function's
 * errors; the incident queue's age and dead letters (a queue of our own);
 * the schedule dead letters; scan gaps of tag-coverage (2 metrics with the
 * aggregator) and cost-anomaly; the fan-out's failed executions; the probe
 * heartbeat.
 */
function alarmMetrics(config: GuardrailsConfig, fanOutDeployed: boolean, forwarder: boolean): number {
  const checks = (config.tagPolicy ? 2 : 1) + (config.costPolicy ? 1 : 0);
  const functionErrors = checks + (fanOutDeployed ? 2 : 0) + (forwarder ? 1 : 0);
  const queue = config.sinks.sqs.queueArn ? 0 : 2;
  const scanGaps = 1 + (config.tagPolicy ? (fanOutDeployed ? 2 : 1) : 0) + (config.costPolicy ? 1 : 0);
  return functionErrors + queue + 1 + scanGaps + (fanOutDeployed ? 1 : 0) + 1;
}
