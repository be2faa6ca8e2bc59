import { EventBridgeSink } from '../adapters/aws/eventbridge-sink.js';
import { secretValue } from '../adapters/aws/secrets.js';
import { PagerDutyEventsSink } from '../adapters/pagerduty/events-v2.js';
import { SlackWebhookSink } from '../adapters/slack/webhook-sink.js';
import type { GuardrailsConfig } from '../config/schema.js';
import type { Sink } from '../core/ports.js';

/**
 * The sinks the forwarder delivers to: PagerDuty, Slack and EventBridge as
 * configured. Secrets (routing key, webhook URL) are read on first use and
 * cached per container.
 */
export function forwarderSinks(
  config: GuardrailsConfig,
  readSecret: (arn: string) => Promise<string> = secretValue,
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
  if (eventbridge) sinks.push(new EventBridgeSink({ eventBusArn: eventbridge.eventBusArn }));
  return sinks;
}
