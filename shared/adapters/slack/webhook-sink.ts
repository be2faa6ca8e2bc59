import type { Envelope } from '../../core/envelope.js';
import { DeliveryError } from '../../core/errors.js';
import type { Sink } from '../../core/ports.js';
import { type Severity, severityRank } from '../../core/severity.js';
import type { RetryPolicy } from '../aws/backoff.js';
import { postJsonWithRetry, WEBHOOK_RETRY } from '../http/post-json.js';

/**
 * Slack Block Kit limits (docs.slack.dev, reference/block-kit/blocks): a
 * section's text 3,000 characters, each of at most 10 fields 2,000, a
 * header's plain text 150, at most 10 context elements and 50 blocks; a
 * message's `text` is cut at 40,000 (4,000 advised). We stay well inside:
 * five blocks, the summary section and evidence at most 3,000, fields at most
 * {@link FIELD_MAX}, the context line at most {@link CONTEXT_MAX} and `text`
 * at most 3,000, so a message is at most about 10,000 characters.
 */
const SECTION_MAX = 3000;
const HEADER_MAX = 150;
const FIELD_MAX = 300;
const CONTEXT_MAX = 1000;
const EVIDENCE_LINES = 10;
const VALUE_MAX = 160;

const ICONS: Readonly<Record<Severity, string>> = {
  critical: ':rotating_light:',
  error: ':red_circle:',
  warning: ':warning:',
  info: ':information_source:',
};

/** A Slack incoming-webhook message: `text` is the notification fallback, `blocks` the layout. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: ReadonlyArray<Record<string, unknown>>;
}

/**
 * The Block Kit message for one event (a tag digest is one event): a
 * header with action and severity, the summary, who owns it, a compact
 * evidence list and the links.
 *
 * @example
 * const message = toSlackMessage(envelope);
 */
export function toSlackMessage(envelope: Envelope): SlackMessage {
  const { data } = envelope;
  const resolved = envelope.action === 'resolve';
  const head = `${resolved ? ':white_check_mark: RESOLVED' : `${ICONS[envelope.severity]} ${envelope.severity.toUpperCase()}`} · ${data.check}/${data.rule}`;
  const owner = data.owner
    ? `${data.owner.team}${data.owner.contact ? ` (${data.owner.contact})` : ''}`
    : 'unowned';
  const fields = [
    `*Severity*\n${envelope.severity}`,
    `*Owner*\n${escapeMrkdwn(clip(owner, VALUE_MAX))}`,
    `*Subject*\n${escapeMrkdwn(clip(envelope.subject, VALUE_MAX))}`,
    `*First seen*\n${data.firstSeen}`,
  ].map((text) => ({ type: 'mrkdwn', text: clip(text, FIELD_MAX) }));
  const evidence = evidenceLines(data.evidence);
  const links = Object.entries(data.links ?? {}).flatMap(([name, href]) =>
    typeof href === 'string' ? [`<${href}|${escapeMrkdwn(name)}>`] : [],
  );
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(head.replace(/:[a-z_]+: /, ''), HEADER_MAX) } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(`${head.split(' ')[0]} ${escapeMrkdwn(data.summary)}`, SECTION_MAX),
      },
    },
    { type: 'section', fields },
  ];
  if (evidence.length > 0)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(evidence.join('\n'), SECTION_MAX) } });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: clip(
          [`dedup \`${envelope.dedupkey}\` · seq ${envelope.sequence}`, ...links].join(' · '),
          CONTEXT_MAX,
        ),
      },
    ],
  });
  return {
    text: clip(`[${resolved ? 'RESOLVED' : envelope.severity.toUpperCase()}] ${data.summary}`, SECTION_MAX),
    blocks,
  };
}

/** `• key: value`, one line per evidence entry; lists show their size and first items. */
function evidenceLines(evidence: Record<string, unknown>): string[] {
  const entries = Object.entries(evidence);
  const lines = entries
    .slice(0, EVIDENCE_LINES)
    .map(
      ([key, value]) =>
        `• *${escapeMrkdwn(clip(key, VALUE_MAX))}*: ${escapeMrkdwn(clip(compact(value), VALUE_MAX))}`,
    );
  if (entries.length > EVIDENCE_LINES) lines.push(`• … ${entries.length - EVIDENCE_LINES} more`);
  return lines;
}

function compact(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) {
    const first = value.slice(0, 3).map((item) => {
      if (item && typeof item === 'object' && 'arn' in item) return String((item as { arn: unknown }).arn);
      return typeof item === 'object' ? JSON.stringify(item) : String(item);
    });
    return `${value.length} item(s)${first.length ? `: ${first.join(', ')}${value.length > 3 ? ', …' : ''}` : ''}`;
  }
  return JSON.stringify(value);
}

/** Cuts to `max` UTF-16 units (Slack counts characters, which are never more), never inside a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Slack's three control characters in mrkdwn. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface SlackWebhookSinkOptions {
  /** The webhook URL, or a function that reads it (from Secrets Manager, once per container). Never logged. */
  readonly webhookUrl: string | (() => Promise<string>);
  /** Default: global fetch. */
  readonly fetch?: typeof fetch;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
  /** Events below this are not posted, triggers and resolves alike; default `info` (everything). */
  readonly minSeverity?: Severity;
  readonly retry?: Partial<RetryPolicy>;
  /** Default `slack`. */
  readonly name?: string;
}

/**
 * A {@link Sink} posting one Slack message per event to an incoming
 * webhook, in order. 429 (honouring Retry-After), 5xx and network errors
 * are retried with full-jitter backoff; any other status (400
 * `invalid_payload`, 403, 404 `no_service`, 410 `channel_is_archived`)
 * fails that event at once. The URL is a secret: it never appears in an
 * error or a log.
 *
 * @example
 * const sink = new SlackWebhookSink({ webhookUrl: () => secretValue(arn) });
 */
export class SlackWebhookSink implements Sink {
  readonly name: string;
  readonly #options: SlackWebhookSinkOptions;
  readonly #retry: RetryPolicy;

  constructor(options: SlackWebhookSinkOptions) {
    this.#options = options;
    this.name = options.name ?? 'slack';
    this.#retry = { ...WEBHOOK_RETRY, ...options.retry };
  }

  async deliver(events: readonly Envelope[]): Promise<void> {
    const min = severityRank(this.#options.minSeverity ?? 'info');
    const selected = events.filter((e) => severityRank(e.severity) >= min);
    if (selected.length === 0) return;
    let url: string;
    try {
      const source = this.#options.webhookUrl;
      url = typeof source === 'string' ? source : await source();
    } catch (error) {
      throw new DeliveryError(
        `${this.name}: no webhook URL`,
        selected.map((e) => e.id),
        { cause: error },
      );
    }
    const failures: string[] = [];
    const undelivered: string[] = [];
    for (const envelope of selected) {
      const reason = await this.#send(url, JSON.stringify(toSlackMessage(envelope)));
      if (reason === undefined) continue;
      undelivered.push(envelope.id);
      failures.push(
        `${envelope.id} (${envelope.action} ${envelope.dedupkey}): ${reason.split(url).join('<webhook>')}`,
      );
    }
    if (undelivered.length > 0) {
      throw new DeliveryError(
        `${this.name}: ${undelivered.length} event(s) not accepted: ${failures.join('; ')}`,
        undelivered,
      );
    }
  }

  #send(url: string, body: string): Promise<string | undefined> {
    return postJsonWithRetry(url, body, {
      retry: this.#retry,
      bodyChars: 200,
      // Only the error's name: a fetch error's message or cause may carry the URL.
      networkErrors: 'name-only',
      ...(this.#options.fetch && { fetch: this.#options.fetch }),
      ...(this.#options.timeoutMs !== undefined && { timeoutMs: this.#options.timeoutMs }),
    });
  }
}
