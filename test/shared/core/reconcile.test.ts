import { describe, expect, it } from 'vitest';
import { type Finding, findingSchema } from '../../../shared/core/finding.js';
import { dedupKeyOf } from '../../../shared/core/identity.js';
import { reconcile } from '../../../shared/core/reconcile.js';
import type { IncidentRecord } from '../../../shared/core/state.js';
import { violation } from '../../support/fake-check.js';

const HOUR = 3_600_000;
const t0 = new Date('2026-11-01T06:00:00Z');
const at = (hours: number) => new Date(t0.getTime() + hours * HOUR);
const finding = (account: string, severity: Finding['severity'] = 'warning') =>
  findingSchema.parse(violation(account, severity));

/** Applies a reconcile result the way the pipeline commits it. */
function apply(records: IncidentRecord[], writes: ReturnType<typeof reconcile>['writes']): IncidentRecord[] {
  const byKey = new Map(records.map((r) => [r.dedupkey, r]));
  for (const w of writes) byKey.set(w.record.dedupkey, w.record);
  return [...byKey.values()];
}

/** One run: reconcile at `hours` after t0 against `state`, then commit its writes. */
function runAt(hours: number, state: IncidentRecord[], findings: Finding[], completed: ReadonlySet<string>) {
  const result = reconcile({
    findings,
    incidents: state,
    completedScopes: completed,
    now: at(hours),
    renotifyAfterMs: 24 * HOUR,
  });
  return { result, state: apply(state, result.writes) };
}

describe('reconcile', () => {
  const scopes = new Set(['111111111111/us-east-1', '222222222222/us-east-1']);

  it('triggers a new finding with sequence 1 and a deterministic id', () => {
    const result = reconcile({
      findings: [finding('111111111111')],
      incidents: [],
      completedScopes: scopes,
      now: t0,
      renotifyAfterMs: 24 * HOUR,
    });
    expect(result.events).toHaveLength(1);
    const [event] = result.events;
    expect(event?.action).toBe('trigger');
    expect(event?.sequence).toBe(1);
    expect(event?.data.evidence.trigger).toBe('new');
    const again = reconcile({
      findings: [finding('111111111111')],
      incidents: [],
      completedScopes: scopes,
      now: at(5),
      renotifyAfterMs: 24 * HOUR,
    });
    expect(again.events[0]?.id).toBe(event?.id);
  });

  it('stays quiet for an unchanged open finding but records when it was seen', () => {
    const first = reconcile({
      findings: [finding('111111111111')],
      incidents: [],
      completedScopes: scopes,
      now: t0,
      renotifyAfterMs: 24 * HOUR,
    });
    const state = apply([], first.writes);
    const second = reconcile({
      findings: [finding('111111111111')],
      incidents: state,
      completedScopes: scopes,
      now: at(1),
      renotifyAfterMs: 24 * HOUR,
    });
    expect(second.events).toEqual([]);
    expect(second.writes[0]?.record.lastSeen).toBe(at(1).toISOString());
    expect(second.writes[0]?.record.firstSeen).toBe(t0.toISOString());
    expect(second.writes[0]?.expectedVersion).toBe(1);
  });

  it('triggers again when severity rises, and not when it falls, keeping the severity last notified', () => {
    const state = apply(
      [],
      reconcile({
        findings: [finding('111111111111', 'warning')],
        incidents: [],
        completedScopes: scopes,
        now: t0,
        renotifyAfterMs: 24 * HOUR,
      }).writes,
    );
    const up = reconcile({
      findings: [finding('111111111111', 'error')],
      incidents: state,
      completedScopes: scopes,
      now: at(1),
      renotifyAfterMs: 24 * HOUR,
    });
    expect(up.events.map((e) => [e.action, e.severity, e.sequence, e.data.evidence.trigger])).toEqual([
      ['trigger', 'error', 2, 'escalated'],
    ]);
    const down = reconcile({
      findings: [finding('111111111111', 'info')],
      incidents: apply(state, up.writes),
      completedScopes: scopes,
      now: at(2),
      renotifyAfterMs: 24 * HOUR,
    });
    expect(down.events).toEqual([]);
    expect(down.writes[0]?.record.severity).toBe('error');
  });

  it('renotifies once renotifyAfter has passed since the last notification', () => {
    const state = apply(
      [],
      reconcile({
        findings: [finding('111111111111')],
        incidents: [],
        completedScopes: scopes,
        now: t0,
        renotifyAfterMs: 24 * HOUR,
      }).writes,
    );
    const early = reconcile({
      findings: [finding('111111111111')],
      incidents: state,
      completedScopes: scopes,
      now: at(23.9),
      renotifyAfterMs: 24 * HOUR,
    });
    expect(early.events).toHaveLength(0);
    const late = reconcile({
      findings: [finding('111111111111')],
      incidents: apply(state, early.writes),
      completedScopes: scopes,
      now: at(24),
      renotifyAfterMs: 24 * HOUR,
    });
    expect(late.events.map((e) => e.data.evidence.trigger)).toEqual(['renotify']);
  });

  it('resolves an absent finding only when its scope was completed', () => {
    const state = apply(
      [],
      reconcile({
        findings: [finding('111111111111'), finding('222222222222')],
        incidents: [],
        completedScopes: scopes,
        now: t0,
        renotifyAfterMs: 24 * HOUR,
      }).writes,
    );
    const result = reconcile({
      findings: [],
      incidents: state,
      completedScopes: new Set(['111111111111/us-east-1']),
      now: at(1),
      renotifyAfterMs: 24 * HOUR,
    });
    expect(result.events.map((e) => [e.action, e.subject, e.sequence])).toEqual([
      ['resolve', 'account 111111111111', 2],
    ]);
    expect(result.heldOpen).toBe(1);
    expect(result.events[0]?.data.summary).toMatch(/^Resolved: /);
    expect(result.events[0]?.dedupkey).toBe(dedupKeyOf(finding('111111111111')));
  });

  it('continues the sequence when a resolved problem comes back', () => {
    const opened = runAt(0, [], [finding('111111111111')], scopes);
    const fixed = runAt(1, opened.state, [], scopes);
    const back = runAt(2, fixed.state, [finding('111111111111')], scopes).result;
    expect(back.events.map((e) => [e.action, e.sequence, e.data.evidence.trigger, e.data.firstSeen])).toEqual(
      [['trigger', 3, 'reopened', at(2).toISOString()]],
    );
  });

  it('never resolves an already resolved record twice', () => {
    const opened = runAt(0, [], [finding('111111111111')], scopes);
    const fixed = runAt(1, opened.state, [], scopes);
    const again = runAt(2, fixed.state, [], scopes).result;
    expect(again.events).toEqual([]);
    expect(again.writes).toEqual([]);
  });

  it('rejects two findings with the same dedup key', () => {
    expect(() =>
      reconcile({
        findings: [finding('111111111111'), finding('111111111111')],
        incidents: [],
        completedScopes: scopes,
        now: t0,
        renotifyAfterMs: HOUR,
      }),
    ).toThrow(/two findings with dedup key/);
  });
});

describe('reconcile after a quiet severity drop', () => {
  it('resolves with the severity of the trigger consumers saw', () => {
    const scopes = new Set(['111111111111/us-east-1']);
    const first = reconcile({
      findings: [finding('111111111111', 'error')],
      incidents: [],
      completedScopes: scopes,
      now: t0,
      renotifyAfterMs: 24 * HOUR,
    });
    const lowered = reconcile({
      findings: [finding('111111111111', 'info')],
      incidents: apply([], first.writes),
      completedScopes: scopes,
      now: at(1),
      renotifyAfterMs: 24 * HOUR,
    });
    const fixed = reconcile({
      findings: [],
      incidents: apply(apply([], first.writes), lowered.writes),
      completedScopes: scopes,
      now: at(2),
      renotifyAfterMs: 24 * HOUR,
    });
    expect(fixed.events.map((e) => [e.action, e.severity])).toEqual([['resolve', 'error']]);
  });
});

describe('reconcile of a retired scope', () => {
  it('resolves an open finding whose scope no longer exists, saying why, and holds one merely unobserved', () => {
    const scopes = new Set(['111111111111/us-east-1', '222222222222/us-east-1']);
    const state = apply(
      [],
      reconcile({
        findings: [finding('111111111111'), finding('222222222222')],
        incidents: [],
        completedScopes: scopes,
        now: t0,
        renotifyAfterMs: 24 * HOUR,
      }).writes,
    );
    const result = reconcile({
      findings: [],
      incidents: state,
      completedScopes: new Set(),
      retired: (scope) =>
        scope.startsWith('111111111111') ? 'account 111111111111 is SUSPENDED' : undefined,
      now: at(1),
      renotifyAfterMs: 24 * HOUR,
    });
    expect(result.events.map((e) => [e.action, e.subject, e.data.evidence.resolvedBecause])).toEqual([
      [
        'resolve',
        'account 111111111111',
        '111111111111/us-east-1 no longer exists: account 111111111111 is SUSPENDED',
      ],
    ]);
    expect(result.heldOpen).toBe(1);
  });
});

describe('reconcile renotify after a quiet drop', () => {
  it('reminds at the notified severity, so the resolve still carries it', () => {
    const scopes = new Set(['111111111111/us-east-1']);
    const renotify = 24 * HOUR;
    let state = apply(
      [],
      reconcile({
        findings: [finding('111111111111', 'error')],
        incidents: [],
        completedScopes: scopes,
        now: t0,
        renotifyAfterMs: renotify,
      }).writes,
    );
    state = apply(
      state,
      reconcile({
        findings: [finding('111111111111', 'warning')],
        incidents: state,
        completedScopes: scopes,
        now: at(1),
        renotifyAfterMs: renotify,
      }).writes,
    );
    const reminder = reconcile({
      findings: [finding('111111111111', 'warning')],
      incidents: state,
      completedScopes: scopes,
      now: at(25),
      renotifyAfterMs: renotify,
    });
    expect(reminder.events.map((e) => [e.action, e.severity, e.data.evidence.trigger])).toEqual([
      ['trigger', 'error', 'renotify'],
    ]);
    state = apply(state, reminder.writes);
    const fixed = reconcile({
      findings: [],
      incidents: state,
      completedScopes: scopes,
      now: at(26),
      renotifyAfterMs: renotify,
    });
    expect(fixed.events.map((e) => [e.action, e.severity])).toEqual([['resolve', 'error']]);
  });
});
