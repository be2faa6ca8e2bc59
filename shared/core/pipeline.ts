import { z } from 'zod';
import { durationMs } from '../config/duration.js';
import { formatPath } from '../config/loader.js';
import type { GuardrailsConfig } from '../config/schema.js';
import { deliverToAll } from './delivery.js';
import type { Envelope } from './envelope.js';
import { GuardrailError } from './errors.js';
import { type Finding, findingSchema } from './finding.js';
import type { Check, ProgressLog, ScopeReport, Sink, StateStore } from './ports.js';
import { reconcile } from './reconcile.js';
import { scanGapFinding } from './scan-gap.js';
import { NO_MEMORY_CHANGES } from './state.js';

export interface PipelineDeps {
  readonly config: GuardrailsConfig;
  readonly state: StateStore;
  readonly sinks: readonly Sink[];
  readonly now: Date;
  readonly log: ProgressLog;
}

export interface RunReport {
  readonly check: string;
  /** Every finding of this run, scan gaps included: what is wrong now. */
  readonly findings: readonly Finding[];
  /** The lifecycle events delivered. */
  readonly events: readonly Envelope[];
  readonly scope: ScopeReport;
  readonly heldOpen: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * Runs one check through the whole pipeline:
 * collect → evaluate → scan gaps → reconcile → deliver → commit.
 *
 * State is committed only after every sink accepted every event. If
 * delivery fails, this throws and commits nothing, so the next run produces
 * the same events with the same ids.
 */
export async function runCheck<O>(check: Check<O>, deps: PipelineDeps): Promise<RunReport> {
  const { config, now, log } = deps;
  const collected = await check.collect({ config, now, log });
  const prior = await deps.state.load(check.name);
  const evaluation = check.evaluate(collected.observations, { config, now, memory: prior.memory });

  const openByScope = countOpenByScope(prior.incidents);
  const gaps = collected.scope.failed.map((f) =>
    scanGapFinding(check.name, f, openByScope.get(f.scope) ?? 0),
  );
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
  await deliverToAll(deps.sinks, result.events);
  await deps.state.commit(check.name, {
    incidents: result.writes,
    memory: evaluation.memory ?? NO_MEMORY_CHANGES,
  });
  return {
    check: check.name,
    findings,
    events: result.events,
    scope: collected.scope,
    heldOpen: result.heldOpen,
    metrics: evaluation.metrics ?? {},
  };
}

function countOpenByScope(incidents: ReadonlyArray<{ status: string; scope: string }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of incidents) if (r.status === 'open') counts.set(r.scope, (counts.get(r.scope) ?? 0) + 1);
  return counts;
}

function parseFinding(check: string, input: unknown, index: number): Finding {
  const result = findingSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue ? `${formatPath(issue.path)}: ${issue.message}` : z.prettifyError(result.error);
  throw new GuardrailError(`check ${check} produced an invalid finding #${index}: ${where}`, {
    cause: result.error,
  });
}
