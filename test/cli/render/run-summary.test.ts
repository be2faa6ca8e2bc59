import { describe, expect, it } from 'vitest';
import { percent, usd, usdCents } from '../../../cli/render/figures.js';
import { describeMetrics } from '../../../cli/render/metric-lines.js';
import { renderCheckSummaries, renderRunLine, runTotals } from '../../../cli/render/run-summary.js';
import type { Finding } from '../../../shared/core/finding.js';
import type { RunReport } from '../../../shared/core/pipeline.js';

function finding(type: Finding['type'], severity: Finding['severity']): Finding {
  return {
    check: 'tag-coverage',
    rule: 'r',
    type,
    identity: ['x'],
    scope: 's',
    severity,
    category: 'tagging',
    subject: 'x',
    origin: 'org',
    summary: 'x',
    evidence: {},
  };
}

function report(overrides: Partial<RunReport>): RunReport {
  return {
    check: 'tag-coverage',
    findings: [],
    events: [],
    replayed: [],
    scope: { completed: ['a', 'b'], failed: [] },
    heldOpen: 0,
    metrics: {},
    ...overrides,
  };
}

describe('figures', () => {
  it('writes dollars and shares as people read them', () => {
    expect([usd(9251.19), usd(-6537.93), usd(4.5), usd(0), usdCents(2506.01)]).toEqual([
      '$9,251',
      '-$6,538',
      '$4.50',
      '$0.00',
      '$2,506.01',
    ]);
    expect([percent(0.8936), percent(0.95), percent(1)]).toEqual(['89.4%', '95%', '100%']);
  });
});

describe('describeMetrics', () => {
  it('puts coverage in percent against the objective and spend in dollars', () => {
    const phrases = describeMetrics(
      {
        ResourcesEvaluated: 282,
        ResourcesNonCompliant: 30,
        CoverageByCount: 0.8936,
        CoverageBySpend: 0.9651,
        UntaggedSpendUsd: 2506.01,
        Digests: 6,
      },
      { coverageObjective: 0.95 },
    );
    expect(phrases).toEqual([
      'coverage 89.4% of resources and 96.5% of spend (objective 95%)',
      '$2,506.01 untagged spend in the last 30 days',
      '30 of 282 resources break the policy',
      '6 owner digests',
    ]);
  });

  it('reads cost-rule judgements and held cost series as sentences, and leaves out what is zero', () => {
    expect(
      describeMetrics(
        { PolicyJudgements: 26, PolicyViolations: 13, PolicyUnresolved: 2, Digests: 11, costSeriesHeld: 3 },
        {},
      ),
    ).toEqual([
      '11 owner digests',
      '3 cost series held for incomplete data',
      '13 of 26 cost-rule judgements are violations',
      '2 could not be judged from what AWS Config records',
    ]);
    expect(
      describeMetrics(
        { PolicyJudgements: 26, PolicyViolations: 0, PolicyUnresolved: 0, costSeriesHeld: 0 },
        {},
      ),
    ).toEqual(['0 of 26 cost-rule judgements are violations']);
  });

  it('says which probes are up and down, and keeps unknown metrics as name: value', () => {
    const phrases = describeMetrics(
      {
        ProbeHeartbeat: 1,
        'ProbeAvailability.api': 1,
        'ProbeLatencyMs.api': 23,
        'ProbeAvailability.web': 0,
        'ProbeLatencyMs.web': 1200,
        ProbesFailing: 1,
        SomethingNew: 0.12345,
      },
      {},
    );
    expect(phrases).toEqual(['1 of 2 probes failing: api up 23ms, web down 1,200ms', 'SomethingNew: 0.1235']);
  });
});

describe('the closing line', () => {
  it('counts checks, events sent, findings open and new, scan gaps, and names the report', () => {
    const trigger = (reason: string) =>
      ({
        action: 'trigger',
        type: 'finops-guardrails.tag.violation',
        data: { evidence: { trigger: reason } },
      }) as never;
    const reports = [
      report({
        findings: [
          finding('tag.violation', 'error'),
          finding('tag.coverage', 'warning'),
          finding('guardrail.scan-gap', 'warning'),
        ],
        events: [trigger('new'), trigger('renotify')],
        replayed: [trigger('new')],
      }),
      report({
        check: 'probe',
        findings: [finding('probe.failure', 'critical')],
        events: [trigger('reopened')],
      }),
    ];
    const totals = runTotals(reports, ['cost-anomaly']);
    expect(totals).toEqual({
      checks: 3,
      failed: ['cost-anomaly'],
      eventsSent: 4,
      open: 3,
      fresh: 2,
      scanGaps: 1,
    });
    expect(renderRunLine(totals, { reportPath: 'report.html' })).toBe(
      '3 checks run: 4 events sent; 3 findings open, 2 new; 1 scan gap. 1 failed: cost-anomaly (see stderr). Report: report.html\n',
    );
    expect(renderRunLine(runTotals([report({})], []))).toBe(
      '1 check run: 0 events sent; 0 findings open, 0 new; 0 scan gaps.\n',
    );
  });

  it('gives each check a headline and its figures, within the width', () => {
    const text = renderCheckSummaries(
      [
        report({
          findings: [finding('tag.violation', 'error')],
          metrics: { CoverageByCount: 0.5 },
          heldOpen: 2,
        }),
      ],
      ['probe'],
      { width: 60, context: { coverageObjective: 0.9 } },
    );
    const unwrapped = text.replace(/\n {4}/g, ' ');
    expect(unwrapped).toContain(
      'tag-coverage: 1 finding (1 error), 0 events, 2 scopes read completely, 2 findings held open by scan gaps',
    );
    expect(unwrapped).toContain('\n  coverage 50% of resources (objective 90%)');
    expect(text).toContain('probe: FAILED (see stderr); its state was not changed');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
  });
});
