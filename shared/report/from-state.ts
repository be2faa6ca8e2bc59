import type { CostSeriesEntry } from '../checks/cost-anomaly/report-snapshot.js';
import type { WaiverEntry } from '../checks/cost-policy/runtime/report-snapshot.js';
import type { ProbeEntry, ProbeRoundValue } from '../checks/probe/report-snapshot.js';
import type {
  CoverageEntry,
  CoveragePoint,
  DigestDeadlineEntry,
  OwnerCoverageEntry,
} from '../checks/tag-coverage/report-snapshot.js';
import type { CheckName } from '../core/constants.js';
import { boundedEntryKey, type DailyPoint } from '../core/report-snapshot.js';
import type { CheckState } from '../core/state.js';
import { byUrgency, openFinding } from './open-findings.js';
import { entriesUnder, type ReportMemory, readReportMemory } from './read-report-memory.js';
import type { CoverageDay, CoverageSection, ProbeSection, ReportData } from './report-data.js';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The report of a state: every open incident of every check, and what each
 * check's runs kept for the report (scorecards, daily coverage, the cost
 * series with their bands, probe rounds). Reads only.
 */
export function reportFromState(
  states: ReadonlyMap<CheckName, CheckState>,
  options: { readonly asOf: Date; readonly source: string },
): ReportData {
  const memory = new Map(
    [...states].map(([check, state]) => [check, readReportMemory(state.memory)] as const),
  );
  const tags = memory.get('tag-coverage');
  const findings = [...states.values()]
    .flatMap((state) => state.incidents)
    .filter((r) => r.status === 'open')
    .map((r) => {
      const digest = tags?.latest.get(boundedEntryKey(`finding/${r.dedupkey}`)) as
        | DigestDeadlineEntry
        | undefined;
      return openFinding(
        {
          dedupkey: r.dedupkey,
          check: r.check,
          type: r.snapshot.type,
          severity: r.severity,
          ...(r.snapshot.owner && { owner: r.snapshot.owner.team }),
          ...(r.snapshot.resource?.accountId && { accountId: r.snapshot.resource.accountId }),
          origin: r.snapshot.origin,
          ...(r.snapshot.impact && { usdPerMonth: r.snapshot.impact.usdPerMonth }),
          firstSeen: r.firstSeen,
          lastSeen: r.lastSeen,
          ...(isRecord(digest) && typeof digest.deadline === 'string' && { deadline: digest.deadline }),
          subject: r.snapshot.subject,
          summary: r.snapshot.summary,
          ...(r.snapshot.links?.console && { console: r.snapshot.links.console }),
        },
        options.asOf,
      );
    })
    .sort(byUrgency);
  const notes: string[] = [];
  const outboxes = [...states].filter(([, s]) => s.outbox).map(([check]) => check);
  if (outboxes.length > 0)
    notes.push(
      `${outboxes.join(', ')}: a run's events were not confirmed delivered; the next run re-sends them.`,
    );
  const coverage = tags ? coverageOf(tags) : undefined;
  return {
    asOf: options.asOf.toISOString(),
    source: options.source,
    findings,
    ...(coverage && { coverage }),
    costs: costsOf(memory.get('cost-anomaly')),
    probes: probesOf(memory.get('probe')),
    ...waiversOf(memory.get('cost-policy')),
    notes,
  };
}

/** The waivers in config order, when a cost-policy run judged every rule. */
function waiversOf(policy: ReportMemory | undefined): { waivers?: WaiverEntry[] } {
  if (!policy) return {};
  const waivers = entriesUnder(policy.latest, 'waiver/')
    .filter(
      (e): e is WaiverEntry => isRecord(e) && typeof e.path === 'string' && typeof e.status === 'string',
    )
    .sort((a, b) => pathIndex(a.path) - pathIndex(b.path));
  return waivers.length > 0 ? { waivers } : {};
}

function pathIndex(path: string): number {
  return Number(/\[(\d+)\]$/.exec(path)?.[1] ?? 0);
}

function coverageDays(points: readonly DailyPoint[] | undefined): CoverageDay[] {
  return (points ?? []).flatMap(([day, value]) => {
    if (!Array.isArray(value)) return [];
    const [byCount, bySpend, untaggedUsd] = value as unknown as CoveragePoint;
    return [{ day, byCount: byCount ?? null, bySpend: bySpend ?? null, untaggedUsd: untaggedUsd ?? 0 }];
  });
}

function coverageOf(tags: ReportMemory): CoverageSection | undefined {
  const org = tags.latest.get('coverage/org');
  const accounts = entriesUnder(tags.latest, 'coverage/account/').filter(
    (e): e is CoverageEntry => isRecord(e) && e.scope === 'account' && typeof e.accountId === 'string',
  );
  if (!isRecord(org) && accounts.length === 0) return undefined;
  const owners = entriesUnder(tags.latest, 'coverage/owner/').filter(
    (e): e is OwnerCoverageEntry => isRecord(e) && typeof e.team === 'string',
  );
  const orgEntry = isRecord(org) ? (org as unknown as CoverageEntry) : undefined;
  const objective = orgEntry?.objective ?? accounts[0]?.objective ?? 1;
  return {
    objective,
    requiredKeys: (orgEntry ?? accounts[0])?.byKey.map((k) => k.key) ?? [],
    ...(orgEntry && { org: orgEntry }),
    accounts: [...accounts].sort(
      (a, b) => (a.byCount ?? 1) - (b.byCount ?? 1) || a.name.localeCompare(b.name),
    ),
    owners: [...owners].sort((a, b) => (a.byCount ?? 1) - (b.byCount ?? 1) || a.team.localeCompare(b.team)),
    history: {
      org: coverageDays(tags.daily.get('coverage/org')),
      accounts: accounts.map((a) => ({
        accountId: a.accountId ?? '',
        name: a.name,
        days: coverageDays(tags.daily.get(boundedEntryKey(`coverage/account/${a.accountId}`))),
      })),
    },
  };
}

function costsOf(costs: ReportMemory | undefined): CostSeriesEntry[] {
  if (!costs) return [];
  const series = entriesUnder(costs.latest, 'series/').filter(
    (e): e is CostSeriesEntry => isRecord(e) && typeof e.subject === 'string' && Array.isArray(e.days),
  );
  return series.sort(
    (a, b) =>
      Number(Boolean(b.anomaly)) - Number(Boolean(a.anomaly)) ||
      Math.abs(b.anomaly?.usdPerMonth ?? 0) - Math.abs(a.anomaly?.usdPerMonth ?? 0) ||
      a.subject.localeCompare(b.subject),
  );
}

function probesOf(probes: ReportMemory | undefined): ProbeSection[] {
  if (!probes) return [];
  return entriesUnder(probes.latest, 'probe/')
    .filter((e): e is ProbeEntry => isRecord(e) && typeof e.name === 'string')
    .map((probe) => ({
      probe,
      rounds: (probes.rounds.get(boundedEntryKey(`probe/${probe.name}`)) ?? []).flatMap((r) =>
        isRecord(r.value) ? [{ ...(r.value as unknown as ProbeRoundValue), at: r.at }] : [],
      ),
    }));
}
