import * as z from 'zod/mini';
import { DynamoDbStateStore } from '../adapters/aws/dynamodb-state.js';
import { durationMs } from '../config/duration.js';
import { formatIssues } from '../config/issue-format.js';
import type { GuardrailsConfig } from '../config/schema.js';
import { ConfigError } from '../core/errors.js';
import type { Sink, StateStore } from '../core/ports.js';
import '../core/zod-locale.js';
import { lambdaConfigFromEnv } from './lambda-config.js';
import { onFirstDelivery } from './lazy-sink.js';
import type { ReportPublisher } from './report-publisher-env.js';

export { bundledConfig, CONFIG_GLOBAL } from './bundled-config.js';
export { lambdaConfigFromEnv } from './lambda-config.js';

/** What the stacks put in every function's environment. Secrets never appear here: only ARNs. */
const lambdaEnvSchema = z.object({
  STATE_TABLE_NAME: z.string().check(z.minLength(3)),
  INCIDENT_QUEUE_URL: z.string().check(z.url()),
});

export interface LambdaPorts {
  readonly config: GuardrailsConfig;
  readonly state: StateStore;
  readonly sinks: Sink[];
  /** Writes the latest report after each run (env REPORTS_BUCKET; see withReportPublisher); absent when not configured. */
  readonly report?: ReportPublisher;
}

/**
 * Builds config, state and the incident-queue sink from the environment.
 * Called once per container, at cold start, by each handler.
 */
export async function lambdaPortsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: { readonly partitionOf?: (check: string, config: GuardrailsConfig) => string } = {},
): Promise<LambdaPorts> {
  const parsed = lambdaEnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError('environment', formatIssues(parsed.error.issues).join('; '));
  const config = await lambdaConfigFromEnv(env);
  return {
    config,
    state: new DynamoDbStateStore({
      tableName: parsed.data.STATE_TABLE_NAME,
      resolvedRetentionMs: durationMs(config.state.resolvedRetention),
      ...(options.partitionOf && {
        partitionOf: (check: string) => options.partitionOf?.(check, config) ?? check,
      }),
    }),
    // The SQS client loads on the first delivery: a run with nothing to send never needs it.
    sinks: [
      onFirstDelivery('sqs', async () => {
        const { SqsSink } = await import('../adapters/aws/sqs-sink.js');
        return new SqsSink({ queue: parsed.data.INCIDENT_QUEUE_URL });
      }),
    ],
  };
}

/** The event every scheduled invocation carries (EventBridge Scheduler target input). */
export const scheduledEventSchema = z.looseObject({
  /** Overrides the clock, for replays and tests. */
  now: z.optional(z.iso.datetime({ offset: true })),
  /** `<aws.scheduler.scheduled-time>`: the same on every retry of one scheduled run. */
  scheduledTime: z.optional(z.iso.datetime({ offset: true })),
});

/**
 * The time a run judges at: `now` when replaying, else the schedule's own
 * time, so a retried invocation (Scheduler or Lambda async retry) judges the
 * same moment and derives the same run id; the clock only when invoked by hand.
 */
export function invocationTime(
  event: { now?: string | undefined; scheduledTime?: string | undefined },
  clock = () => new Date(),
): Date {
  const at = event.now ?? event.scheduledTime;
  return at ? new Date(at) : clock();
}
