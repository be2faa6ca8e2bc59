import { describe, expect, it } from 'vitest';
import { evaluateTagCoverage } from '../../../../shared/checks/tag-coverage/evaluate.js';
import { findingSchema } from '../../../../shared/core/finding.js';
import { A, accounts, B, config, resources } from './fixture.js';

const now = new Date('2026-11-20T06:00:00Z');
const evaluate = (observations: Partial<Parameters<typeof evaluateTagCoverage>[0]>) =>
  evaluateTagCoverage(
    { accounts: accounts.slice(0, 2), resources, sources: ['fixture'], ...observations },
    { completeAccounts: new Set([A, B]) },
    { config, now, memory: new Map() },
  );

describe('inactive cost allocation tags', () => {
  it('raises one finding per inactive key, saying how to activate it, and leaves its spend out of coverage', () => {
    // env is not active: Cost Explorer put all of A's spend in `env$`, which must not read as untagged.
    const { findings, metrics } = evaluate({
      spend: [
        { accountId: A, totalUsd: 1000, untaggedUsdByKey: { owner: 100 } },
        { accountId: B, totalUsd: 500, untaggedUsdByKey: { owner: 0 } },
      ],
      inactiveCostTags: [{ key: 'env', requiredKey: 'env', status: 'Inactive' }],
    });

    const inactive = findings.filter((f) => f.rule === 'cost-allocation-tag');
    expect(inactive).toHaveLength(1);
    expect(findingSchema.parse(inactive[0])).toMatchObject({
      type: 'tag.coverage',
      identity: ['env'],
      scope: 'spend',
      severity: 'warning',
      owner: { team: 'finops', source: 'config' },
      evidence: { key: 'env', status: 'Inactive', measured: false },
    });
    expect(inactive[0]?.summary).toMatch(
      /^Tag key env is not an active cost allocation tag, so spend coverage for env cannot be measured/,
    );
    expect(inactive[0]?.summary).toContain(
      'aws ce update-cost-allocation-tags-status --cost-allocation-tags-status TagKey=env,Status=Active',
    );
    // By spend, only owner counts: 1 - 100/1500.
    expect(metrics?.CoverageBySpend).toBeCloseTo(1 - 100 / 1500, 12);
    const accountA = findings.find((f) => f.rule === 'coverage-objective' && f.identity[0] === A);
    expect(accountA?.evidence).toMatchObject({ bySpendPerKey: { owner: 0.9 } });
    expect(Object.keys((accountA?.evidence?.bySpendPerKey ?? {}) as object)).toEqual(['owner']);
  });

  it('keeps a key measured when another spelling is active, and says the inactive spelling counts as lacking it', () => {
    const { findings } = evaluate({
      spend: [{ accountId: A, totalUsd: 1000, untaggedUsdByKey: { owner: 100, env: 300 } }],
      inactiveCostTags: [{ key: 'ENV', requiredKey: 'env', status: 'Inactive' }],
    });

    const inactive = findings.find((f) => f.rule === 'cost-allocation-tag');
    expect(inactive?.evidence).toMatchObject({ key: 'ENV', requiredKey: 'env', measured: true });
    expect(inactive?.summary).toContain('so spend tagged ENV counts as lacking env');
  });

  it('says a key absent from billing data cannot be activated until it appears', () => {
    const { findings } = evaluate({
      spend: [],
      inactiveCostTags: [{ key: 'owner', requiredKey: 'owner', status: 'absent' }],
    });

    expect(findings.find((f) => f.rule === 'cost-allocation-tag')?.summary).toMatch(
      /^Tag key owner is not a cost allocation tag yet \(no billing data carries it/,
    );
  });

  it('reports spend coverage as unknown, not 100%, when no key could be measured', () => {
    const { metrics } = evaluate({
      spend: [{ accountId: A, totalUsd: 1000, untaggedUsdByKey: {} }],
      inactiveCostTags: [
        { key: 'owner', requiredKey: 'owner', status: 'Inactive' },
        { key: 'env', requiredKey: 'env', status: 'Inactive' },
      ],
    });

    expect(metrics?.CoverageBySpend).toBeUndefined();
  });
});

describe('coverage evidence', () => {
  it('says which inventory source counted each account and how many resources it saw', () => {
    const { findings } = evaluate({
      inventoryCounts: new Map<string, Record<string, number>>([
        [A, { 'resource-explorer': 5, 'tagging-api': 3 }],
        [B, { 'tagging-api': 5 }],
      ]),
    });

    const accountA = findings.find((f) => f.rule === 'coverage-objective' && f.identity[0] === A);
    expect(accountA?.evidence).toMatchObject({ countedBy: { 'resource-explorer': 5, 'tagging-api': 3 } });
    const org = findings.find((f) => f.rule === 'coverage-objective' && f.identity[0] === 'org');
    expect(org?.evidence).toMatchObject({ countedBy: { 'resource-explorer': 5, 'tagging-api': 8 } });
  });
});
