import { EVENT_TYPE_PREFIX } from './constants.js';
import type { Envelope } from './envelope.js';
import { GuardrailError } from './errors.js';
import { clampSummary, type Finding } from './finding.js';
import { dedupKeyOf, eventIdOf } from './identity.js';
import { isMoreSevere } from './severity.js';
import type { IncidentRecord, IncidentWrite } from './state.js';

export interface ReconcileInput {
  readonly findings: readonly Finding[];
  /** Every record of this check in the state store, open and resolved. */
  readonly incidents: readonly IncidentRecord[];
  /** Scopes this run observed completely. Only their open incidents may resolve. */
  readonly completedScopes: ReadonlySet<string>;
  /** Why a scope no longer exists, if it does not: its open incidents resolve too. */
  readonly retired?: (scope: string) => string | undefined;
  readonly now: Date;
  readonly renotifyAfterMs: number;
}

export interface ReconcileResult {
  readonly events: Envelope[];
  readonly writes: IncidentWrite[];
  /** Open incidents kept open only because their scope was not completed. */
  readonly heldOpen: number;
}

type TriggerReason = 'new' | 'reopened' | 'escalated' | 'renotify';

/**
 * Turns this run's findings and the stored incidents into lifecycle events.
 *
 * - trigger: a new problem, one that came back, a severity that rose, or
 *   an open problem last notified `renotifyAfter` ago;
 * - resolve: an open problem absent from a run that completed its scope, or
 *   whose scope no longer exists (`retired`);
 * - nothing otherwise, but `lastSeen` is recorded. A lowered severity is
 *   not: the record keeps the severity last notified.
 *
 * Pure: the clock is `now`, and the result is the writes to commit once the
 * events are delivered.
 */
export function reconcile(input: ReconcileInput): ReconcileResult {
  const { now, renotifyAfterMs } = input;
  const time = now.toISOString();
  const byKey = new Map(input.incidents.map((r) => [r.dedupkey, r]));
  const events: Envelope[] = [];
  const writes: IncidentWrite[] = [];
  const seen = new Set<string>();

  for (const finding of input.findings) {
    const dedupkey = dedupKeyOf(finding);
    if (seen.has(dedupkey)) {
      throw new GuardrailError(`check ${finding.check} produced two findings with dedup key ${dedupkey}`);
    }
    seen.add(dedupkey);
    const prior = byKey.get(dedupkey);
    const reason = triggerReason(prior, finding, now, renotifyAfterMs);
    const sequence = (prior?.sequence ?? 0) + (reason ? 1 : 0);
    const firstSeen = prior?.status === 'open' ? prior.firstSeen : time;
    const record: IncidentRecord = {
      dedupkey,
      check: finding.check,
      scope: finding.scope,
      status: 'open',
      // The severity consumers last saw: a quiet drop is not recorded, so the resolve carries the
      // severity its trigger had, and a sink that filters by severity sends both or neither.
      // A reminder (renotify) repeats the notified severity too; only a new, reopened or escalated
      // problem sets it.
      severity: !prior || (reason !== null && reason !== 'renotify') ? finding.severity : prior.severity,
      sequence,
      firstSeen,
      lastSeen: time,
      lastNotified: reason ? time : (prior?.lastNotified ?? time),
      snapshot: snapshotOf(finding),
      version: (prior?.version ?? 0) + 1,
    };
    writes.push({ record, expectedVersion: prior?.version ?? null });
    if (reason) {
      events.push({
        ...envelopeHead(record, 'trigger', time),
        data: {
          summary: finding.summary,
          category: finding.category,
          check: finding.check,
          rule: finding.rule,
          ...(finding.resource && { resource: finding.resource }),
          ...(finding.owner && { owner: finding.owner }),
          ...(finding.impact && { impact: finding.impact }),
          evidence: { ...finding.evidence, trigger: reason },
          ...(finding.links && { links: finding.links }),
          firstSeen,
          lastSeen: time,
        },
      });
    }
  }

  let heldOpen = 0;
  for (const prior of input.incidents) {
    if (prior.status !== 'open' || seen.has(prior.dedupkey)) continue;
    const retiredBecause = input.completedScopes.has(prior.scope) ? undefined : input.retired?.(prior.scope);
    if (!input.completedScopes.has(prior.scope) && retiredBecause === undefined) {
      heldOpen += 1;
      continue;
    }
    const record: IncidentRecord = {
      ...prior,
      status: 'resolved',
      sequence: prior.sequence + 1,
      lastNotified: time,
      version: prior.version + 1,
    };
    writes.push({ record, expectedVersion: prior.version });
    const { snapshot } = prior;
    events.push({
      ...envelopeHead(record, 'resolve', time),
      data: {
        summary: clampSummary(`Resolved: ${snapshot.summary}`),
        category: snapshot.category,
        check: prior.check,
        rule: snapshot.rule,
        ...(snapshot.resource && { resource: snapshot.resource }),
        ...(snapshot.owner && { owner: snapshot.owner }),
        ...(snapshot.impact && { impact: snapshot.impact }),
        evidence: {
          resolvedBecause: retiredBecause
            ? `${prior.scope} no longer exists: ${retiredBecause}`
            : `absent from a complete scan of ${prior.scope}`,
        },
        ...(snapshot.links && { links: snapshot.links }),
        firstSeen: prior.firstSeen,
        lastSeen: prior.lastSeen,
      },
    });
  }
  return { events, writes, heldOpen };
}

function triggerReason(
  prior: IncidentRecord | undefined,
  finding: Finding,
  now: Date,
  renotifyAfterMs: number,
): TriggerReason | null {
  if (!prior) return 'new';
  if (prior.status === 'resolved') return 'reopened';
  if (isMoreSevere(finding.severity, prior.severity)) return 'escalated';
  if (now.getTime() - Date.parse(prior.lastNotified) >= renotifyAfterMs) return 'renotify';
  return null;
}

function snapshotOf(finding: Finding): IncidentRecord['snapshot'] {
  return {
    type: finding.type,
    rule: finding.rule,
    subject: finding.subject,
    origin: finding.origin,
    summary: finding.summary,
    category: finding.category,
    ...(finding.resource && { resource: finding.resource }),
    ...(finding.owner && { owner: finding.owner }),
    ...(finding.impact && { impact: finding.impact }),
    ...(finding.links && { links: finding.links }),
  };
}

function envelopeHead(record: IncidentRecord, action: Envelope['action'], time: string) {
  return {
    specversion: '1.0' as const,
    id: eventIdOf(record.dedupkey, record.sequence),
    source: `finops-guardrails/${record.check}/${record.snapshot.origin}`,
    type: `${EVENT_TYPE_PREFIX}${record.snapshot.type}` as Envelope['type'],
    subject: record.snapshot.subject,
    time,
    datacontenttype: 'application/json' as const,
    dedupkey: record.dedupkey,
    action,
    severity: record.severity,
    sequence: record.sequence,
  };
}
