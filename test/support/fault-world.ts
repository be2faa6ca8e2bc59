import type { Envelope } from '../../shared/core/envelope.js';
import type { FindingInput } from '../../shared/core/finding.js';
import type { Check, ScopeReport } from '../../shared/core/ports.js';

/**
 * A small organization whose findings change between runs, for fault
 * injection: eleven accounts with a tag violation each (more events than
 * one SQS batch holds), then a changed world where one escalates, two are
 * fixed, one account cannot be read, and two new ones appear.
 */
export interface World {
  readonly findings: ReadonlyArray<{ account: string; severity: FindingInput['severity'] }>;
  readonly scope: ScopeReport;
}

export const account = (n: number): string => String(100_000_000_000 + n);
const scopeOf = (acct: string) => `${acct}/us-east-1`;

/** Eleven accounts, each with one warning: eleven events, two SQS batches. */
export const firstWorld: World = {
  findings: Array.from({ length: 11 }, (_, i) => ({ account: account(i + 1), severity: 'warning' })),
  scope: { completed: Array.from({ length: 11 }, (_, i) => scopeOf(account(i + 1))), failed: [] },
};

/** Account 1 escalates, 2 and 3 are fixed, 4 cannot be read (its finding must stay open), 12 and 13 are new. */
export const changedWorld: World = {
  findings: [
    { account: account(1), severity: 'error' },
    ...Array.from({ length: 7 }, (_, i) => ({ account: account(i + 5), severity: 'warning' as const })),
    { account: account(12), severity: 'warning' },
    { account: account(13), severity: 'warning' },
  ],
  scope: {
    completed: [1, 2, 3, ...Array.from({ length: 9 }, (_, i) => i + 5)].map((n) => scopeOf(account(n))),
    failed: [
      { scope: scopeOf(account(4)), reason: 'AccessDenied on sts:AssumeRole', errorName: 'AccessDenied' },
    ],
  },
};

/** The dedup key of account n's violation. */
export const violationKey = (n: number): string => `tag-coverage:required-tags:${account(n)}:team-a`;

/**
 * A check over a world the test swaps between runs. It remembers when it
 * first saw each account's violation, as the real tag check remembers each
 * resource's first-seen date, so a test can prove first-seen dates survive.
 * `beforeEvaluate` lets a test crash the run right after collect.
 */
export function worldCheck(current: () => World, beforeEvaluate: () => void = () => {}): Check<World> {
  return {
    name: 'tag-coverage',
    collect: async () => ({ observations: current(), scope: current().scope }),
    evaluate(world, ctx) {
      beforeEvaluate();
      const set = new Map<string, unknown>();
      const findings: FindingInput[] = world.findings.map(({ account: acct, severity }) => {
        const key = `first-seen:${acct}`;
        const firstSeen = (ctx.memory.get(key) as string | undefined) ?? ctx.now.toISOString();
        if (!ctx.memory.has(key)) set.set(key, firstSeen);
        return {
          check: 'tag-coverage',
          rule: 'required-tags',
          type: 'tag.violation',
          identity: [acct, 'team-a'],
          scope: scopeOf(acct),
          severity,
          category: 'tagging',
          subject: `account ${acct}`,
          origin: acct,
          summary: `team-a: resources in ${acct} break the tagging policy`,
          owner: { team: 'team-a', source: 'account-tag' },
          evidence: { firstSeen },
        };
      });
      return { findings, memory: { set, delete: [] } };
    },
  };
}

/** What a consumer that applies events in sequence order ends up believing: open problems and their severity. */
export function consumerView(events: readonly Envelope[]): Map<string, string> {
  const latest = new Map<string, Envelope>();
  for (const event of events) {
    const seen = latest.get(event.dedupkey);
    if (!seen || event.sequence > seen.sequence) latest.set(event.dedupkey, event);
  }
  const open = new Map<string, string>();
  for (const [key, event] of latest) if (event.action === 'trigger') open.set(key, event.severity);
  return open;
}

/** Ids delivered with more than one body: must be empty. */
export function idsWithTwoBodies(events: readonly Envelope[]): string[] {
  const bodies = new Map<string, string>();
  const reused = new Set<string>();
  for (const event of events) {
    const body = JSON.stringify(event);
    const seen = bodies.get(event.id);
    if (seen !== undefined && seen !== body) reused.add(event.id);
    bodies.set(event.id, body);
  }
  return [...reused];
}
