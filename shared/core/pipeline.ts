import { randomUUID } from 'node:crypto';
import { prettifyError } from 'zod/mini';
import { durationMs } from '../config/duration.js';
import { formatPath } from '../config/issue-format.js';
import type { GuardrailsConfig } from '../config/schema.js';
import type { CheckName } from './constants.js';
import { deliverToAll } from './delivery.js';
import type { Envelope } from './envelope.js';
import { GuardrailError } from './errors.js';
import { boundEnvelope } from './event-budget.js';
import { type Finding, findingSchema } from './finding.js';
import type { Check, Lease, ProgressLog, ScopeFailure, ScopeReport, Sink, StateStore } from './ports.js';
import { reconcile } from './reconcile.js';
import { foldReportSnapshot } from './report-memory.js';
import { scanGapFinding } from './scan-gap.js';
import { NO_MEMORY_CHANGES, type Outbox } from './state.js';
import './zod-locale.js';

export interface PipelineDeps {
  readonly config: GuardrailsConfig;
  readonly state: StateStore;
  readonly sinks: readonly Sink[];
  /** The time judged at (a replay or the demo may judge the past); leases use the store's own clock. */
  readonly now: Date;
  readonly log: ProgressLog;
  /** This run's id: its lease holder and its outbox id. Default: a random UUID. */
  readonly runId?: string;
  /** How long the lease holds if this run dies without releasing it. Default {@link DEFAULT_LEASE_TTL_MS}. */
  readonly leaseTtlMs?: number;
}

/** Longer than any run can last: a Lambda function runs at most 15 minutes. */
export const DEFAULT_LEASE_TTL_MS = 16 * 60_000;

export interface RunReport {
  readonly check: string;
  /** Every finding of this run, scan gaps included: what is wrong now. */
  readonly findings: readonly Finding[];
  /** The lifecycle events this run computed and delivered. */
  readonly events: readonly Envelope[];
  /** Events an earlier, interrupted run left undelivered, re-sent unchanged before this run began. */
  readonly replayed: readonly Envelope[];
  readonly scope: ScopeReport;
  readonly heldOpen: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * Runs one check through the whole pipeline, holding the check's state lease:
 *
 *   lease → re-send an earlier run's outbox → collect → evaluate → scan gaps
 *   → reconcile → stage the outbox → deliver → commit → release
 *
 * The events and the state changes that produced them are staged together
 * before any delivery and applied only after every sink accepted every
 * event. A run that dies in between leaves its outbox, which the next run
 * re-sends unchanged (same ids, same bodies) before it computes anything
 * new, so an id is never sent with two different bodies. A second runner
 * gets a LeaseHeldError before it reads or sends anything.
 */
export async function runCheck<O>(check: Check<O>, deps: PipelineDeps): Promise<RunReport> {
  const { config, now, log, state } = deps;
  const lease = await state.acquire(check.name, {
    holder: deps.runId ?? randomUUID(),
    ttlMs: deps.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS,
  });
  try {
    let prior = await state.load(check.name);
    const replayed = prior.outbox ? await settlePendingOutbox(prior.outbox, check.name, deps, lease) : [];
    if (prior.outbox) prior = await state.load(check.name);
    const collected = await check.collect({ config, now, log });
    const evaluation = check.evaluate(collected.observations, { config, now, memory: prior.memory });

    const openByScope = countOpenByScope(prior.incidents);
    const gaps = collected.scope.failed.map((f) => scanGapFinding(check.name, f, openKept(openByScope, f)));
    const findings = [...evaluation.findings, ...gaps].map((f, i) => parseFinding(check.name, f, i));
    for (const gap of collected.scope.failed)
      log.warn(`scan gap: ${gap.scope}: ${gap.reason}`, { check: check.name });

    const result = reconcile({
      findings,
      incidents: prior.incidents,
      completedScopes: new Set(collected.scope.completed),
      ...(collected.scope.retired && { retired: collected.scope.retired }),
      now,
      renotifyAfterMs: durationMs(config.state.renotifyAfter),
    });
    // Bounded before they are staged, so every sink's limit holds and every retry sends these bytes.
    const events = result.events.map((event) => boundEnvelope(event));
    const outbox: Outbox = {
      id: lease.holder,
      createdAt: now.toISOString(),
      events,
      incidents: result.writes,
      memory: foldReportSnapshot(
        evaluation.memory ?? NO_MEMORY_CHANGES,
        evaluation.report,
        prior.memory,
        now,
      ),
    };
    if (outbox.events.length > 0) {
      await state.stage(lease, outbox);
      await deliverToAll(deps.sinks, outbox.events);
    }
    await state.commit(lease, outbox);
    return {
      check: check.name,
      findings,
      events,
      replayed,
      scope: collected.scope,
      heldOpen: result.heldOpen,
      metrics: evaluation.metrics ?? {},
    };
  } finally {
    await state.release(lease).catch((error: unknown) => {
      log.warn(`could not release the ${check.name} state lease: ${(error as Error).message}`);
    });
  }
}

/**
 * Finishes what an interrupted run left: re-sends its staged events exactly
 * as they were, then applies its changes. Returns the events re-sent.
 */
async function settlePendingOutbox(
  outbox: Outbox,
  check: CheckName,
  deps: PipelineDeps,
  lease: Lease,
): Promise<Envelope[]> {
  deps.log.warn(
    `${check}: re-sending ${outbox.events.length} event(s) an interrupted run (${outbox.id}, ${outbox.createdAt}) left undelivered`,
  );
  await deliverToAll(deps.sinks, outbox.events);
  await deps.state.commit(lease, outbox);
  return [...outbox.events];
}

function countOpenByScope(incidents: ReadonlyArray<{ status: string; scope: string }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of incidents) if (r.status === 'open') counts.set(r.scope, (counts.get(r.scope) ?? 0) + 1);
  return counts;
}

/** Open findings a failed scope holds: its own, and those of the scopes it says it holds. */
function openKept(openByScope: ReadonlyMap<string, number>, failure: ScopeFailure): number {
  let kept = 0;
  for (const [scope, count] of openByScope)
    if (scope === failure.scope || failure.holds?.(scope)) kept += count;
  return kept;
}

function parseFinding(check: string, input: unknown, index: number): Finding {
  const result = findingSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue ? `${formatPath(issue.path)}: ${issue.message}` : prettifyError(result.error);
  throw new GuardrailError(`check ${check} produced an invalid finding #${index}: ${where}`, {
    cause: result.error,
  });
}
