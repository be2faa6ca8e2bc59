/**
 * What running finops-guardrails costs per month, as plain arithmetic over
 * stated assumptions: no AWS calls, no clock. The README's cost table and the
 * org-scale bench both come from here.
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
 * monthlyCost(exampleUsage()).totalUsdPerMonth; // about 30
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

/**
 * The example config (examples/demo-org): tag-coverage and cost-anomaly
 * daily, the probe every minute, no forwarder (no PagerDuty/Slack/EventBridge
 * sink), the state machine deployed but idle (the demo org is far below
 * fanOutAboveAccounts). Assumed durations: tag-coverage 30 s, cost-anomaly
 * 20 s (1024 MB), probe 1 s (512 MB). Two KMS keys (DataKey, ProbeKey), two
 * dashboards, 12 alarm metrics (as synthesized), about 45 EMF metrics.
 */
export function exampleUsage(): MonthlyUsage {
  const probeInvocations = MINUTES_PER_MONTH;
  return {
    functions: [
      { name: 'tag-coverage', invocationsPerMonth: DAYS_PER_MONTH, avgDurationMs: 30_000, memoryMb: 1024 },
      { name: 'cost-anomaly', invocationsPerMonth: DAYS_PER_MONTH, avgDurationMs: 20_000, memoryMb: 1024 },
      { name: 'probe', invocationsPerMonth: probeInvocations, avgDurationMs: 1_000, memoryMb: 512 },
    ],
    schedulerInvocations: probeInvocations + 2 * DAYS_PER_MONTH,
    costExplorerCallsPerDay: costExplorerCallsPerDay({
      seriesPages: 1,
      // checkout, search-api and nightly-etl are filtered by account only: summed from the series.
      workloadQueries: 0,
      driverLookups: 2,
      getAnomalies: 1,
      requiredTagKeys: 3,
      tagSpendPagesPerKey: 1,
    }),
    stateTransitions: 0,
    // Probe: ~3 reads and 1 write per round; checks: a few hundred items per run.
    dynamoWrites: probeInvocations + 2 * DAYS_PER_MONTH * 200,
    dynamoReads: probeInvocations * 3 + 2 * DAYS_PER_MONTH * 400,
    sqsRequests: 2 * DAYS_PER_MONTH * 10,
    kmsKeys: 2,
    kmsRequests: probeInvocations * 2,
    dashboards: 2,
    alarmMetrics: 12,
    customMetrics: 45,
    s3Puts: 0,
    s3Gets: 0,
    logsGb: (probeInvocations * 2_000) / 1e9 + 0.05,
  };
}

/** Assumptions of {@link organizationUsage}; each is stated in the README. */
export const ORG_ASSUMPTIONS = {
  regions: 2,
  /** ~2,000 taggable resources per account and region: 20 pages of 100. */
  pagesPerAccountRegion: 20,
  pageMs: 100,
  itemsPerBatch: 5,
  maxConcurrency: 40,
  scanConcurrency: 8,
  batchOverheadMs: 2_000,
  aggregateMs: 90_000,
  /** Pages of the 90-day DAILY series grouped by LINKED_ACCOUNT and SERVICE: assumed, not documented by AWS. */
  seriesPagesPer1000Accounts: 20,
  tagSpendPagesPer1000Accounts: 1,
} as const;

/** A simulated organization fanning out daily: the example's checks and probe, plus the Distributed Map. */
export function organizationUsage(
  accounts: number,
  assumptions: typeof ORG_ASSUMPTIONS = ORG_ASSUMPTIONS,
): { usage: MonthlyUsage; run: FanOutEstimate } {
  const run = fanOutRun({ accounts, ...assumptions });
  const base = exampleUsage();
  const per1000 = Math.ceil(accounts / 1000);
  const scanBatchMs = run.batchMs;
  return {
    run,
    usage: {
      ...base,
      functions: [
        // In fan-out mode tag-coverage only lists accounts, writes the plan and starts the execution.
        { name: 'tag-coverage', invocationsPerMonth: DAYS_PER_MONTH, avgDurationMs: 10_000, memoryMb: 1024 },
        { name: 'cost-anomaly', invocationsPerMonth: DAYS_PER_MONTH, avgDurationMs: 60_000, memoryMb: 1024 },
        { name: 'probe', invocationsPerMonth: MINUTES_PER_MONTH, avgDurationMs: 1_000, memoryMb: 512 },
        {
          name: 'scan-account',
          invocationsPerMonth: run.scanInvocations * DAYS_PER_MONTH,
          avgDurationMs: scanBatchMs,
          memoryMb: 1024,
        },
        {
          name: 'aggregate',
          invocationsPerMonth: DAYS_PER_MONTH,
          avgDurationMs: assumptions.aggregateMs,
          memoryMb: 3008,
        },
      ],
      costExplorerCallsPerDay: costExplorerCallsPerDay({
        seriesPages: per1000 * assumptions.seriesPagesPer1000Accounts,
        workloadQueries: 0,
        driverLookups: 20,
        getAnomalies: 1,
        requiredTagKeys: 3,
        tagSpendPagesPerKey: per1000 * assumptions.tagSpendPagesPer1000Accounts,
      }),
      stateTransitions: run.stateTransitions * DAYS_PER_MONTH,
      // One digest per owner per account: ~3 owners × accounts, read and written each run.
      dynamoWrites: base.dynamoWrites + accounts * 3 * DAYS_PER_MONTH,
      dynamoReads: base.dynamoReads + accounts * 3 * DAYS_PER_MONTH,
      sqsRequests: base.sqsRequests + accounts * 0.1 * DAYS_PER_MONTH,
      kmsRequests: base.kmsRequests + run.batches * 10 * DAYS_PER_MONTH,
      // Per run: the plan, one scan per account, the Map's manifest and result files.
      s3Puts: (accounts + 2 + run.batches / 10) * DAYS_PER_MONTH,
      s3Gets: (accounts + 2 + run.batches / 10) * DAYS_PER_MONTH,
      customMetrics: base.customMetrics + 13,
      logsGb: base.logsGb + (run.batches * 20_000 * DAYS_PER_MONTH) / 1e9,
    },
  };
}
