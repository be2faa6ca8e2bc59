import { type MessageAttributeValue, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Envelope } from '../../core/envelope.js';
import { DeliveryError } from '../../core/errors.js';
import type { Sink } from '../../core/ports.js';
import { type Severity, severityRank } from '../../core/severity.js';
import { type AwsClientOptions, awsClient } from './clients.js';

/** SNS limits: Subject under 100 characters; a message (attributes included) 256 KB. */
const SUBJECT_MAX = 99;
const MESSAGE_MAX_BYTES = 262_144;
const SMS_MAX = 140;

export interface SnsSinkOptions {
  readonly topicArn: string;
  /** Default: {@link awsClient}(SNSClient) in the topic's region. */
  readonly client?: SNSClient;
  readonly clientOptions?: AwsClientOptions;
  /** Events below this are not published, triggers and resolves alike; default `error`. */
  readonly minSeverity?: Severity;
  /** Default `sns`. */
  readonly name?: string;
}

/** `[TRIGGER critical] checkout-api DOWN from …`, printable ASCII and under 100 characters. */
export function snsSubject(envelope: Envelope): string {
  const text = `[${envelope.action.toUpperCase()} ${envelope.severity}] ${envelope.data.summary}`
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  return text.length <= SUBJECT_MAX ? text : `${text.slice(0, SUBJECT_MAX - 3).trimEnd()}...`;
}

/** The message a person reads in e-mail: the summary first, then where to look. */
export function snsHumanMessage(envelope: Envelope): string {
  const { data } = envelope;
  const lines = [
    data.summary,
    '',
    `${envelope.action === 'trigger' ? 'Triggered' : 'Resolved'} (${envelope.severity}) at ${envelope.time}`,
    `Subject: ${envelope.subject}`,
    `Check: ${data.check}/${data.rule}, first seen ${data.firstSeen}`,
    `Dedup key: ${envelope.dedupkey} (event ${envelope.id}, sequence ${envelope.sequence})`,
    ...Object.entries(data.links ?? {}).map(([name, href]) => `${name}: ${href}`),
  ];
  return lines.join('\n');
}

/**
 * The probe's own paging path: one SNS Publish per event. The message uses
 * `MessageStructure: json` so each kind of subscriber gets its own form:
 * e-mail a short human message, SMS the summary, and every other protocol
 * (SQS, Lambda, HTTP(S), Firehose, e-mail-JSON) the `default`: the envelope
 * JSON they can validate. The envelope appears once, so any event within the
 * event budget (`EVENT_MAX_BYTES`) fits SNS's 256 KB. `type`, `severity`, `action` and `dedupkey` are also
 * message attributes for subscription filter policies. On a FIFO topic the
 * group is the dedupkey and the deduplication id the event id.
 *
 * @example
 * const sink = new SnsSink({ topicArn: process.env.PAGING_TOPIC_ARN ?? '' });
 */
export class SnsSink implements Sink {
  readonly name: string;
  readonly topicArn: string;
  readonly #client: SNSClient;
  readonly #minRank: number;
  readonly #fifo: boolean;

  constructor(options: SnsSinkOptions) {
    this.name = options.name ?? 'sns';
    this.topicArn = options.topicArn;
    this.#minRank = severityRank(options.minSeverity ?? 'error');
    this.#fifo = options.topicArn.endsWith('.fifo');
    const region = /^arn:[\w-]+:sns:([\w-]+):/.exec(options.topicArn)?.[1];
    this.#client =
      options.client ?? awsClient(SNSClient, { ...options.clientOptions, ...(region && { region }) });
  }

  async deliver(events: readonly Envelope[]): Promise<void> {
    const failures: string[] = [];
    const undelivered: string[] = [];
    let cause: unknown;
    // One at a time and in order: a trigger must not arrive after its resolve.
    for (const event of events) {
      if (severityRank(event.severity) < this.#minRank) continue;
      const command = this.#command(event);
      if (!command) {
        undelivered.push(event.id);
        failures.push(`${event.id}: message over the SNS 256 KB limit; not sent`);
        continue;
      }
      try {
        await this.#client.send(command);
      } catch (error) {
        cause ??= error;
        undelivered.push(event.id);
        failures.push(
          `${event.id}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        );
      }
    }
    if (undelivered.length > 0) {
      throw new DeliveryError(
        `${this.name}: ${undelivered.length} event(s) not published: ${failures.join('; ')}`,
        undelivered,
        {
          cause,
        },
      );
    }
  }

  #command(event: Envelope): PublishCommand | undefined {
    const human = snsHumanMessage(event);
    const machine = JSON.stringify(event);
    const message = JSON.stringify({
      default: machine,
      email: human,
      sms: event.data.summary.slice(0, SMS_MAX),
    });
    const attributes: Record<string, MessageAttributeValue> = {
      type: { DataType: 'String', StringValue: event.type },
      severity: { DataType: 'String', StringValue: event.severity },
      action: { DataType: 'String', StringValue: event.action },
      dedupkey: { DataType: 'String', StringValue: event.dedupkey },
    };
    const attributeBytes = Object.entries(attributes).reduce(
      (sum, [name, value]) => sum + Buffer.byteLength(`${name}String${value.StringValue ?? ''}`),
      0,
    );
    if (Buffer.byteLength(message) + attributeBytes > MESSAGE_MAX_BYTES) return undefined;
    return new PublishCommand({
      TopicArn: this.topicArn,
      Subject: snsSubject(event),
      Message: message,
      MessageStructure: 'json',
      MessageAttributes: attributes,
      ...(this.#fifo && { MessageGroupId: event.dedupkey, MessageDeduplicationId: event.id }),
    });
  }
}
