import { durationMs } from '../../config/duration.js';
import type { TagPolicy } from '../../config/schema.js';
import { digestEntries } from '../../core/digest-list.js';
import { clampSummary, type FindingInput } from '../../core/finding.js';
import type { EvaluateContext, Evaluation } from '../../core/ports.js';
import { maxSeverity, type Severity, severityRank } from '../../core/severity.js';
import { addTally, type CoverageTally, coverageOf, emptyTally } from './coverage.js';
import { type GraceJudgement, judgeGrace } from './grace.js';
import { inactiveCostTagFinding } from './inactive-cost-tag.js';
import { firstTagValue, type OwnerRef, resolveOwner } from './owner.js';
import { compileTagPolicy, describeProblem, isExempt, tagProblems } from './policy.js';
import { countKeyGaps, type KeyGaps, tagCoverageReport } from './report-snapshot.js';
import type { AccountInfo, InactiveCostTag, TaggedResource, TagObservations, TagProblem } from './types.js';

/** Longest ARN or problem line a digest spells out; longer ones (file mode, hostile tags) are cut. */
const DIGEST_TEXT_MAX = 1_024;
/** Owners listed in the org-wide coverage finding, least covered first. */
export const COVERAGE_MAX_OWNERS = 50;
const MEMORY_PREFIX = 'first:';
const TAG_EDITOR = 'https://console.aws.amazon.com/resource-groups/tag-editor/find-resources';

export interface DigestEntry {
  readonly arn: string;
  readonly type: string;
  readonly region: string;
  readonly problems: string[];
  readonly firstSeen: string;
  readonly deadline: string;
  readonly status: 'in-grace' | 'overdue' | 'escalated';
  readonly severity: Severity;
  readonly costUsd30d?: number;
}

/** A violating resource, as held until the digest lists it. */
interface Violation {
  readonly resource: TaggedResource;
  readonly problems: readonly TagProblem[];
  readonly firstSeen: string;
  readonly grace: GraceJudgement;
  readonly cost: number | undefined;
}

interface Digest {
  readonly account: AccountInfo;
  readonly owner: OwnerRef;
  readonly entries: Violation[];
}

interface FirstSeenMemory {
  readonly firstSeen: string;
  readonly accountId: string;
}

/** Input beyond the observations: which accounts were scanned completely in every region. */
export interface TagEvaluationScope {
  readonly completeAccounts: ReadonlySet<string>;
}

/**
 * The tag-coverage judgement: one digest per (account, owner) listing the
 * offending resources, a coverage finding per account below the objective,
 * one org-wide, and the first-seen memory that drives grace periods.
 */
export function evaluateTagCoverage(
  observations: TagObservations,
  scope: TagEvaluationScope,
  ctx: EvaluateContext,
): Evaluation {
  const policyConfig = ctx.config.tagPolicy;
  if (!policyConfig) return { findings: [] };
  const policy = compileTagPolicy(policyConfig);
  // Spend coverage is judged on the keys Cost Explorer could group by; the others get their own finding.
  const unmeasured = new Set(
    (observations.inactiveCostTags ?? [])
      .filter((t) => isUnmeasured(t.requiredKey, observations.inactiveCostTags ?? [], observations.spend))
      .map((t) => t.requiredKey),
  );
  const requiredKeys = policyConfig.requiredTags.map((t) => t.key).filter((k) => !unmeasured.has(k));
  const graceMs = durationMs(policyConfig.gracePeriod);
  const escalateMs = durationMs(policyConfig.escalateAfter);
  const nowIso = ctx.now.toISOString();
  const { organization } = ctx.config;

  const accounts = new Map(observations.accounts.map((a) => [a.id, a]));
  const accountOwners = new Map<string, OwnerRef>();
  const accountOwner = (account: AccountInfo) => {
    let owner = accountOwners.get(account.id);
    if (!owner) {
      owner = resolveOwner({}, account.tags, organization);
      accountOwners.set(account.id, owner);
    }
    return owner;
  };
  const accountTallies = new Map<string, CoverageTally>();
  const ownerTallies = new Map<string, CoverageTally>();
  const tallyOf = (map: Map<string, CoverageTally>, key: string) => {
    let tally = map.get(key);
    if (!tally) {
      tally = emptyTally();
      map.set(key, tally);
    }
    return tally;
  };
  const digests = new Map<string, Digest>();
  const keyGaps: KeyGaps = new Map();
  // Remembered violations seen again: their first-seen dates stay. (New ones are not in memory yet.)
  const stillViolating = new Set<string>();
  const memorySet = new Map<string, FirstSeenMemory>();
  const graceByFirstSeen = new Map<string, GraceJudgement>();

  for (const resource of observations.resources) {
    const account = accounts.get(resource.accountId);
    if (!account || isExempt(resource.resourceType, resource.accountId, policy)) continue;
    // Only the team is needed for every resource; the full owner (with contact) only when a digest starts.
    const team = firstTagValue(resource.tags, organization.ownerTagKeys) ?? accountOwner(account).team;
    const accountTally = tallyOf(accountTallies, account.id);
    const ownerTally = tallyOf(ownerTallies, team);
    accountTally.taggable += 1;
    ownerTally.taggable += 1;
    const problems = tagProblems(resource.tags, policy);
    if (problems.length === 0) {
      accountTally.compliant += 1;
      ownerTally.compliant += 1;
      continue;
    }
    countKeyGaps(keyGaps, account.id, problems);
    const memoryKey = `${MEMORY_PREFIX}${resource.arn}`;
    const remembered = firstSeenOf(ctx.memory.get(memoryKey));
    const firstSeen = remembered ?? nowIso;
    if (remembered) stillViolating.add(memoryKey);
    else memorySet.set(memoryKey, { firstSeen, accountId: account.id });
    // Most violations share a first-seen time (this run's, or a past run's): judge each time once.
    let grace = graceByFirstSeen.get(firstSeen);
    if (!grace) {
      grace = judgeGrace(new Date(firstSeen), ctx.now, graceMs, escalateMs);
      graceByFirstSeen.set(firstSeen, grace);
    }
    const cost = observations.resourceCostUsd?.get(resource.arn);
    const digestKey = `${account.id}\u0000${team}`;
    let digest = digests.get(digestKey);
    if (!digest) {
      digest = { account, owner: resolveOwner(resource.tags, account.tags, organization), entries: [] };
      digests.set(digestKey, digest);
    }
    // Kept compact: only the entries a digest lists are spelled out (digestFinding).
    digest.entries.push({ resource, problems, firstSeen, grace, cost });
  }

  for (const spend of observations.spend ?? []) {
    const account = accounts.get(spend.accountId);
    if (!account || policy.exemptAccounts.has(spend.accountId)) continue;
    const tally = tallyOf(accountTallies, account.id);
    tally.spendUsd += spend.totalUsd;
    for (const [key, usd] of Object.entries(spend.untaggedUsdByKey)) {
      tally.untaggedUsdByKey[key] = (tally.untaggedUsdByKey[key] ?? 0) + usd;
    }
  }

  const findings: FindingInput[] = [];
  for (const digest of digests.values()) findings.push(digestFinding(digest, ctx.now, observations.sources));
  for (const tag of observations.inactiveCostTags ?? []) {
    findings.push(inactiveCostTagFinding(tag, unmeasured.has(tag.requiredKey), organization.defaultOwner));
  }
  const counted = observations.inventoryCounts;

  const org = emptyTally();
  const accountRows: Array<{
    accountId: string;
    name: string;
    byCount: number | null;
    bySpend: number | null;
    untaggedUsd: number;
  }> = [];
  for (const [accountId, tally] of accountTallies) {
    addTally(org, tally);
    const account = accounts.get(accountId);
    if (!account) continue;
    const figures = coverageOf(tally, requiredKeys);
    accountRows.push({
      accountId,
      name: account.name,
      byCount: figures.byCount,
      bySpend: figures.bySpend,
      untaggedUsd: round2(figures.untaggedUsd),
    });
    if (belowObjective(figures, policyConfig.coverageObjective)) {
      findings.push(
        coverageFinding({
          identity: accountId,
          scope: `${accountId}/coverage`,
          subject: `account/${accountId}`,
          origin: accountId,
          label: `${account.name} (${accountId})`,
          owner: accountOwner(account),
          figures,
          tally,
          policy: policyConfig,
          resource: { accountId, type: 'account' },
          ...(counted?.has(accountId) && { countedBy: counted.get(accountId) }),
        }),
      );
    }
  }
  const orgFigures = coverageOf(org, requiredKeys);
  if (belowObjective(orgFigures, policyConfig.coverageObjective)) {
    const finding = coverageFinding({
      identity: 'org',
      scope: 'org',
      subject: 'organization',
      origin: 'org',
      label: 'the organization',
      owner: { ...organization.defaultOwner, source: 'config' },
      figures: orgFigures,
      tally: org,
      policy: policyConfig,
      ...(counted && { countedBy: sumCounts(counted.values()) }),
    });
    finding.evidence = {
      ...finding.evidence,
      worstAccounts: [...accountRows].sort((a, b) => (a.byCount ?? 1) - (b.byCount ?? 1)).slice(0, 10),
      ...leastCoveredOwners(ownerTallies),
    };
    findings.push(finding);
  }

  const memoryDelete: string[] = [];
  for (const [key, value] of ctx.memory) {
    if (!key.startsWith(MEMORY_PREFIX)) continue;
    const accountId = (value as Partial<FirstSeenMemory> | null)?.accountId;
    // Forget a first-seen date only when a complete scan shows the resource fixed or gone.
    if (!stillViolating.has(key) && (accountId === undefined || scope.completeAccounts.has(accountId)))
      memoryDelete.push(key);
  }

  return {
    findings,
    memory: { set: memorySet, delete: memoryDelete },
    report: tagCoverageReport({
      accounts,
      accountTallies,
      ownerTallies,
      keyGaps,
      requiredKeys,
      findings,
      ...scope,
      config: ctx.config,
    }),
    metrics: {
      ResourcesEvaluated: org.taggable,
      ResourcesNonCompliant: org.taggable - org.compliant,
      ...(orgFigures.byCount !== null && { CoverageByCount: orgFigures.byCount }),
      ...(orgFigures.bySpend !== null && { CoverageBySpend: orgFigures.bySpend }),
      UntaggedSpendUsd: round2(orgFigures.untaggedUsd),
      Digests: digests.size,
    },
  };
}

function digestFinding(digest: Digest, now: Date, sources: readonly string[]): FindingInput {
  const { account, owner } = digest;
  // Sort keys read once per entry, not per comparison: a large org's digests hold 10^5 entries.
  const ranked = digest.entries
    .map((v) => ({ v, cost: v.cost ?? -1, rank: severityRank(v.grace.severity), arn: v.resource.arn }))
    .sort(
      (a, b) =>
        b.cost - a.cost ||
        b.rank - a.rank ||
        // Plain code-unit order: stable across locales, and far cheaper than localeCompare.
        (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0),
    )
    .map((k) => k.v);
  const entries = listedEntries(ranked);
  const counts = { 'in-grace': 0, overdue: 0, escalated: 0 };
  let nextDeadline: string | undefined;
  let usdPerMonth = 0;
  let costed = 0;
  for (const v of ranked) {
    counts[v.grace.status] += 1;
    if (v.grace.status === 'in-grace' && (nextDeadline === undefined || v.grace.deadline < nextDeadline)) {
      nextDeadline = v.grace.deadline;
    }
    if (v.cost !== undefined) {
      usdPerMonth += v.cost;
      costed += 1;
    }
  }
  usdPerMonth = round2(usdPerMonth);
  const inGrace = counts['in-grace'];
  const overdue = counts.overdue + counts.escalated;
  const top = entries[0];
  const total = ranked.length;
  const parts = [
    `${owner.team}: ${total === 1 ? '1 resource' : `${total} resources`} in ${account.name} (${account.id}) ${total === 1 ? 'breaks' : 'break'} the tagging policy`,
    overdue ? `${overdue} overdue` : '',
    inGrace ? `${inGrace} in grace until ${nextDeadline?.slice(0, 10)}` : '',
  ].filter(Boolean);
  const summary = `${parts.join('; ')}. First: ${top?.arn} (${top?.problems.join(', ')}).`;
  return {
    check: 'tag-coverage',
    rule: 'required-tags',
    type: 'tag.violation',
    identity: [account.id, owner.team],
    scope: account.id,
    severity: maxSeverity(ranked.map((e) => e.grace.severity)),
    category: 'tagging',
    subject: `account/${account.id}/owner/${owner.team}`,
    origin: account.id,
    summary: clampSummary(summary),
    resource: { accountId: account.id, type: 'account' },
    owner,
    ...(costed > 0 && { impact: { usdPerMonth } }),
    evidence: {
      accountId: account.id,
      accountName: clipText(account.name),
      asOf: now.toISOString(),
      counts: { total, inGrace, overdue, escalated: counts.escalated },
      ...(nextDeadline && { nextDeadline }),
      resources: entries,
      omitted: total - entries.length,
      sources,
    },
    links: { console: TAG_EDITOR },
  };
}

/** The entries a digest spells out: ranked, within the digest bounds. */
function listedEntries(ranked: readonly Violation[]): DigestEntry[] {
  return digestEntries(ranked, listedEntry);
}

function clipText(text: string): string {
  return text.length <= DIGEST_TEXT_MAX ? text : `${text.slice(0, DIGEST_TEXT_MAX - 1)}…`;
}

function listedEntry(v: Violation): DigestEntry {
  return {
    arn: clipText(v.resource.arn),
    type: clipText(v.resource.resourceType),
    region: clipText(v.resource.region),
    problems: v.problems.map((p) => clipText(describeProblem(p))),
    firstSeen: v.firstSeen,
    deadline: v.grace.deadline,
    status: v.grace.status,
    severity: v.grace.severity,
    ...(v.cost !== undefined && { costUsd30d: round2(v.cost) }),
  };
}

interface CoverageFindingInput {
  readonly identity: string;
  readonly scope: string;
  readonly subject: string;
  readonly origin: string;
  readonly label: string;
  readonly owner: OwnerRef;
  readonly figures: ReturnType<typeof coverageOf>;
  readonly tally: CoverageTally;
  readonly policy: TagPolicy;
  readonly resource?: FindingInput['resource'];
  /** How many resources each inventory source listed. */
  readonly countedBy?: Readonly<Record<string, number>> | undefined;
}

function coverageFinding(input: CoverageFindingInput): FindingInput & { evidence: Record<string, unknown> } {
  const { figures, tally, policy } = input;
  const objective = policy.coverageObjective;
  const measures = [
    figures.byCount !== null ? `${pct(figures.byCount)} of resources` : '',
    figures.bySpend !== null ? `${pct(figures.bySpend)} of spend` : '',
  ].filter(Boolean);
  const untagged =
    figures.untaggedUsd > 0 ? ` ($${figures.untaggedUsd.toFixed(2)} of spend lacks a required tag)` : '';
  return {
    check: 'tag-coverage',
    rule: 'coverage-objective',
    type: 'tag.coverage',
    identity: [input.identity],
    scope: input.scope,
    severity: 'warning',
    category: 'tagging',
    subject: input.subject,
    origin: input.origin,
    summary: clampSummary(
      `Tag coverage of ${input.label} is below the ${pct(objective)} objective: ${measures.join(' and ')} carry every required tag${untagged}.`,
    ),
    ...(input.resource && { resource: input.resource }),
    owner: input.owner,
    ...(figures.untaggedUsd > 0 && { impact: { usdPerMonth: round2(figures.untaggedUsd) } }),
    evidence: {
      objective,
      byCount: figures.byCount,
      bySpend: figures.bySpend,
      bySpendPerKey: figures.bySpendPerKey,
      taggable: tally.taggable,
      compliant: tally.compliant,
      spendUsd: round2(tally.spendUsd),
      untaggedUsd: round2(figures.untaggedUsd),
      ...(input.countedBy && { countedBy: input.countedBy }),
    },
    links: { console: TAG_EDITOR },
  };
}

/** The per-source counts of every account, added up. */
function sumCounts(counts: Iterable<Readonly<Record<string, number>>>): Readonly<Record<string, number>> {
  const total: Record<string, number> = {};
  for (const byAccount of counts) {
    for (const [source, n] of Object.entries(byAccount)) total[source] = (total[source] ?? 0) + n;
  }
  return total;
}

/**
 * True when no spelling of a required key could be grouped by: every one
 * is inactive, and the spend source measured nothing for the key.
 */
function isUnmeasured(
  requiredKey: string,
  inactive: readonly InactiveCostTag[],
  spend: TagObservations['spend'],
): boolean {
  if (!inactive.some((t) => t.requiredKey === requiredKey)) return false;
  return !(spend ?? []).some((a) => Object.hasOwn(a.untaggedUsdByKey, requiredKey));
}

function belowObjective(figures: ReturnType<typeof coverageOf>, objective: number): boolean {
  return (
    (figures.byCount !== null && figures.byCount < objective) ||
    (figures.bySpend !== null && figures.bySpend < objective)
  );
}

/** The {@link COVERAGE_MAX_OWNERS} least covered owners (ties by name), and how many more there are. */
function leastCoveredOwners(tallies: ReadonlyMap<string, CoverageTally>): {
  byOwner: Array<{ team: string; taggable: number; byCount: number | null }>;
  byOwnerOmitted: number;
} {
  const rows = [...tallies]
    .map(([team, t]) => ({
      team: clipText(team),
      taggable: t.taggable,
      byCount: ratio(t.compliant, t.taggable),
    }))
    .sort((a, b) => (a.byCount ?? 2) - (b.byCount ?? 2) || (a.team < b.team ? -1 : a.team > b.team ? 1 : 0));
  return {
    byOwner: rows.slice(0, COVERAGE_MAX_OWNERS),
    byOwnerOmitted: Math.max(0, rows.length - COVERAGE_MAX_OWNERS),
  };
}

function firstSeenOf(value: unknown): string | undefined {
  const firstSeen = (value as Partial<FirstSeenMemory> | null | undefined)?.firstSeen;
  return typeof firstSeen === 'string' && !Number.isNaN(Date.parse(firstSeen)) ? firstSeen : undefined;
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
