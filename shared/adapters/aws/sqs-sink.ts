import {
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Envelope } from '../../core/envelope.js';
import { ConfigError, DeliveryError } from '../../core/errors.js';
import type { Sink } from '../../core/ports.js';
import { isRetryableAwsError, type RetryPolicy, retryRemaining } from './backoff.js';
import { type AwsClientOptions, awsClient } from './clients.js';

/** SQS's own cap on entries per SendMessageBatch. */
export const SQS_MAX_BATCH_ENTRIES = 10;
/**
 * 256 KiB, for one message and for a whole batch. SQS raised both to 1 MiB in
 * 2025, but a queue's `MaximumMessageSize` may still be 256 KiB (the old
 * default, and what an imported reliability queue is likely to have), so this
 * is the safe default; raise it with `maxPayloadBytes` for a 1 MiB queue.
 */
export const SQS_DEFAULT_MAX_PAYLOAD_BYTES = 262_144;

const DNS_SUFFIX: Readonly<Record<string, string>> = {
  aws: 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
  // The SDK resolves SQS in eusc-de-east-1 to sqs.eusc-de-east-1.amazonaws.eu.
  'aws-eusc': 'amazonaws.eu',
};

export interface SqsQueueRef {
  readonly url: string;
  /** Parsed from the ARN or the URL's host; undefined for a custom host. */
  readonly region: string | undefined;
  readonly fifo: boolean;
}

/**
 * Accepts a queue URL or a queue ARN. An ARN becomes the service's queue URL,
 * `https://sqs.<region>.<dnsSuffix>/<account>/<name>`: that host equals the
 * endpoint the SDK resolves for the region, so the SDK's `useQueueUrlAsEndpoint`
 * handling leaves the request where it would have gone anyway.
 *
 * @example
 * parseQueue('arn:aws:sqs:eu-west-1:123456789012:incidents.fifo');
 * // { url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/incidents.fifo', region: 'eu-west-1', fifo: true }
 */
export function parseQueue(queue: string): SqsQueueRef {
  if (queue.startsWith('arn:')) {
    const [, partition = '', service, region = '', account = '', name = ''] = queue.split(':');
    const suffix = DNS_SUFFIX[partition];
    if (service !== 'sqs' || suffix === undefined || !region || !/^\d{12}$/.test(account) || !name) {
      throw new ConfigError('queue', `not an SQS queue ARN in a supported partition: ${queue}`);
    }
    return {
      url: `https://sqs.${region}.${suffix}/${account}/${name}`,
      region,
      fifo: name.endsWith('.fifo'),
    };
  }
  let url: URL;
  try {
    url = new URL(queue);
  } catch (cause) {
    throw new ConfigError('queue', `not a queue URL or ARN: ${queue}`, { cause });
  }
  const region = /^sqs\.([a-z0-9-]+)\./.exec(url.hostname)?.[1];
  return { url: queue, region, fifo: url.pathname.endsWith('.fifo') };
}

export interface SqsSinkOptions {
  /** Queue URL or ARN. A name ending in `.fifo` makes the sink set group and deduplication ids. */
  readonly queue: string;
  /** Default: from {@link awsClient}, in the queue's region. */
  readonly client?: SQSClient;
  /** Used to build the default client (region defaults to the queue's). */
  readonly clientOptions?: AwsClientOptions;
  /** Default `sqs`. */
  readonly name?: string;
  /** Per message and per batch; default {@link SQS_DEFAULT_MAX_PAYLOAD_BYTES}. */
  readonly maxPayloadBytes?: number;
  /** Budget for failed entries and retryable whole-call errors. */
  readonly retry?: Partial<RetryPolicy>;
}

/** One event the sink could not deliver, and why. */
export interface UndeliveredEvent {
  readonly id: string;
  readonly reason: string;
}

/** A {@link DeliveryError} that also says why each event was not delivered. */
export class SqsDeliveryError extends DeliveryError {
  readonly failures: readonly UndeliveredEvent[];
  constructor(sink: string, failures: readonly UndeliveredEvent[], options?: { cause?: unknown }) {
    const ids = [...new Set(failures.map((f) => f.id))];
    const shown = failures
      .slice(0, 5)
      .map((f) => `${f.id}: ${f.reason}`)
      .join('; ');
    const more = failures.length > 5 ? `; and ${failures.length - 5} more` : '';
    super(`${sink}: ${ids.length} event(s) not delivered (${shown}${more})`, ids, options);
    this.name = 'SqsDeliveryError';
    this.failures = failures;
  }
}

interface PreparedEntry {
  readonly event: Envelope;
  readonly entry: SendMessageBatchRequestEntry;
  readonly bytes: number;
}

/** An entry on its way, with the reason its last attempt failed. */
interface PendingEntry extends PreparedEntry {
  readonly reason?: string;
}

function stringAttribute(value: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: value };
}

/** SQS counts the body plus every attribute's name, type and value toward the size limit. */
function messageBytes(body: string, attributes: Readonly<Record<string, MessageAttributeValue>>): number {
  let bytes = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType ?? '', 'utf8');
    bytes += Buffer.byteLength(value.StringValue ?? '', 'utf8');
  }
  return bytes;
}

/** Packs entries in order into batches of at most 10 entries and `maxBytes` in total. */
function packBatches(entries: readonly PreparedEntry[], maxBytes: number): PreparedEntry[][] {
  const batches: PreparedEntry[][] = [];
  let current: PreparedEntry[] = [];
  let currentBytes = 0;
  for (const e of entries) {
    if (current.length === SQS_MAX_BATCH_ENTRIES || currentBytes + e.bytes > maxBytes) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(e);
    currentBytes += e.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * A {@link Sink} that sends envelopes to an SQS queue with SendMessageBatch.
 * The body is the envelope JSON; `type`, `severity`, `action` and `dedupkey`
 * are also String message attributes, so consumers and subscription filters
 * can select without parsing. On a FIFO queue the group is the dedupkey (one
 * problem's events stay in order) and the deduplication id is the event id
 * (a retried run's resend is dropped within SQS's 5-minute window).
 *
 * Failed entries are retried alone, with backoff, unless SQS says the sender
 * is at fault; an event is reported delivered only when SQS listed it as
 * successful. A message over the size limit is not sent and is reported
 * undelivered: it is never truncated.
 *
 * @example
 * const sink = new SqsSink({ queue: process.env.INCIDENT_QUEUE_ARN ?? '' });
 * await sink.deliver(events); // throws SqsDeliveryError naming undelivered ids
 */
export class SqsSink implements Sink {
  readonly name: string;
  readonly queue: SqsQueueRef;
  readonly #client: SQSClient;
  readonly #maxBytes: number;
  readonly #retry: Partial<RetryPolicy>;

  constructor(options: SqsSinkOptions) {
    this.queue = parseQueue(options.queue);
    this.name = options.name ?? 'sqs';
    this.#maxBytes = options.maxPayloadBytes ?? SQS_DEFAULT_MAX_PAYLOAD_BYTES;
    this.#retry = options.retry ?? {};
    const region = options.clientOptions?.region ?? this.queue.region;
    this.#client =
      options.client ?? awsClient(SQSClient, { ...options.clientOptions, ...(region ? { region } : {}) });
  }

  async deliver(events: readonly Envelope[]): Promise<void> {
    const failures: UndeliveredEvent[] = [];
    const sendable: PreparedEntry[] = [];
    events.forEach((event, index) => {
      const prepared = this.#prepare(event, index);
      if (prepared.bytes > this.#maxBytes) {
        failures.push({
          id: event.id,
          reason: `message is ${prepared.bytes} bytes, over the ${this.#maxBytes}-byte SQS limit; not sent`,
        });
      } else {
        sendable.push(prepared);
      }
    });
    let lastError: unknown;
    // Batches go one after another so a FIFO group's events are enqueued in order.
    for (const batch of packBatches(sendable, this.#maxBytes)) {
      const left = await retryRemaining<PendingEntry>(
        batch,
        async (entries) => {
          const { retry, failed, error } = await this.#sendOnce(entries);
          failures.push(...failed);
          if (error !== undefined) lastError = error;
          return retry;
        },
        this.#retry,
      );
      for (const { event, reason } of left) {
        failures.push({ id: event.id, reason: `retry budget spent; last failure: ${reason ?? 'unknown'}` });
      }
    }
    if (failures.length > 0) throw new SqsDeliveryError(this.name, failures, { cause: lastError });
  }

  #prepare(event: Envelope, index: number): PreparedEntry {
    const attributes: Record<string, MessageAttributeValue> = {
      type: stringAttribute(event.type),
      severity: stringAttribute(event.severity),
      action: stringAttribute(event.action),
      dedupkey: stringAttribute(event.dedupkey),
    };
    const body = JSON.stringify(event);
    // The index is unique within one delivery and matches SQS's [A-Za-z0-9_-]{1,80}.
    const entry: SendMessageBatchRequestEntry = {
      Id: String(index),
      MessageBody: body,
      MessageAttributes: attributes,
    };
    if (this.queue.fifo) {
      entry.MessageGroupId = event.dedupkey;
      entry.MessageDeduplicationId = event.id;
    }
    return { event, entry, bytes: messageBytes(body, attributes) };
  }

  /** One SendMessageBatch: what to retry, what failed for good, and the call's error if it threw. */
  async #sendOnce(entries: readonly PreparedEntry[]): Promise<{
    retry: PendingEntry[];
    failed: UndeliveredEvent[];
    error?: unknown;
  }> {
    try {
      const out = await this.#client.send(
        new SendMessageBatchCommand({ QueueUrl: this.queue.url, Entries: entries.map((e) => e.entry) }),
      );
      const succeeded = new Set((out.Successful ?? []).map((s) => s.Id));
      const failedById = new Map((out.Failed ?? []).map((f) => [f.Id, f]));
      const retry: PendingEntry[] = [];
      const failed: UndeliveredEvent[] = [];
      for (const e of entries) {
        if (succeeded.has(e.entry.Id)) continue;
        const f = failedById.get(e.entry.Id);
        const reason = f
          ? `${f.Code ?? 'unknown'}: ${f.Message ?? 'no message'}`
          : 'missing from SQS response';
        // A sender fault (InvalidParameterValue, …) fails the same way every time.
        if (f?.SenderFault) failed.push({ id: e.event.id, reason: `${reason} (sender fault, not retried)` });
        else retry.push({ ...e, reason });
      }
      return { retry, failed };
    } catch (error) {
      const reason = errorText(error);
      if (isRetryableAwsError(error))
        return { retry: entries.map((e) => ({ ...e, reason })), failed: [], error };
      return { retry: [], failed: entries.map((e) => ({ id: e.event.id, reason })), error };
    }
  }
}
