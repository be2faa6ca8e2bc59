import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Envelope } from '../../core/envelope.js';
import { DeliveryError } from '../../core/errors.js';
import type { Sink } from '../../core/ports.js';
import { type RetryPolicy, retryRemaining } from './backoff.js';
import { type AwsClientOptions, awsClient } from './clients.js';

/** PutEvents limits: 10 entries and 256 KB per request, sized as AWS documents it. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;
export const EVENT_SOURCE = 'finops-guardrails';
/** Entry errors PutEvents documents as retryable; the rest (AccessDenied, validation) are reported at once. */
const RETRYABLE_ENTRY_ERRORS = new Set(['InternalFailure', 'ThrottlingException']);

export interface EventBridgeSinkOptions {
  /** The bus ARN (`sinks.eventbridge.eventBusArn`); another account's bus works if its policy allows us. */
  readonly eventBusArn: string;
  /** Default: {@link awsClient}(EventBridgeClient) in the bus's region. */
  readonly client?: EventBridgeClient;
  readonly clientOptions?: AwsClientOptions;
  readonly retry?: Partial<RetryPolicy>;
  /** Default `eventbridge`. */
  readonly name?: string;
}

/** The PutEvents entry of an envelope: DetailType is the CloudEvents type, Detail the whole envelope. */
export function toPutEventsEntry(envelope: Envelope, eventBusArn: string): PutEventsRequestEntry {
  const arn = envelope.data.resource?.arn;
  return {
    EventBusName: eventBusArn,
    Source: EVENT_SOURCE,
    DetailType: envelope.type,
    Detail: JSON.stringify(envelope),
    Time: new Date(envelope.time),
    ...(arn && { Resources: [arn] }),
  };
}

/** An entry's size as PutEvents counts it: 14 bytes for Time, then Source, DetailType, Detail and Resources. */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  const bytes = (s: string | undefined) => (s ? Buffer.byteLength(s, 'utf8') : 0);
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, r) => sum + bytes(r), 0)
  );
}

interface Pending {
  readonly id: string;
  readonly entry: PutEventsRequestEntry;
  readonly size: number;
}

/**
 * A {@link Sink} publishing each envelope to an EventBridge bus with
 * PutEvents, in requests of at most 10 entries and 256 KB. Only entries
 * that failed with a retryable code (InternalFailure, ThrottlingException)
 * are sent again, with full-jitter backoff; others, and an entry over
 * 256 KB on its own, are reported in one DeliveryError.
 *
 * @example
 * const sink = new EventBridgeSink({ eventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/reliability' });
 */
export class EventBridgeSink implements Sink {
  readonly name: string;
  readonly #busArn: string;
  readonly #client: EventBridgeClient;
  readonly #retry: Partial<RetryPolicy>;

  constructor(options: EventBridgeSinkOptions) {
    this.name = options.name ?? 'eventbridge';
    this.#busArn = options.eventBusArn;
    this.#retry = options.retry ?? {};
    const region = /^arn:[\w-]+:events:([\w-]+):/.exec(options.eventBusArn)?.[1];
    this.#client =
      options.client ?? awsClient(EventBridgeClient, { ...options.clientOptions, ...(region && { region }) });
  }

  async deliver(events: readonly Envelope[]): Promise<void> {
    const failures: Array<{ id: string; reason: string }> = [];
    const pending: Pending[] = [];
    for (const envelope of events) {
      const entry = toPutEventsEntry(envelope, this.#busArn);
      const size = putEventsEntrySize(entry);
      if (size > PUT_EVENTS_MAX_BYTES)
        failures.push({ id: envelope.id, reason: `${size} bytes, over the PutEvents 256 KB limit` });
      else pending.push({ id: envelope.id, entry, size });
    }
    let cause: unknown;
    const left = await retryRemaining(
      pending,
      async (items) => {
        const retry: Pending[] = [];
        for (const chunk of chunks(items)) {
          try {
            const output = await this.#client.send(
              new PutEventsCommand({ Entries: chunk.map((p) => p.entry) }),
            );
            if (!output.FailedEntryCount) continue;
            chunk.forEach((item, i) => {
              const result = output.Entries?.[i];
              if (!result?.ErrorCode) return;
              if (RETRYABLE_ENTRY_ERRORS.has(result.ErrorCode)) retry.push(item);
              else
                failures.push({
                  id: item.id,
                  reason: `${result.ErrorCode}: ${result.ErrorMessage ?? ''}`.trim(),
                });
            });
          } catch (error) {
            // The SDK already retried the call itself; what is left is not ours to retry.
            cause ??= error;
            const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
            for (const item of chunk) failures.push({ id: item.id, reason });
          }
        }
        return retry;
      },
      this.#retry,
    );
    for (const item of left) failures.push({ id: item.id, reason: 'still failing after retries' });
    if (failures.length > 0) {
      const undelivered = [...new Set(failures.map((f) => f.id))];
      throw new DeliveryError(
        `${this.name}: ${undelivered.length} event(s) not put: ${failures.map((f) => `${f.id}: ${f.reason}`).join('; ')}`,
        undelivered,
        { cause },
      );
    }
  }
}

/** Greedy, order-keeping: at most 10 entries and 256 KB per request. */
function chunks(items: readonly Pending[]): Pending[][] {
  const out: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const item of items) {
    if (
      current.length > 0 &&
      (current.length === PUT_EVENTS_MAX_ENTRIES || bytes + item.size > PUT_EVENTS_MAX_BYTES)
    ) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
