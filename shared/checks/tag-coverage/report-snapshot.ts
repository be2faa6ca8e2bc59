/**
 * What tag coverage keeps for the report: the scorecard per account, owner
 * and tag key, by count and by spend, with the untagged dollars; a daily
 * point per account and for the organization; and each digest's deadline
 * (the incident record keeps no evidence). Pure.
 */
import type { GuardrailsConfig } from '../../config/schema.js';
import type { FindingInput } from '../../core/finding.js';
import { dedupKeyOf } from '../../core/identity.js';
import type { ReportSnapshot } from '../../core/report-snapshot.js';
import { addTally, type CoverageTally, coverageOf, emptyTally } from './coverage.js';
import { resolveOwner } from './owner.js';
import type { AccountInfo, TagProblem } from './types.js';

/** Coverage of one tag key: by count (resources carrying it right) and by spend. */
export interface KeyCoverage {
  readonly key: string;
  readonly byCount: number | null;
  readonly bySpend: number | null;
  readonly untaggedUsd: number;
}

/** A coverage scorecard row (`coverage/org`, `coverage/account/<id>`). */
export interface CoverageEntry {
  readonly scope: 'org' | 'account';
  readonly accountId?: string;
  readonly name: string;
  readonly owner?: string;
  readonly taggable: number;
  readonly compliant: number;
  readonly byCount: number | null;
  readonly bySpend: number | null;
  readonly spendUsd: number;
  readonly untaggedUsd: number;
  readonly byKey: readonly KeyCoverage[];
  readonly objective: number;
  /** Some account was not scanned completely: the figures leave it out or count it in part. */
  readonly partial?: boolean;
}

/** `coverage/owner/<team>`: by count only (spend is known per account, not per owner). */
export interface OwnerCoverageEntry {
  readonly team: string;
  readonly taggable: number;
  readonly compliant: number;
  readonly byCount: number | null;
}

/** `finding/<dedupkey>` of a digest: what the report shows beside the incident. */
export interface DigestDeadlineEntry {
  readonly dedupkey: string;
  /** The earliest deadline of the listed resources (past when overdue). */
  readonly deadline?: string;
  readonly total: number;
  readonly overdue: number;
  readonly inGrace: number;
}

/** A daily point: `[byCount, bySpend, untaggedUsd]`. */
export type CoveragePoint = readonly [byCount: number | null, bySpend: number | null, untaggedUsd: number];

/** Per account, how many resources miss (or misspell, or misvalue) each required key. */
export type KeyGaps = Map<string, Map<string, number>>;

/** Counts, once per resource, each key a resource gets wrong; called from the evaluation loop. */
export function countKeyGaps(gaps: KeyGaps, accountId: string, problems: readonly TagProblem[]): void {
  let byKey = gaps.get(accountId);
  if (!byKey) {
    byKey = new Map();
    gaps.set(accountId, byKey);
  }
  for (const key of new Set(problems.map((p) => p.key))) byKey.set(key, (byKey.get(key) ?? 0) + 1);
}

export interface TagReportInput {
  readonly accounts: ReadonlyMap<string, AccountInfo>;
  readonly accountTallies: ReadonlyMap<string, CoverageTally>;
  readonly ownerTallies: ReadonlyMap<string, CoverageTally>;
  readonly keyGaps: KeyGaps;
  readonly requiredKeys: readonly string[];
  readonly findings: readonly FindingInput[];
  readonly completeAccounts: ReadonlySet<string>;
  readonly config: GuardrailsConfig;
}

const round4 = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);
const round2 = (x: number) => Math.round(x * 100) / 100;

function entryOf(
  tally: CoverageTally,
  gaps: ReadonlyMap<string, number> | undefined,
  requiredKeys: readonly string[],
  objective: number,
): Omit<CoverageEntry, 'scope' | 'name'> {
  const figures = coverageOf(tally, requiredKeys);
  return {
    taggable: tally.taggable,
    compliant: tally.compliant,
    byCount: round4(figures.byCount),
    bySpend: round4(figures.bySpend),
    spendUsd: round2(tally.spendUsd),
    untaggedUsd: round2(figures.untaggedUsd),
    byKey: requiredKeys.map((key) => ({
      key,
      byCount: tally.taggable === 0 ? null : round4(1 - (gaps?.get(key) ?? 0) / tally.taggable),
      bySpend: round4(figures.bySpendPerKey[key] ?? null),
      untaggedUsd: round2(Math.min(tally.untaggedUsdByKey[key] ?? 0, tally.spendUsd)),
    })),
    objective,
  };
}

/** The report snapshot of one tag-coverage run. */
export function tagCoverageReport(input: TagReportInput): ReportSnapshot {
  const { requiredKeys, completeAccounts, config } = input;
  const objective = config.tagPolicy?.coverageObjective ?? 1;
  const latest = new Map<string, unknown>();
  const daily = new Map<string, unknown>();
  const point = (e: Omit<CoverageEntry, 'scope' | 'name'>): CoveragePoint => [
    e.byCount,
    e.bySpend,
    e.untaggedUsd,
  ];

  const org = emptyTally();
  const orgGaps = new Map<string, number>();
  let partial = false;
  for (const [accountId, tally] of input.accountTallies) {
    addTally(org, tally);
    for (const [key, n] of input.keyGaps.get(accountId) ?? []) orgGaps.set(key, (orgGaps.get(key) ?? 0) + n);
    const account = input.accounts.get(accountId);
    if (!account) continue;
    const complete = completeAccounts.has(accountId);
    partial ||= !complete;
    // An account not read in full keeps its last scorecard and adds no point: a partial count is not a trend.
    if (!complete) continue;
    const entry = entryOf(tally, input.keyGaps.get(accountId), requiredKeys, objective);
    const owner = resolveOwner({}, account.tags, config.organization).team;
    latest.set(`coverage/account/${accountId}`, {
      scope: 'account',
      accountId,
      name: account.name,
      owner,
      ...entry,
    } satisfies CoverageEntry);
    daily.set(`coverage/account/${accountId}`, point(entry));
  }
  for (const account of input.accounts.values())
    if (!input.accountTallies.has(account.id) && !completeAccounts.has(account.id)) partial = true;
  const orgEntry = entryOf(org, orgGaps, requiredKeys, objective);
  latest.set('coverage/org', {
    scope: 'org',
    name: 'organization',
    ...orgEntry,
    ...(partial && { partial }),
  } satisfies CoverageEntry);
  if (!partial) daily.set('coverage/org', point(orgEntry));

  for (const [team, tally] of input.ownerTallies) {
    latest.set(`coverage/owner/${team}`, {
      team,
      taggable: tally.taggable,
      compliant: tally.compliant,
      byCount: round4(tally.taggable === 0 ? null : tally.compliant / tally.taggable),
    } satisfies OwnerCoverageEntry);
  }

  for (const finding of input.findings) {
    if (finding.rule !== 'required-tags') continue;
    const dedupkey = dedupKeyOf(finding);
    latest.set(`finding/${dedupkey}`, digestDeadline(dedupkey, finding.evidence));
  }

  const incomplete = new Set([...input.accounts.keys()].filter((id) => !completeAccounts.has(id)));
  return {
    latest,
    complete: ['coverage/', 'finding/'],
    keep: (entry) => incomplete.has(accountOfEntry(entry)),
    daily,
  };
}

/** The account an entry belongs to: `coverage/account/<id>` or `finding/tag-coverage:required-tags:<id>:…`. */
function accountOfEntry(entry: string): string {
  if (entry.startsWith('coverage/account/')) return entry.slice('coverage/account/'.length);
  if (entry.startsWith('finding/')) return entry.split(':')[2] ?? '';
  return '';
}

/** A digest's deadline and counts, from its evidence (also read back from events). */
export function digestDeadline(
  dedupkey: string,
  evidence: Record<string, unknown> | undefined,
): DigestDeadlineEntry {
  const counts = (evidence?.counts ?? {}) as { total?: number; overdue?: number; inGrace?: number };
  const resources = Array.isArray(evidence?.resources)
    ? (evidence.resources as Array<{ deadline?: unknown }>)
    : [];
  const deadlines = resources.map((r) => r.deadline).filter((d): d is string => typeof d === 'string');
  const earliest = deadlines.sort()[0];
  return {
    dedupkey,
    ...(earliest && { deadline: earliest }),
    total: counts.total ?? resources.length,
    overdue: counts.overdue ?? 0,
    inGrace: counts.inGrace ?? 0,
  };
}
