import { describe, expect, it } from 'vitest';
import { evaluateTagCoverage } from '../../../../shared/checks/tag-coverage/evaluate.js';
import type { FindingInput } from '../../../../shared/core/finding.js';
import { A, accounts, arnOf, B, config, resources, spend } from './fixture.js';

const now = new Date('2026-11-20T06:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();
const memory = new Map<string, unknown>([
  [`first:${arnOf('a2')}`, { firstSeen: daysAgo(40), accountId: A }],
  [`first:${arnOf('b2')}`, { firstSeen: daysAgo(10), accountId: B }],
  [`first:arn:aws:ec2:us-east-1:${A}:instance/gone`, { firstSeen: daysAgo(3), accountId: A }],
  [`first:arn:aws:ec2:us-east-1:${B}:instance/unscanned`, { firstSeen: daysAgo(3), accountId: B }],
]);

function run(completeAccounts = [A, B]) {
  return evaluateTagCoverage(
    { accounts: accounts.slice(0, 2), resources, spend, sources: ['fixture'] },
    { completeAccounts: new Set(completeAccounts) },
    { config, now, memory },
  );
}
const byRule = (findings: readonly FindingInput[], rule: string) => findings.filter((f) => f.rule === rule);

describe('evaluateTagCoverage', () => {
  it('computes coverage by count and by spend exactly (numbers worked out by hand)', () => {
    const { findings, metrics } = run();
    // Org: 9 taggable (a4 exempt), 6 compliant. Spend 1500, worst key env untagged 325.
    expect(metrics?.ResourcesEvaluated).toBe(9);
    expect(metrics?.ResourcesNonCompliant).toBe(3);
    expect(metrics?.CoverageByCount).toBeCloseTo(6 / 9, 12);
    expect(metrics?.CoverageBySpend).toBeCloseTo(1 - 325 / 1500, 12);
    expect(metrics?.UntaggedSpendUsd).toBe(325);
    const coverage = byRule(findings, 'coverage-objective');
    // A: 2/4 = 0.5 by count, 1 - 300/1000 = 0.7 by spend -> below 0.8. B: 4/5 = 0.8 and 0.95 -> not below.
    expect(coverage.map((f) => f.identity)).toEqual([[A], ['org']]);
    expect(coverage[0]?.evidence).toMatchObject({
      byCount: 0.5,
      bySpend: 0.7,
      bySpendPerKey: { owner: 0.9, env: 0.7 },
      taggable: 4,
      compliant: 2,
      spendUsd: 1000,
      untaggedUsd: 300,
    });
    expect(coverage[0]?.owner).toEqual({ team: 'alpha', source: 'account-tag' });
    expect(coverage[1]?.owner).toEqual({ team: 'finops', source: 'config' });
    // Least covered first, so the owners to chase stay listed when there are too many to list.
    expect(coverage[1]?.evidence?.byOwner).toEqual([
      { team: 'alpha', taggable: 3, byCount: 1 / 3 },
      { team: 'gamma', taggable: 5, byCount: 4 / 5 },
      { team: 'beta', taggable: 1, byCount: 1 },
    ]);
    expect(coverage[1]?.evidence?.byOwnerOmitted).toBe(0);
  });

  it('sends one digest per account and owner, routing untagged resources to the account owner', () => {
    const digests = byRule(run().findings, 'required-tags');
    expect(digests.map((d) => [d.identity, d.severity])).toEqual([
      [[A, 'alpha'], 'error'],
      [[B, 'gamma'], 'warning'],
    ]);
    const alpha = digests[0]?.evidence as {
      resources: Array<{ arn: string; problems: string[]; status: string }>;
    };
    expect(alpha.resources.map((r) => [r.arn, r.problems, r.status])).toEqual([
      [arnOf('a2'), ['missing env'], 'escalated'],
      [arnOf('a5'), ['missing owner'], 'in-grace'],
    ]);
    expect(digests[0]?.summary).toMatch(
      /^alpha: 2 resources in alpha-prod \(111111111111\) break the tagging policy; 1 overdue; 1 in grace until 2026-11-27/,
    );
  });

  it('remembers when a violation was first seen, and forgets fixed resources only in complete accounts', () => {
    const { memory: changes } = run([A]);
    expect([...(changes?.set.keys() ?? [])]).toEqual([`first:${arnOf('a5')}`]);
    expect(changes?.set.get(`first:${arnOf('a5')}`)).toEqual({ firstSeen: now.toISOString(), accountId: A });
    expect(changes?.delete).toEqual([`first:arn:aws:ec2:us-east-1:${A}:instance/gone`]);
  });

  it('ranks digest entries by cost where known', () => {
    const { findings } = evaluateTagCoverage(
      { accounts, resources, sources: [], resourceCostUsd: new Map([[arnOf('a5'), 12.345]]) },
      { completeAccounts: new Set([A, B]) },
      { config, now, memory },
    );
    const alpha = byRule(findings, 'required-tags')[0];
    expect((alpha?.evidence as { resources?: Array<{ arn: string }> } | undefined)?.resources?.[0]?.arn).toBe(
      arnOf('a5'),
    );
    expect(alpha?.impact).toEqual({ usdPerMonth: 12.35 });
  });

  it('produces nothing without a tag policy', () => {
    const { tagPolicy: _, ...rest } = config;
    expect(
      evaluateTagCoverage(
        { accounts, resources, sources: [] },
        { completeAccounts: new Set() },
        { config: rest, now, memory },
      ).findings,
    ).toEqual([]);
  });
});
