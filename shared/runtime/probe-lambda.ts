import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod/mini';
import { DynamoDbQuorumStore } from '../adapters/aws/probe-quorum-store.js';
import { PagerDutyEventsSink } from '../adapters/pagerduty/events-v2.js';
import { createHttpProbeTransport, type ProbeTransport } from '../adapters/probe/http-transport.js';
import { probeCheck } from '../checks/probe/check.js';
import { PROBE_METRICS, type ProbeObservations } from '../checks/probe/evaluate.js';
import { type CachedSecretReader, cachedSecretReader } from '../checks/probe/header-secrets.js';
import { roundsPerPeriod, runProbeRounds, schedulePeriodSeconds } from '../checks/probe/rounds.js';
import { formatIssues } from '../config/issue-format.js';
import { ConfigError } from '../core/errors.js';
import type { Check } from '../core/ports.js';
import { SEVERITIES } from '../core/severity.js';
import '../core/zod-locale.js';
import { type LambdaPorts, lambdaPortsFromEnv } from './lambda-env.js';
import { lazySecretReader, lazySecretValue } from './lazy-secret.js';
import { onFirstDelivery } from './lazy-sink.js';
import { lambdaLog, logger, metrics } from './middleware.js';

/** The `service` dimension of the probe's own metrics: ProbeStack's heartbeat alarm selects on it. */
export const PROBE_SERVICE = 'probe';
/** Kept free before the Lambda deadline, besides the longest probe timeout: state load, delivery, commit. */
export const DEADLINE_MARGIN_MS = 5_000;
/** Seconds between rounds when no target sets `intervalSeconds`: one round per scheduled minute. */
const DEFAULT_INTERVAL_SECONDS = 60;

/** What ProbeStack puts in the probe function's environment, besides the table and the queue. */
const probeEnvSchema = z.object({
  STATE_TABLE_NAME: z.string().check(z.minLength(3)),
  PAGING_TOPIC_ARN: z
    .string()
    .check(z.regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+(\.fifo)?$/, 'not an SNS topic ARN')),
  PAGERDUTY_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  PROBE_LOCATION: z.optional(z.string().check(z.minLength(1))),
  AWS_REGION: z.optional(z.string().check(z.minLength(1))),
});

/** Everything one probe container needs, built once at cold start. */
export interface ProbeLambda extends LambdaPorts {
  readonly check: Check<ProbeObservations>;
  /** This observer's location (its region unless PROBE_LOCATION says otherwise). */
  readonly location: string;
  readonly rounds: number;
  readonly intervalSeconds: number;
  /** The longest `timeoutMs` of the targets probed here: no round starts closer than this to the deadline. */
  readonly longestTimeoutMs: number;
  /** Secret header values, read once per invocation (cleared at its start, so a rotation is picked up). */
  readonly secrets: CachedSecretReader;
}

/**
 * Builds the observer account's probe from the environment: the bundled
 * config, its own state table (also the quorum store), and the sinks in
 * delivery order: the shared incident queue (cross-account), its own SNS
 * paging topic and, when a secret is given, PagerDuty.
 *
 * @example
 * const probe = await probeLambdaFromEnv(); // at cold start
 */
export async function probeLambdaFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  transport: ProbeTransport = createHttpProbeTransport(),
): Promise<ProbeLambda> {
  const parsed = probeEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError('environment', formatIssues(parsed.error.issues).join('; '));
  const location = parsed.data.PROBE_LOCATION ?? parsed.data.AWS_REGION;
  if (!location) throw new ConfigError('environment', 'PROBE_LOCATION or AWS_REGION must name the location');
  // Each location keeps its own failure streaks and incidents in the shared (global) table;
  // only the quorum store's records are read across locations.
  // The primary observer region keeps the plain `probe` partition, so a single-region deployment's
  // state (and its open pages) carries over when regions are added.
  const ports = await lambdaPortsFromEnv(env, {
    partitionOf: (check, config) =>
      location === config.deployment.observer.region ? check : `${check}@${location}`,
  });
  const { config } = ports;
  const sinks = [
    ...ports.sinks,
    // Most rounds page nobody: the SNS client loads on the first page.
    onFirstDelivery('sns', async () => {
      const { SnsSink } = await import('../adapters/aws/sns-sink.js');
      return new SnsSink({
        topicArn: parsed.data.PAGING_TOPIC_ARN,
        minSeverity: config.sinks.sns?.minSeverity ?? 'error',
      });
    }),
  ];
  const secretArn = parsed.data.PAGERDUTY_SECRET_ARN;
  if (secretArn) {
    sinks.push(
      new PagerDutyEventsSink({
        routingKey: () => lazySecretValue(secretArn),
        minSeverity: config.sinks.pagerduty?.minSeverity ?? 'error',
      }),
    );
  } else if (config.sinks.pagerduty) {
    logger.warn('sinks.pagerduty is configured but PAGERDUTY_SECRET_ARN is not set: paging through SNS only');
  }
  const targets = config.probes.filter((t) => t.regions === undefined || t.regions.includes(location));
  const secrets = cachedSecretReader(lazySecretReader());
  const intervals = targets.flatMap((t) => (t.intervalSeconds === undefined ? [] : [t.intervalSeconds]));
  const intervalSeconds = intervals.length > 0 ? Math.min(...intervals) : DEFAULT_INTERVAL_SECONDS;
  return {
    config,
    state: ports.state,
    sinks,
    check: probeCheck({
      transport,
      location,
      quorum: new DynamoDbQuorumStore({ tableName: parsed.data.STATE_TABLE_NAME }),
      secrets,
    }),
    secrets,
    location,
    intervalSeconds,
    rounds: roundsPerPeriod(intervalSeconds, schedulePeriodSeconds(config.schedules.probe)),
    longestTimeoutMs: Math.max(0, ...targets.map((t) => t.timeoutMs)),
  };
}

export interface ProbeInvocation {
  /** `context.getRemainingTimeInMillis()` at the start of the invocation. */
  readonly remainingMs: number;
  /** The event's `now`: replays run on a clock shifted to it. */
  readonly now?: string;
  /** Waits between rounds; tests pass a fake. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ProbeInvocationSummary {
  readonly check: 'probe';
  readonly location: string;
  readonly rounds: number;
  readonly failedRounds: number;
  readonly events: number;
  readonly failing: number;
}

/**
 * Runs the probe's rounds for one scheduled invocation, each a full pipeline
 * run (deliver, then commit), and stops starting rounds before the Lambda
 * deadline. A round whose delivery failed (SNS down) commits nothing, so the
 * next round re-sends its events; the invocation throws only when the last
 * round failed. Each round's availability and latency are published per
 * probe as it is judged, delivered or not; `ProbeHeartbeat` once the
 * invocation has delivered, so the heartbeat alarm also catches a probe that
 * runs but cannot page.
 */
export async function runProbeInLambda(
  probe: ProbeLambda,
  invocation: ProbeInvocation,
): Promise<ProbeInvocationSummary> {
  probe.secrets.clear();
  const offset = invocation.now ? Date.parse(invocation.now) - Date.now() : 0;
  const clock = () => new Date(Date.now() + offset);
  const start = clock().getTime();
  // The first round always runs; later ones only if a whole probe and the delivery still fit.
  const stopAt = new Date(
    Math.max(start, start + invocation.remainingMs - probe.longestTimeoutMs - DEADLINE_MARGIN_MS),
  );
  const { reports, failures } = await runProbeRounds(
    publishingRoundMetrics(probe.check),
    {
      config: probe.config,
      state: probe.state,
      sinks: probe.sinks,
      log: lambdaLog,
      // A round's lease lasts no longer than this invocation can: a crashed invocation must not
      // keep the next minute's probe from running.
      leaseTtlMs: invocation.remainingMs + DEADLINE_MARGIN_MS,
    },
    {
      rounds: probe.rounds,
      intervalSeconds: probe.intervalSeconds,
      clock,
      sleep: invocation.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      stopAt,
    },
  );
  const last = reports[reports.length - 1];
  metrics.addDimension('check', 'probe');
  for (const severity of SEVERITIES) {
    metrics.addMetric(
      `Findings_${severity}`,
      MetricUnit.Count,
      last?.findings.filter((f) => f.severity === severity).length ?? 0,
    );
  }
  const events = reports.reduce((sum, r) => sum + r.events.length, 0);
  metrics.addMetric('EventsDelivered', MetricUnit.Count, events);
  metrics.addMetric('ScanGaps', MetricUnit.Count, last?.scope.failed.length ?? 0);
  metrics.addMetric('ProbeRoundsFailed', MetricUnit.Count, failures.length);
  if (last) probeMetric().addMetric(PROBE_METRICS.heartbeat, MetricUnit.Count, 1);
  const summary: ProbeInvocationSummary = {
    check: 'probe',
    location: probe.location,
    rounds: reports.length + failures.length,
    failedRounds: failures.length,
    events,
    failing: last?.metrics[PROBE_METRICS.failing] ?? 0,
  };
  logger.info('probe rounds complete', { ...summary });
  return summary;
}

/** A single-metric emitter under `service=probe`, plus `probe=<name>` for a per-probe figure. */
function probeMetric(probe?: string) {
  const single = metrics.singleMetric();
  // Default dimensions, because a single metric clears the others after each (immediate) flush.
  single.setDefaultDimensions({ service: PROBE_SERVICE, ...(probe && { probe }) });
  return single;
}

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

const UNITS: Readonly<Record<string, Unit>> = {
  [PROBE_METRICS.availability]: MetricUnit.NoUnit,
  [PROBE_METRICS.latency]: MetricUnit.Milliseconds,
  [PROBE_METRICS.failing]: MetricUnit.Count,
};

/**
 * The check with its evaluation's figures published as each round is
 * judged: `ProbeAvailability.<name>` becomes `ProbeAvailability` with
 * dimension `probe=<name>`. The heartbeat is left to the invocation.
 */
function publishingRoundMetrics(check: Check<ProbeObservations>): Check<ProbeObservations> {
  return {
    ...check,
    evaluate(observations, ctx) {
      const evaluation = check.evaluate(observations, ctx);
      for (const [key, value] of Object.entries(evaluation.metrics ?? {})) {
        if (key === PROBE_METRICS.heartbeat) continue;
        const dot = key.indexOf('.');
        const name = dot < 0 ? key : key.slice(0, dot);
        probeMetric(dot < 0 ? undefined : key.slice(dot + 1)).addMetric(
          name,
          UNITS[name] ?? MetricUnit.NoUnit,
          value,
        );
      }
      return evaluation;
    },
  };
}
