import { describe, expect, it } from 'vitest';
import { evaluateTagCoverage } from '../../../../shared/checks/tag-coverage/evaluate.js';
import type {
  CoverageEntry,
  DigestDeadlineEntry,
} from '../../../../shared/checks/tag-coverage/report-snapshot.js';
import { A, accounts, arnOf, B, config, resources, spend } from './fixture.js';

const now = new Date('2026-11-20T06:00:00Z');
const memory = new Map<string, unknown>([
  [
    `first:${arnOf('a2')}`,
    { firstSeen: new Date(now.getTime() - 40 * 86_400_000).toISOString(), accountId: A },
  ],
]);

function report(completeAccounts = [A, B]) {
  const evaluation = evaluateTagCoverage(
    { accounts: accounts.slice(0, 2), resources, spend, sources: ['fixture'] },
    { completeAccounts: new Set(completeAccounts) },
    { config, now, memory },
  );
  const snapshot = evaluation.report;
  if (!snapshot) throw new Error('no report snapshot');
  return snapshot;
}

describe('tag-coverage report snapshot', () => {
  it('scores each account and the organization by count and by spend, and each required key (worked out by hand)', () => {
    const latest = report().latest;
    // A: a1, a3 compliant; a2 lacks env, a5 lacks owner (a4 exempt). Spend 1000; env lacks 300, owner 100.
    expect(latest.get(`coverage/account/${A}`)).toMatchObject({
      name: 'alpha-prod',
      owner: 'alpha',
      taggable: 4,
      compliant: 2,
      byCount: 0.5,
      bySpend: 0.7,
      untaggedUsd: 300,
      byKey: [
        { key: 'owner', byCount: 0.75, bySpend: 0.9, untaggedUsd: 100 },
        { key: 'env', byCount: 0.75, bySpend: 0.7, untaggedUsd: 300 },
      ],
      objective: 0.8,
    } satisfies Partial<CoverageEntry>);
    // Org: 9 taggable, 6 compliant; owner wrong on 1, env on 2 (a2 and b2's "test").
    const org = latest.get('coverage/org') as CoverageEntry;
    expect(org.byCount).toBeCloseTo(6 / 9, 4);
    expect(org.byKey.map((k) => [k.key, k.byCount])).toEqual([
      ['owner', 0.8889],
      ['env', 0.7778],
    ]);
    expect(org.partial).toBeUndefined();
    expect(latest.get('coverage/owner/gamma')).toEqual({
      team: 'gamma',
      taggable: 5,
      compliant: 4,
      byCount: 0.8,
    });
  });

  it("records each digest's earliest deadline and counts under its dedup key", () => {
    const latest = report().latest;
    const digest = latest.get(`finding/tag-coverage:required-tags:${A}:alpha`) as DigestDeadlineEntry;
    // a2 (first seen 40 days ago, its 7-day grace ended 33 days ago) and a5 (new, in grace until 11-27).
    expect(digest).toMatchObject({ total: 2, overdue: 1, inGrace: 1, deadline: '2026-10-18T06:00:00.000Z' });
  });

  it('adds a daily point per complete account and for the organization', () => {
    const daily = report().daily;
    expect(daily?.get(`coverage/account/${A}`)).toEqual([0.5, 0.7, 300]);
    expect(daily?.has('coverage/org')).toBe(true);
  });

  it('keeps the last scorecard of an account not read in full, adds no point for it, and marks the org partial', () => {
    const snapshot = report([A]);
    expect(snapshot.latest.has(`coverage/account/${B}`)).toBe(false);
    expect(snapshot.daily?.has(`coverage/account/${B}`)).toBe(false);
    expect(snapshot.daily?.has('coverage/org')).toBe(false);
    expect((snapshot.latest.get('coverage/org') as CoverageEntry).partial).toBe(true);
    expect(snapshot.keep?.(`coverage/account/${B}`)).toBe(true);
    expect(snapshot.keep?.(`finding/tag-coverage:required-tags:${B}:gamma`)).toBe(true);
    expect(snapshot.keep?.(`coverage/account/${A}`)).toBe(false);
    expect(snapshot.complete).toContain('coverage/');
  });
});
