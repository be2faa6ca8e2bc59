import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../../shared/core/envelope.js';
import {
  boundEnvelope,
  EVENT_MAX_BYTES,
  EVENT_STRING_MAX,
  envelopeBytes,
  utf8Bytes,
} from '../../../shared/core/event-budget.js';
import { envelopeValidator } from '../../support/envelope-validator.js';

const CONSOLE = 'https://console.aws.amazon.com/resource-groups/tag-editor/find-resources';

function anEnvelope(
  evidence: Record<string, unknown>,
  subject = 'account/111111111111/owner/alpha',
): Envelope {
  return {
    specversion: '1.0',
    id: '5b0e8d1c-6a2f-4f3b-9d4e-0c1a2b3c4d5e',
    source: 'finops-guardrails/tag-coverage/111111111111',
    type: 'finops-guardrails.tag.violation',
    subject,
    time: '2026-11-20T06:00:00.000Z',
    datacontenttype: 'application/json',
    dedupkey: 'tag-coverage:required-tags:111111111111:alpha',
    action: 'trigger',
    severity: 'warning',
    sequence: 3,
    data: {
      summary: 'alpha: 5000 resources in alpha (111111111111) break the tagging policy.',
      category: 'tagging',
      check: 'tag-coverage',
      rule: 'required-tags',
      resource: { accountId: '111111111111', type: 'account' },
      evidence,
      links: { console: CONSOLE },
      firstSeen: '2026-11-20T06:00:00.000Z',
      lastSeen: '2026-11-20T06:00:00.000Z',
    },
  };
}

const resources = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    arn: `arn:aws:ec2:us-east-1:111111111111:instance/i-${String(i).padStart(17, '0')}`,
    problems: ['missing owner', `cost-center="${'x'.repeat(200)}" is not /^cc-[0-9]{4}$/`],
  }));

describe('boundEnvelope', () => {
  it('returns an envelope within budget as the same object', () => {
    const small = anEnvelope({ resources: resources(3) });
    expect(boundEnvelope(small)).toBe(small);
  });

  it('shortens the largest evidence list from its end, counts what it left out, and keeps the console link', () => {
    const big = anEnvelope({ resources: resources(5_000), counts: { total: 5_000 } });
    expect(envelopeBytes(big)).toBeGreaterThan(EVENT_MAX_BYTES);

    const bounded = boundEnvelope(big);

    expect(envelopeBytes(bounded)).toBeLessThanOrEqual(EVENT_MAX_BYTES);
    const kept = bounded.data.evidence.resources as unknown[];
    expect(kept).toEqual(resources(5_000).slice(0, kept.length));
    expect(bounded.data.evidence.trimmed).toEqual({
      limitBytes: EVENT_MAX_BYTES,
      originalBytes: envelopeBytes(big),
      omitted: { resources: 5_000 - kept.length },
      clippedStrings: 0,
    });
    expect(bounded.data.evidence.counts).toEqual({ total: 5_000 });
    expect(bounded.data.links).toEqual({ console: CONSOLE });
    expect([bounded.id, bounded.dedupkey, bounded.sequence, bounded.data.summary]).toEqual([
      big.id,
      big.dedupkey,
      big.sequence,
      big.data.summary,
    ]);
    expect(envelopeValidator()(bounded)).toEqual([]);
    // The input is not changed.
    expect((big.data.evidence.resources as unknown[]).length).toBe(5_000);
  });

  it('is deterministic: the same envelope always bounds to the same body, so a retry sends identical bytes', () => {
    const big = anEnvelope({ resources: resources(4_000), byOwner: resources(900) });
    expect(JSON.stringify(boundEnvelope(big))).toBe(JSON.stringify(boundEnvelope(structuredClone(big))));
  });

  it('cuts strings longer than the string limit (subject, resource ARN, evidence) before lists', () => {
    const huge = 'a'.repeat(400_000);
    const envelope = anEnvelope({ reason: huge, note: 'short' }, `arn:aws:s3:::${huge}`);
    envelope.data.resource = { arn: `arn:aws:s3:::${huge}` };

    const bounded = boundEnvelope(envelope);

    expect(envelopeBytes(bounded)).toBeLessThanOrEqual(EVENT_MAX_BYTES);
    expect(bounded.subject).toHaveLength(EVENT_STRING_MAX);
    expect(bounded.subject.endsWith('…')).toBe(true);
    expect(bounded.data.resource?.arn).toHaveLength(EVENT_STRING_MAX);
    expect(bounded.data.evidence.reason).toHaveLength(EVENT_STRING_MAX);
    expect(bounded.data.evidence.note).toBe('short');
    expect(bounded.data.evidence.trimmed).toEqual(
      expect.objectContaining({ clippedStrings: 3, omitted: {} }),
    );
  });

  it('never counts a list inside an item already left out', () => {
    const nested = Array.from({ length: 3_000 }, (_, i) => ({
      i,
      tags: Array.from({ length: 5 }, () => 'v'.repeat(20)),
    }));
    const bounded = boundEnvelope(anEnvelope({ items: nested }));
    const omitted = (bounded.data.evidence.trimmed as { omitted: Record<string, number> }).omitted;
    expect(Object.keys(omitted)).toEqual(['items']);
  });

  it('empties lists before it drops the evidence, and drops it (but for the note) only when nothing smaller fits', () => {
    const listsOnly = boundEnvelope(anEnvelope({ resources: resources(10) }), 1_200);
    expect(listsOnly.data.evidence.resources).toEqual([]);
    expect(listsOnly.data.evidence.trimmed).toEqual(expect.objectContaining({ omitted: { resources: 10 } }));

    const blob = { a: 'x'.repeat(2_000), b: 'y'.repeat(2_000) };
    const dropped = boundEnvelope(anEnvelope({ blob }), 3_000);
    expect(envelopeBytes(dropped)).toBeLessThanOrEqual(3_000);
    expect(dropped.data.evidence).toEqual({
      trimmed: expect.objectContaining({ limitBytes: 3_000, evidenceDropped: true }),
    });
  });

  it('fits any evidence of strings, numbers and nested lists (property)', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.string({ unit: 'binary', maxLength: 3_000 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.array(tie('value'), { maxLength: 40 }),
        fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 6 }),
      ),
    })).value;
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 8 }), (evidence) => {
        const bounded = boundEnvelope(anEnvelope(evidence as Record<string, unknown>), 8_192);
        expect(envelopeBytes(bounded)).toBeLessThanOrEqual(8_192);
        expect(bounded).toEqual(boundEnvelope(anEnvelope(evidence as Record<string, unknown>), 8_192));
      }),
      { numRuns: 150, seed: 7 },
    );
  });
});

describe('utf8Bytes', () => {
  it('counts as UTF-8 encodes, surrogate pairs as four bytes', () => {
    for (const text of ['abc', 'é', '€', '😀', 'a😀é€', '\ud800x']) {
      expect(utf8Bytes(text)).toBe(Buffer.byteLength(text, 'utf8'));
    }
  });
});
