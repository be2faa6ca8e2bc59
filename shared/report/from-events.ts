import { anomalyOf, type CostSeriesEntry } from '../checks/cost-anomaly/report-snapshot.js';
import { headline } from '../checks/probe/probe-finding.js';
import { displayUrl } from '../checks/probe/report-snapshot.js';
import {
  type CoverageEntry,
  digestDeadline,
  type KeyCoverage,
  type OwnerCoverageEntry,
} from '../checks/tag-coverage/report-snapshot.js';
import { EVENT_TYPE_PREFIX } from '../core/constants.js';
import type { Envelope } from '../core/envelope.js';
import { byUrgency, openFinding } from './open-findings.js';
import type { CoverageSection, ProbeSection, ReportData } from './report-data.js';

type Evidence = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * The open problems of an events file: for each dedupkey its latest event
 * (highest sequence; the later line on a tie, as a re-sent event repeats
 * its body), open when that is a trigger.
 */
export function latestOpenEvents(events: Iterable<Envelope>): Envelope[] {
  const latest = new Map<string, Envelope>();
  for (const event of events) {
    const prior = latest.get(event.dedupkey);
    if (!prior || event.sequence >= prior.sequence) latest.set(event.dedupkey, event);
  }
  return [...latest.values()].filter((e) => e.action === 'trigger');
}

/**
 * The report of an events file (JSONL, as `run --out` or a queue consumer
 * writes it). Events carry each finding's evidence but no history, so
 * coverage lists only the accounts with a coverage finding, anomalies have
 * no series to draw, and each failing probe has its last failed round only.
 */
export function reportFromEvents(
  events: Iterable<Envelope>,
  options: { readonly asOf: Date; readonly source: string },
): ReportData {
  const open = latestOpenEvents(events);
  const findings = open
    .map((e) => {
      const type = e.type.slice(EVENT_TYPE_PREFIX.length);
      const deadline =
        type === 'tag.violation' ? digestDeadline(e.dedupkey, e.data.evidence).deadline : undefined;
      return openFinding(
        {
          dedupkey: e.dedupkey,
          check: e.data.check,
          type,
          severity: e.severity,
          ...(e.data.owner && { owner: e.data.owner.team }),
          ...(e.data.resource?.accountId && { accountId: e.data.resource.accountId }),
          origin: e.source.split('/')[2] ?? '',
          ...(e.data.impact && { usdPerMonth: e.data.impact.usdPerMonth }),
          firstSeen: e.data.firstSeen,
          lastSeen: e.data.lastSeen,
          ...(deadline && { deadline }),
          subject: e.subject,
          summary: e.data.summary,
          ...(e.data.links?.console && { console: e.data.links.console }),
        },
        options.asOf,
      );
    })
    .sort(byUrgency);
  const coverage = coverageOf(open.filter((e) => e.type === `${EVENT_TYPE_PREFIX}tag.coverage`));
  return {
    asOf: options.asOf.toISOString(),
    source: options.source,
    findings,
    ...(coverage && { coverage }),
    costs: open
      .filter((e) => e.type === `${EVENT_TYPE_PREFIX}cost.anomaly` && e.data.rule === 'detector')
      .map(costOf),
    probes: open.filter((e) => e.type === `${EVENT_TYPE_PREFIX}probe.failure`).map(probeOf),
    notes: [
      'Built from events: only open findings carry figures, and events hold no history. Run the report on a state file (--state) for full scorecards and trends.',
    ],
  };
}

function byKeyOf(evidence: Evidence): KeyCoverage[] {
  const perKey = (evidence.bySpendPerKey ?? {}) as Record<string, unknown>;
  return Object.entries(perKey).map(([key, share]) => ({
    key,
    byCount: null,
    bySpend: num(share),
    untaggedUsd: 0,
  }));
}

function coverageOf(events: readonly Envelope[]): CoverageSection | undefined {
  if (events.length === 0) return undefined;
  const accounts = new Map<string, CoverageEntry>();
  let org: CoverageEntry | undefined;
  let owners: OwnerCoverageEntry[] = [];
  for (const e of events) {
    const ev = e.data.evidence as Evidence;
    const base = {
      taggable: num(ev.taggable) ?? 0,
      compliant: num(ev.compliant) ?? 0,
      byCount: num(ev.byCount),
      bySpend: num(ev.bySpend),
      spendUsd: num(ev.spendUsd) ?? 0,
      untaggedUsd: num(ev.untaggedUsd) ?? 0,
      byKey: byKeyOf(ev),
      objective: num(ev.objective) ?? 1,
    };
    const accountId = e.data.resource?.accountId;
    if (accountId) {
      const name = /^Tag coverage of (.+) \(\d{12}\)/.exec(e.data.summary)?.[1] ?? accountId;
      accounts.set(accountId, {
        scope: 'account',
        accountId,
        name,
        ...(e.data.owner && { owner: e.data.owner.team }),
        ...base,
      });
      continue;
    }
    org = { scope: 'org', name: 'organization', ...base };
    for (const w of Array.isArray(ev.worstAccounts) ? (ev.worstAccounts as Evidence[]) : []) {
      const id = str(w.accountId);
      if (!id || accounts.has(id)) continue;
      accounts.set(id, {
        scope: 'account',
        accountId: id,
        name: str(w.name) ?? id,
        taggable: 0,
        compliant: 0,
        byCount: num(w.byCount),
        bySpend: num(w.bySpend),
        spendUsd: 0,
        untaggedUsd: num(w.untaggedUsd) ?? 0,
        byKey: [],
        objective: base.objective,
      });
    }
    owners = (Array.isArray(ev.byOwner) ? (ev.byOwner as Evidence[]) : []).flatMap((o) =>
      str(o.team)
        ? [
            {
              team: str(o.team) as string,
              taggable: num(o.taggable) ?? 0,
              compliant: 0,
              byCount: num(o.byCount),
            },
          ]
        : [],
    );
  }
  const list = [...accounts.values()];
  const objective = org?.objective ?? list[0]?.objective ?? 1;
  return {
    objective,
    requiredKeys: (org ?? list[0])?.byKey.map((k) => k.key) ?? [],
    ...(org && { org }),
    accounts: list.sort((a, b) => (a.byCount ?? 1) - (b.byCount ?? 1)),
    owners: owners.sort((a, b) => (a.byCount ?? 1) - (b.byCount ?? 1)),
    history: { org: [], accounts: [] },
  };
}

function costOf(e: Envelope): CostSeriesEntry {
  const anomaly = anomalyOf({
    check: e.data.check,
    rule: e.data.rule,
    identity: [e.dedupkey],
    severity: e.severity,
    ...(e.data.impact && { impact: e.data.impact }),
    evidence: e.data.evidence,
  });
  return {
    subject: e.subject,
    ...(e.data.resource?.accountId && { accountId: e.data.resource.accountId }),
    ...(e.data.owner && { owner: e.data.owner.team }),
    days: [],
    anomaly: { ...anomaly, dedupkey: e.dedupkey },
  };
}

function probeOf(e: Envelope): ProbeSection {
  const ev = e.data.evidence as Evidence;
  const thresholds = (ev.thresholds ?? {}) as Evidence;
  const timings = (ev.timings ?? {}) as Evidence;
  const failures = Array.isArray(ev.failures) ? (ev.failures as Evidence[]) : [];
  const status = num(ev.status);
  const certDaysLeft = num(ev.tlsDaysLeft);
  return {
    probe: {
      name: str(ev.probe) ?? e.subject,
      url: displayUrl(str(ev.url) ?? e.subject),
      location: str(ev.location) ?? 'unknown',
      certDaysMin: 0,
      failureThreshold: num(thresholds.failureThreshold) ?? 0,
      successThreshold: num(thresholds.successThreshold) ?? 0,
    },
    rounds: [
      {
        at: str(ev.lastFailureAt) ?? e.time,
        ok: false,
        ...(status !== null && { status }),
        totalMs: num(timings.totalMs) ?? 0,
        ...(num(timings.dnsMs) !== null && { dnsMs: num(timings.dnsMs) as number }),
        ...(num(timings.connectMs) !== null && { connectMs: num(timings.connectMs) as number }),
        ...(num(timings.tlsMs) !== null && { tlsMs: num(timings.tlsMs) as number }),
        ...(num(timings.ttfbMs) !== null && { ttfbMs: num(timings.ttfbMs) as number }),
        ...(certDaysLeft !== null && { certDaysLeft }),
        ...(failures[0] && {
          failure: headline({
            assertion: str(failures[0].assertion) ?? 'unknown',
            expected: failures[0].expected,
            actual: failures[0].actual,
          }),
        }),
      },
    ],
  };
}
