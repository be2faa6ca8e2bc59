import { SnsSink } from '../adapters/aws/sns-sink.js';
import { SqsSink } from '../adapters/aws/sqs-sink.js';
import { JsonlSink } from '../adapters/file/jsonl-sink.js';
import type { GuardrailsConfig } from '../config/schema.js';
import type { CheckName } from '../core/constants.js';
import type { Envelope } from '../core/envelope.js';
import type { Sink } from '../core/ports.js';
import type { SourceMode } from './check-registry.js';
import { forwarderSinks } from './forwarder-sinks.js';
import { incidentQueueArn } from './incident-queue.js';

/** Passes on only the events of some checks: the probe's own paging topic takes probe events alone. */
export class CheckFilterSink implements Sink {
  readonly name: string;
  constructor(
    private readonly inner: Sink,
    private readonly checks: ReadonlySet<CheckName>,
  ) {
    this.name = inner.name;
  }
  async deliver(events: readonly Envelope[]): Promise<void> {
    const chosen = events.filter((e) => this.checks.has(e.data.check));
    if (chosen.length > 0) await this.inner.deliver(chosen);
  }
}

export interface ConfiguredSinkOptions {
  readonly mode: SourceMode;
  /** The caller's account, for the incident queue's ARN when the config names no tooling account. */
  readonly callerAccountId?: () => Promise<string>;
  /** Reads a secret (routing key, webhook URL); default Secrets Manager. */
  readonly readSecret?: (arn: string) => Promise<string>;
}

/**
 * The sinks named in config. A local file run never writes to the real
 * incident queue: it delivers to `jsonl` only. `--source aws` delivers
 * where the deployed functions would: the incident queue, the forwarder's
 * PagerDuty, Slack and EventBridge, and the probe's SNS paging topic (probe
 * events only, as in the observer account).
 */
export async function configuredSinks(
  config: GuardrailsConfig,
  options: ConfiguredSinkOptions,
): Promise<Sink[]> {
  const sinks: Sink[] = [];
  if (config.sinks.jsonl) sinks.push(new JsonlSink(config.sinks.jsonl.path));
  if (options.mode !== 'aws') return sinks;
  const caller = options.callerAccountId ?? (async () => '');
  const needsCaller = !config.sinks.sqs.queueArn && !config.organization.toolingAccountId;
  sinks.push(
    new SqsSink({
      queue: incidentQueueArn(config, needsCaller ? await caller() : ''),
      name: 'incident-queue',
    }),
  );
  sinks.push(...forwarderSinks(config, options.readSecret));
  if (config.sinks.sns) {
    const sns = new SnsSink({
      topicArn: config.sinks.sns.topicArn,
      minSeverity: config.sinks.sns.minSeverity,
    });
    sinks.push(new CheckFilterSink(sns, new Set(['probe'])));
  }
  return sinks;
}
