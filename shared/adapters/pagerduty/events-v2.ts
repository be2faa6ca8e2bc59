import type { Envelope } from '../../core/envelope.js';
import { DeliveryError } from '../../core/errors.js';
import type { Sink } from '../../core/ports.js';
import { type Severity, severityRank } from '../../core/severity.js';
import type { RetryPolicy } from '../aws/backoff.js';
import { postJsonWithRetry, WEBHOOK_RETRY } from '../http/post-json.js';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
/** Events API v2 limits: summary 1024 characters, dedup_key 255, whole request 512 KB. */
const SUMMARY_MAX = 1024;
const DEDUP_KEY_MAX = 255;
const PAYLOAD_MAX_BYTES = 512 * 1024;

/** An Events API v2 alert event, as POSTed to `/v2/enqueue`. */
export interface PagerDutyEvent {
  readonly routing_key: string;
  readonly event_action: 'trigger' | 'resolve';
  readonly dedup_key: string;
  readonly payload?: {
    readonly summary: string;
    readonly source: string;
    readonly severity: Severity;
    readonly timestamp: string;
    readonly component?: string;
    readonly group: string;
    readonly class: string;
    readonly custom_details: Record<string, unknown>;
  };
  readonly client?: string;
  readonly links?: ReadonlyArray<{ readonly href: string; readonly text: string }>;
}

/**
 * Maps an incident envelope to a PagerDuty event. The envelope's dedupkey is
 * the `dedup_key`, so a trigger and its resolve meet on the same alert. A
 * resolve carries only what PagerDuty reads from one (routing key, action,
 * dedup key). `custom_details` is the evidence; if the event would exceed
 * PagerDuty's 512 KB, the evidence is replaced by a note: a page without
 * details beats no page.
 *
 * @example
 * const event = toPagerDutyEvent(envelope, routingKey);
 */
export function toPagerDutyEvent(envelope: Envelope, routingKey: string): PagerDutyEvent {
  const head = {
    routing_key: routingKey,
    event_action: envelope.action,
    dedup_key: envelope.dedupkey.slice(0, DEDUP_KEY_MAX),
  } as const;
  if (envelope.action === 'resolve') return head;
  const { data } = envelope;
  const links = Object.entries(data.links ?? {}).flatMap(([text, href]) =>
    typeof href === 'string' ? [{ href, text }] : [],
  );
  const event: PagerDutyEvent = {
    ...head,
    payload: {
      summary: data.summary.slice(0, SUMMARY_MAX),
      source: envelope.subject,
      severity: envelope.severity,
      timestamp: envelope.time,
      ...(data.resource?.type && { component: data.resource.type }),
      group: data.check,
      class: envelope.type,
      custom_details: data.evidence,
    },
    client: 'finops-guardrails',
    ...(links.length > 0 && { links }),
  };
  if (Buffer.byteLength(JSON.stringify(event)) <= PAYLOAD_MAX_BYTES || !event.payload) return event;
  return {
    ...event,
    payload: {
      ...event.payload,
      custom_details: {
        note: 'evidence omitted: over the PagerDuty 512 KB event limit',
        eventId: envelope.id,
      },
    },
  };
}

export interface PagerDutySinkOptions {
  /** The integration's routing key, or a function that reads it (once per container, e.g. from Secrets Manager). */
  readonly routingKey: string | (() => Promise<string>);
  /** Default {@link PAGERDUTY_EVENTS_URL}; tests point it at a local server. */
  readonly url?: string;
  /** Default: global fetch. */
  readonly fetch?: typeof fetch;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
  /** Triggers below this are not sent; default `error`. Resolves are always sent (PagerDuty drops unknown ones). */
  readonly minSeverity?: Severity;
  readonly retry?: Partial<RetryPolicy>;
  /** Default `pagerduty`. */
  readonly name?: string;
}

/**
 * A {@link Sink} posting to the PagerDuty Events API v2. Events go one at a
 * time, in order, so a trigger is never overtaken by its resolve. 429, 5xx
 * and network errors are retried with full-jitter backoff (honouring
 * Retry-After up to the policy's cap); any other status fails that event,
 * and the run's undelivered ids are reported in one {@link DeliveryError}.
 * The routing key never appears in an error.
 *
 * @example
 * const sink = new PagerDutyEventsSink({ routingKey: () => secretValue(arn) });
 */
export class PagerDutyEventsSink implements Sink {
  readonly name: string;
  readonly #options: PagerDutySinkOptions;
  readonly #retry: RetryPolicy;

  constructor(options: PagerDutySinkOptions) {
    this.#options = options;
    this.name = options.name ?? 'pagerduty';
    this.#retry = { ...WEBHOOK_RETRY, ...options.retry };
  }

  async deliver(events: readonly Envelope[]): Promise<void> {
    const min = severityRank(this.#options.minSeverity ?? 'error');
    const selected = events.filter((e) => e.action === 'resolve' || severityRank(e.severity) >= min);
    if (selected.length === 0) return;
    let routingKey: string;
    try {
      const key = this.#options.routingKey;
      routingKey = typeof key === 'string' ? key : await key();
    } catch (error) {
      throw new DeliveryError(
        `${this.name}: no routing key`,
        selected.map((e) => e.id),
        { cause: error },
      );
    }
    const failures: string[] = [];
    const undelivered: string[] = [];
    for (const envelope of selected) {
      const reason = await this.#send(toPagerDutyEvent(envelope, routingKey));
      if (reason === undefined) continue;
      undelivered.push(envelope.id);
      failures.push(`${envelope.id} (${envelope.action} ${envelope.dedupkey}): ${reason}`);
    }
    if (undelivered.length > 0) {
      throw new DeliveryError(
        `${this.name}: ${undelivered.length} event(s) not accepted: ${failures.join('; ')}`,
        undelivered,
      );
    }
  }

  /** Sends one event with retries; returns why it failed, or undefined when PagerDuty accepted it (202). */
  #send(event: PagerDutyEvent): Promise<string | undefined> {
    return postJsonWithRetry(this.#options.url ?? PAGERDUTY_EVENTS_URL, JSON.stringify(event), {
      retry: this.#retry,
      ...(this.#options.fetch && { fetch: this.#options.fetch }),
      ...(this.#options.timeoutMs !== undefined && { timeoutMs: this.#options.timeoutMs }),
    });
  }
}
