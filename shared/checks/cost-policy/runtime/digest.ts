import type { CostRule } from '../../../config/cost-policy-schema.js';
import { DIGEST_LIST_MAX_BYTES, DIGEST_MAX_RESOURCES, digestEntries } from '../../../core/digest-list.js';
import { clampSummary, type FindingInput } from '../../../core/finding.js';
import { maxSeverity, type Severity, severityRank } from '../../../core/severity.js';
import type { GraceJudgement } from '../../tag-coverage/grace.js';
import type { OwnerRef } from '../../tag-coverage/owner.js';
import type { AccountInfo } from '../../tag-coverage/types.js';
import type { CostFinding } from '../evaluate.js';
import { ruleAccountScope } from './observations.js';

/** Longest ARN, reason or fix a digest spells out; hostile tags and long ids are cut. */
const TEXT_MAX = 1_024;
const CONFIG_CONSOLE = 'https://console.aws.amazon.com/config/home#/resources';

/** A violating resource, as held until its digest lists it. */
export interface PolicyViolation {
  readonly finding: CostFinding;
  readonly firstSeen: string;
  readonly grace: GraceJudgement;
  readonly severity: Severity;
  /** Cost over the last 30 days, where known. */
  readonly cost: number | undefined;
}

/** One resource as a digest lists it. */
export interface PolicyDigestEntry {
  readonly rule: string;
  readonly kind: string;
  readonly resourceId: string;
  readonly arn?: string;
  readonly type: string;
  readonly region?: string;
  readonly reason: string;
  readonly fix?: string;
  /** Set when a waiver named it: `expired` (it violates again). */
  readonly waiver?: { readonly status: 'expired'; readonly expires: string; readonly reason: string };
  readonly firstSeen: string;
  readonly deadline: string;
  readonly status: GraceJudgement['status'];
  readonly severity: Severity;
  readonly costUsd30d?: number;
}

export interface PolicyDigest {
  readonly account: AccountInfo;
  readonly owner: OwnerRef;
  readonly rule: CostRule;
  readonly entries: readonly PolicyViolation[];
}

/**
 * The `guardrail.policy` digest of one (account, owner, rule): the
 * violating resources, costliest and most urgent first, at most
 * {@link DIGEST_MAX_RESOURCES} and {@link DIGEST_LIST_MAX_BYTES} of them
 * (the rest counted in `omitted`), exactly as tag digests are bounded.
 */
export function policyDigestFinding(
  digest: PolicyDigest,
  now: Date,
  sources: readonly string[],
): FindingInput {
  const { account, owner, rule } = digest;
  const ranked = [...digest.entries].sort(
    (a, b) =>
      (b.cost ?? -1) - (a.cost ?? -1) ||
      severityRank(b.severity) - severityRank(a.severity) ||
      compare(idOf(a), idOf(b)),
  );
  const listed = listedEntries(ranked);
  const counts = { 'in-grace': 0, overdue: 0, escalated: 0 };
  let nextDeadline: string | undefined;
  let usd = 0;
  let costed = 0;
  for (const v of ranked) {
    counts[v.grace.status] += 1;
    if (v.grace.status === 'in-grace' && (nextDeadline === undefined || v.grace.deadline < nextDeadline))
      nextDeadline = v.grace.deadline;
    if (v.cost !== undefined) {
      usd += v.cost;
      costed += 1;
    }
  }
  const total = ranked.length;
  const overdue = counts.overdue + counts.escalated;
  const inGrace = counts['in-grace'];
  const top = listed[0];
  const parts = [
    `${owner.team}: ${total === 1 ? '1 resource' : `${total} resources`} in ${account.name} (${account.id}) ${total === 1 ? 'breaks' : 'break'} the cost rule ${rule.id}`,
    overdue ? `${overdue} overdue` : '',
    inGrace ? `${inGrace} in grace until ${nextDeadline?.slice(0, 10)}` : '',
  ].filter(Boolean);
  return {
    check: 'cost-policy',
    rule: rule.id,
    type: 'guardrail.policy',
    identity: [account.id, owner.team],
    scope: ruleAccountScope(account.id, rule.id),
    severity: maxSeverity(ranked.map((v) => v.severity)),
    category: 'cost',
    subject: `account/${account.id}/owner/${owner.team}`,
    origin: account.id,
    summary: clampSummary(`${parts.join('; ')}. First: ${top?.arn ?? top?.resourceId} (${top?.reason}).`),
    resource: { accountId: account.id, type: 'account' },
    owner,
    ...(costed > 0 && { impact: { usdPerMonth: round2(usd) } }),
    evidence: {
      accountId: account.id,
      accountName: clip(account.name),
      rule: {
        id: rule.id,
        kind: rule.kind,
        ...(rule.description && { description: clip(rule.description) }),
      },
      asOf: now.toISOString(),
      counts: { total, inGrace, overdue, escalated: counts.escalated },
      ...(nextDeadline && { nextDeadline }),
      resources: listed,
      omitted: total - listed.length,
      sources,
    },
    links: { console: CONFIG_CONSOLE },
  };
}

function listedEntries(ranked: readonly PolicyViolation[]): PolicyDigestEntry[] {
  return digestEntries(ranked, listedEntry);
}

function listedEntry(v: PolicyViolation): PolicyDigestEntry {
  const { finding } = v;
  const r = finding.resource;
  return {
    rule: finding.rule.id,
    kind: finding.rule.kind,
    resourceId: clip(r.id),
    ...(r.arn && { arn: clip(r.arn) }),
    type: clip(r.type),
    ...(r.region && { region: clip(r.region) }),
    reason: clip(finding.reason),
    ...(finding.fix && { fix: clip(finding.fix) }),
    ...(finding.waiver?.expired && {
      waiver: {
        status: 'expired' as const,
        expires: finding.waiver.expires,
        reason: clip(finding.waiver.reason),
      },
    }),
    firstSeen: v.firstSeen,
    deadline: v.grace.deadline,
    status: v.grace.status,
    severity: v.severity,
    ...(v.cost !== undefined && { costUsd30d: round2(v.cost) }),
  };
}

function idOf(v: PolicyViolation): string {
  return v.finding.resource.arn ?? v.finding.resource.id;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function clip(text: string): string {
  return text.length <= TEXT_MAX ? text : `${text.slice(0, TEXT_MAX - 1)}…`;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
