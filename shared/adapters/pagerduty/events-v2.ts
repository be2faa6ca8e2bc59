import type { Envelope } from '../../core/envelope.js';
import { DeliveryError } from '../../core/errors.js';
import type { Sink } from '../../core/ports.js';
import { type Severity, severityRank } from '../../core/severity.js';
import { fullJitterDelayMs, type RetryPolicy } from '../aws/backoff.js';

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

const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

type Attempt = { ok: true } | { ok: false; retry: boolean; reason: string; retryAfterMs?: number };

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
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
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

  /** Sends one event with retries; returns why it failed, or undefined when PagerDuty accepted it. */
  async #send(event: PagerDutyEvent): Promise<string | undefined> {
    const body = JSON.stringify(event);
    let last: Attempt = { ok: false, retry: false, reason: 'not sent' };
    for (let retry = 0; ; retry += 1) {
      last = await this.#attempt(body);
      if (last.ok) return undefined;
      if (!last.retry || retry >= this.#retry.maxRetries) break;
      const backoff = fullJitterDelayMs(retry, this.#retry);
      await this.#retry.sleep(Math.min(this.#retry.maxDelayMs, Math.max(backoff, last.retryAfterMs ?? 0)));
    }
    return last.retry ? `${last.reason} (retries exhausted)` : last.reason;
  }

  async #attempt(body: string): Promise<Attempt> {
    const doFetch = this.#options.fetch ?? fetch;
    try {
      const response = await doFetch(this.#options.url ?? PAGERDUTY_EVENTS_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000),
      });
      const text = await response.text().catch(() => '');
      if (response.status === 202 || response.ok) return { ok: true };
      const reason = `HTTP ${response.status}${text ? `: ${text.slice(0, 300)}` : ''}`;
      const retryable = response.status === 429 || response.status >= 500;
      const retryAfter = Number(response.headers.get('retry-after'));
      return {
        ok: false,
        retry: retryable,
        reason,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 && { retryAfterMs: retryAfter * 1000 }),
      };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, retry: true, reason: `${name}: ${message}` };
    }
  }
}
