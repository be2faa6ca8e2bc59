import type { Envelope } from './envelope.js';

/**
 * The byte budget of one event: what fits every sink once the sink has
 * wrapped it.
 * - SQS: 262,144 bytes for the body plus attributes (about 300 bytes here).
 * - EventBridge PutEvents: 262,144 bytes per entry: Detail plus Source,
 *   DetailType, 14 for Time and the resource ARN in Resources.
 * - SNS (the probe's paging topic): 262,144 bytes for a message that carries
 *   the envelope once as an escaped JSON string (up to twice its size when it
 *   is full of quotes) beside a human text and an SMS line.
 * - PagerDuty Events API v2: 512 KB for the whole event.
 * Slack renders its own bounded message (see the Slack sink).
 *
 * 112 KiB keeps the worst case, twice the envelope in SNS, under 256 KiB with
 * 32 KiB to spare; a digest listing 100 resources is about 40 KB.
 */
export const EVENT_MAX_BYTES = 112 * 1024;

/** Strings longer than this (an ARN, a reason, a body excerpt) are cut first when an event is over budget. */
export const EVENT_STRING_MAX = 2_048;

/** Bytes the `trimmed` note may grow by as it counts a list (its path and count). */
const TRIMMED_NOTE_SLACK = 256;

/** What {@link boundEnvelope} left out, in `data.evidence.trimmed`. */
export interface EvidenceTrimmed {
  readonly limitBytes: number;
  readonly originalBytes: number;
  /** Items left out of each evidence list, by its path (`resources`, `byOwner`, `failures[0].actual`). */
  readonly omitted: Readonly<Record<string, number>>;
  /** Strings cut to {@link EVENT_STRING_MAX} characters. */
  readonly clippedStrings: number;
  /** True when even that did not fit and the evidence was dropped but for this note. */
  readonly evidenceDropped?: boolean;
}

/**
 * UTF-8 length of the envelope as every sink serializes it (`JSON.stringify`).
 * Pure: no Buffer, so the core stays runtime-free.
 */
export function envelopeBytes(envelope: Envelope): number {
  return utf8Bytes(JSON.stringify(envelope));
}

/**
 * Bounds an envelope to `maxBytes` of JSON, deterministically: the same
 * envelope always yields the same bounded one, so a retried delivery sends
 * the identical body. An envelope within budget is returned as is (the same
 * object). Otherwise, in order, until it fits:
 * 1. strings over {@link EVENT_STRING_MAX} characters are cut (evidence,
 *    subject, resource ARN, owner), marked with `…`;
 * 2. evidence lists are shortened from their end, largest list first (the
 *    lists are ranked, so the first items are the ones to keep);
 * 3. the evidence is dropped but for the note.
 * What was left out is counted in `data.evidence.trimmed`; the links (the
 * console link that shows everything) are kept, and so are the id, dedupkey,
 * sequence, summary and severity.
 *
 * The pipeline calls this before it persists and delivers events.
 *
 * @example
 * const bounded = boundEnvelope(envelope); // envelopeBytes(bounded) <= EVENT_MAX_BYTES
 */
export function boundEnvelope(envelope: Envelope, maxBytes: number = EVENT_MAX_BYTES): Envelope {
  const originalBytes = envelopeBytes(envelope);
  if (originalBytes <= maxBytes) return envelope;

  const clipped = { count: 0 };
  const { data } = envelope;
  const subject = clip(envelope.subject, clipped);
  const resource = data.resource && (clipStrings(data.resource, clipped) as typeof data.resource);
  const owner = data.owner && (clipStrings(data.owner, clipped) as typeof data.owner);
  const links = data.links && keepableLinks(data.links);
  const evidence = clipStrings(data.evidence, clipped) as Record<string, unknown>;
  const omitted: Record<string, number> = {};
  const build = (
    extra: Partial<EvidenceTrimmed> = {},
    body: Record<string, unknown> = evidence,
  ): Envelope => {
    const trimmed: EvidenceTrimmed = {
      limitBytes: maxBytes,
      originalBytes,
      omitted: { ...omitted },
      clippedStrings: clipped.count,
      ...extra,
    };
    return {
      ...envelope,
      subject,
      data: {
        ...data,
        ...(resource && { resource }),
        ...(owner && { owner }),
        ...(links && { links }),
        evidence: { ...body, trimmed },
      },
    };
  };

  let bounded = build();
  let over = envelopeBytes(bounded) - maxBytes;
  for (const list of listsBySize(evidence)) {
    if (over <= 0) break;
    // A list inside an item already left out is gone with it.
    if (list.ancestors.some((a) => a.items.length <= a.index)) continue;
    // Drop items from the end until the excess (and room for the count) is covered, then measure again.
    while (over > 0 && list.items.length > 0) {
      let removed = 0;
      let keep = list.items.length;
      while (keep > 0 && removed < over + TRIMMED_NOTE_SLACK) {
        keep -= 1;
        removed += utf8Bytes(JSON.stringify(list.items[keep] ?? null)) + (keep > 0 ? 1 : 0);
      }
      omitted[list.path] = (omitted[list.path] ?? 0) + list.items.length - keep;
      list.items.length = keep;
      bounded = build();
      over = envelopeBytes(bounded) - maxBytes;
    }
  }
  if (over <= 0) return bounded;
  return build({ evidenceDropped: true }, {});
}

interface EvidenceList {
  readonly path: string;
  readonly items: unknown[];
  readonly bytes: number;
  /** The lists (and indexes) this one sits in. */
  readonly ancestors: ReadonlyArray<{ readonly items: unknown[]; readonly index: number }>;
}

/** Every array in the (already copied) evidence, to three levels deep, largest first, ties by path. */
function listsBySize(evidence: Record<string, unknown>): EvidenceList[] {
  const lists: EvidenceList[] = [];
  const walk = (value: unknown, path: string, depth: number, ancestors: EvidenceList['ancestors']) => {
    if (Array.isArray(value)) {
      lists.push({ path, items: value, bytes: utf8Bytes(JSON.stringify(value)), ancestors });
      if (depth < 3) {
        for (const [index, item] of value.entries())
          walk(item, `${path}[${index}]`, depth + 1, [...ancestors, { items: value, index }]);
      }
    } else if (value !== null && typeof value === 'object' && depth < 3) {
      for (const [key, child] of Object.entries(value))
        walk(child, path ? `${path}.${key}` : key, depth + 1, ancestors);
    }
  };
  walk(evidence, '', 0, []);
  return lists.sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A deep copy of JSON data with every string over {@link EVENT_STRING_MAX} characters cut. */
function clipStrings(value: unknown, clipped: { count: number }): unknown {
  if (typeof value === 'string') return clip(value, clipped);
  if (Array.isArray(value)) return value.map((item) => clipStrings(item, clipped));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clipStrings(v, clipped)]));
  }
  return value;
}

function clip(text: string, clipped: { count: number }): string {
  if (text.length <= EVENT_STRING_MAX) return text;
  clipped.count += 1;
  // Never split a surrogate pair: a lone half is not valid UTF-8 for the sinks.
  let end = EVENT_STRING_MAX - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Links are kept whole (a cut URL is a wrong URL); one longer than a browser takes is dropped. */
function keepableLinks(links: NonNullable<Envelope['data']['links']>): Envelope['data']['links'] {
  return Object.fromEntries(
    Object.entries(links).filter(([, href]) => href === undefined || href.length <= 8_192),
  );
}

/** UTF-8 byte length of a string (JSON output, so lone surrogates are already escaped). */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
