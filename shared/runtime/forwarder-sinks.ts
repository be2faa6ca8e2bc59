import { PagerDutyEventsSink } from '../adapters/pagerduty/events-v2.js';
import { SlackWebhookSink } from '../adapters/slack/webhook-sink.js';
import type { GuardrailsConfig } from '../config/schema.js';
import type { Sink } from '../core/ports.js';
import { lazySecretValue } from './lazy-secret.js';
import { onFirstDelivery } from './lazy-sink.js';

/** The EventBridge sink, its client loaded and built on the first delivery. */
function lazyEventBridgeSink(eventBusArn: string): Sink {
  return onFirstDelivery('eventbridge', async () => {
    const { EventBridgeSink } = await import('../adapters/aws/eventbridge-sink.js');
    return new EventBridgeSink({ eventBusArn });
  });
}

/**
 * The sinks the forwarder delivers to: PagerDuty, Slack and EventBridge as
 * configured. Secrets (routing key, webhook URL) are read on first use and
 * cached per container; the AWS clients load on first use too.
 */
export function forwarderSinks(
  config: GuardrailsConfig,
  readSecret: (arn: string) => Promise<string> = lazySecretValue,
): Sink[] {
  const { pagerduty, slack, eventbridge } = config.sinks;
  const sinks: Sink[] = [];
  if (pagerduty)
    sinks.push(
      new PagerDutyEventsSink({
        routingKey: () => readSecret(pagerduty.routingKeySecretArn),
        minSeverity: pagerduty.minSeverity,
      }),
    );
  if (slack) sinks.push(new SlackWebhookSink({ webhookUrl: () => readSecret(slack.webhookSecretArn) }));
  if (eventbridge) sinks.push(lazyEventBridgeSink(eventbridge.eventBusArn));
  return sinks;
}
