import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_SUMMARY_COLUMNS, renderEventTable, summaryLines } from '../../../cli/render/event-table.js';
import { columnsOf } from '../../../cli/render/text-wrap.js';
import type { Envelope } from '../../../shared/core/envelope.js';

type Data = Envelope['data'];

/** An event shaped as reconcile makes them; only what the table reads varies. */
function event(overrides: Partial<Omit<Envelope, 'data'>> & { data?: Partial<Data> } = {}): Envelope {
  const { data, ...head } = overrides;
  return {
    specversion: '1.0',
    id: 'id-1',
    source: 'finops-guardrails/cost-anomaly/456789012345',
    type: 'finops-guardrails.cost.anomaly',
    subject: 'nightly-etl',
    time: '2026-11-20T06:00:00.000Z',
    datacontenttype: 'application/json',
    dedupkey: 'cost-anomaly:detector:nightly-etl',
    action: 'trigger',
    severity: 'error',
    sequence: 1,
    ...head,
    data: {
      summary:
        'nightly-etl: waste (cost and unit cost up, SLOs met): $705/day vs $402 expected (+$304/day, +$9,251/month) since 2026-11-17; unit cost +78%; SLOs met; top driver BoxUsage:r7g.2xlarge',
      category: 'cost',
      check: 'cost-anomaly',
      rule: 'detector',
      resource: { accountId: '456789012345' },
      owner: { team: 'data', source: 'config' },
      impact: { usdPerMonth: 9251.19 },
      evidence: { trigger: 'new' },
      firstSeen: '2026-11-20T06:00:00.000Z',
      lastSeen: '2026-11-20T06:00:00.000Z',
      ...data,
    },
  };
}

const probe = event({
  source: 'finops-guardrails/probe/observer',
  type: 'finops-guardrails.probe.failure',
  subject: 'https://checkout.example.com/health',
  severity: 'critical',
  data: {
    summary: 'checkout-health DOWN from us-west-2: status 503 (expected 200-399) for 2 checks since 06:00Z',
    category: 'availability',
    check: 'probe',
    rule: 'probe',
    resource: undefined,
    owner: undefined,
    impact: undefined,
  },
});
const scanGap = event({
  source: 'finops-guardrails/tag-coverage/org',
  type: 'finops-guardrails.guardrail.scan-gap',
  subject: '210987654321/eu-west-1',
  severity: 'warning',
  data: {
    summary:
      'tag-coverage could not observe 210987654321/eu-west-1: AccessDenied. Open findings there stay open.',
    category: 'guardrail',
    check: 'tag-coverage',
    rule: 'scan-gap',
    resource: undefined,
    owner: undefined,
    impact: undefined,
  },
});
const orgCoverage = event({
  source: 'finops-guardrails/tag-coverage/org',
  type: 'finops-guardrails.tag.coverage',
  subject: 'organization',
  severity: 'warning',
  data: {
    resource: undefined,
    owner: { team: 'finops', source: 'config' },
    impact: { usdPerMonth: 2506.01 },
  },
});
const resolved = event({
  action: 'resolve',
  severity: 'critical',
  data: { summary: 'Resolved: nightly-etl waste', evidence: {}, impact: { usdPerMonth: -6537.93 } },
});

const options = { width: 100, defaultOwner: 'platform' };

describe('renderEventTable', () => {
  it('shows severity, type, account, owner and dollars a month, most severe first', () => {
    const out = renderEventTable([scanGap, event(), probe, orgCoverage], options);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SEVERITY\s+TYPE\s+ACCOUNT\s+OWNER\s+\$\/MONTH\s+SUMMARY$/);
    const rows = lines.filter((l) => /^\S/.test(l)).slice(1);
    expect(rows[0]).toMatch(/^critical\s+probe\.failure\s+-\s+platform\s+-\s+checkout-health DOWN/);
    expect(rows[1]).toMatch(/^error\s+cost\.anomaly\s+456789012345\s+data\s+\$9,251\s+nightly-etl: waste/);
    expect(rows[2]).toMatch(/^warning\s+tag\.coverage\s+org\s+finops\s+\$2,506\s+/);
    expect(rows[3]).toMatch(/^warning\s+scan-gap\s+210987654321\s+platform\s+-\s+tag-coverage could not/);
  });

  it('puts resolves after the triggers of their severity and shows a saving as negative dollars', () => {
    const out = renderEventTable([resolved, probe], options);
    const rows = out.split('\n').filter((l) => /^critical/.test(l));
    expect(rows[0]).toMatch(/probe\.failure/);
    expect(rows[1]).toMatch(/-\$6,538\s+Resolved: nightly-etl waste$/);
  });

  it('says why an open problem is sent again', () => {
    const out = renderEventTable([event({ data: { evidence: { trigger: 'escalated' } } })], options);
    expect(out).toMatch(/\(escalated\) nightly-etl: waste/);
  });

  it('wraps the summary in its column, aligned under the first line', () => {
    const lines = renderEventTable([event()], options).trimEnd().split('\n');
    const column = (lines[0] ?? '').indexOf('SUMMARY');
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines.slice(2)) expect(line.slice(0, column).trim()).toBe('');
    expect(
      lines
        .slice(1)
        .map((l) => l.slice(column))
        .join(' '),
    ).toMatch(/\+\$9,251\/month\) since 2026-11-17;/);
  });

  it('fits every width, as a table or as one block per event', () => {
    const events = [event(), probe, scanGap, orgCoverage, resolved];
    fc.assert(
      fc.property(fc.integer({ min: 30, max: 250 }), (width) => {
        const out = renderEventTable(events, { ...options, width });
        for (const line of out.split('\n')) expect(columnsOf(line)).toBeLessThanOrEqual(width);
        for (const e of events) expect(out).toContain(e.data.summary.split(' ')[0]);
      }),
    );
    // One event's columns take 57 of 80, leaving the summary fewer than MIN_SUMMARY_COLUMNS: a block.
    expect(80 - 57).toBeLessThan(MIN_SUMMARY_COLUMNS);
    const narrow = renderEventTable([event()], { ...options, width: 80 });
    expect(narrow).toMatch(
      /^error · cost\.anomaly · account 456789012345 · owner data · \$9,251\/month\n {2}nightly-etl/,
    );
  });

  it('keeps a terminal escape in a summary or an owner from reaching the terminal', () => {
    const hostile = event({
      data: {
        summary: 'tag owner=\u001b[2J\u001b]0;x\u0007 bad',
        owner: { team: 'a\u001bb', source: 'resource-tag' },
      },
    });
    expect(renderEventTable([hostile], options).replaceAll('\n', '')).not.toMatch(/\p{Cc}/u);
  });

  it('says so when there is nothing to show', () => {
    expect(renderEventTable([], options)).toBe('No new events.\n');
  });
});

describe('summaryLines', () => {
  it('shows at least the first 130 characters, then cuts between words with an ellipsis', () => {
    const summary = `${'word '.repeat(60)}end`;
    const lines = summaryLines(summary, 40);
    const shown = lines.join(' ');
    expect(shown.replace(' …', '').length).toBeGreaterThanOrEqual(130);
    expect(shown.endsWith(' …')).toBe(true);
    expect(lines.every((l) => l.length <= 40)).toBe(true);
    expect(summaryLines('short summary', 40)).toEqual(['short summary']);
  });
});
