import type { GuardrailsConfig } from '../config/schema.js';
import type { CheckName } from './constants.js';
import type { Envelope } from './envelope.js';
import type { FindingInput } from './finding.js';
import type { CheckState, MemoryChanges, StateChanges } from './state.js';

/**
 * Where open incidents and check memory live: DynamoDB when deployed, a JSON
 * file or memory locally. `commit` is called only after every sink has
 * accepted the run's events, and must reject a write whose expected version
 * no longer matches (another run got there first).
 */
export interface StateStore {
  load(check: CheckName): Promise<CheckState>;
  commit(check: CheckName, changes: StateChanges): Promise<void>;
}

/**
 * Where events go. `deliver` resolves only when every event was accepted,
 * and otherwise throws a DeliveryError naming the ids it could not deliver.
 * Ids are deterministic, so a sink that sees an event twice can drop it.
 */
export interface Sink {
  readonly name: string;
  deliver(events: readonly Envelope[]): Promise<void>;
}

/** A scope that could not be observed completely, and why. */
export interface ScopeFailure {
  readonly scope: string;
  readonly reason: string;
  readonly errorName?: string;
}

/** What a collection fully observed and what it could not. */
export interface ScopeReport {
  readonly completed: readonly string[];
  readonly failed: readonly ScopeFailure[];
  /**
   * Says why a scope no longer exists (an account left the organization or
   * was suspended, a probe was removed from config), or undefined while it
   * does. Open findings of a retired scope resolve, with that reason; those
   * of a scope that merely went unobserved stay open.
   */
  readonly retired?: (scope: string) => string | undefined;
}

/** Progress for people; goes to stderr in the CLI and to the logger in Lambda. */
export interface ProgressLog {
  info(message: string, detail?: Record<string, unknown>): void;
  warn(message: string, detail?: Record<string, unknown>): void;
}

export interface CollectContext {
  readonly config: GuardrailsConfig;
  readonly now: Date;
  readonly log: ProgressLog;
}

export interface EvaluateContext {
  readonly config: GuardrailsConfig;
  readonly now: Date;
  /** The check's memory as committed by the last successful run. */
  readonly memory: ReadonlyMap<string, unknown>;
}

export interface Collected<O> {
  readonly observations: O;
  readonly scope: ScopeReport;
}

export interface Evaluation {
  readonly findings: readonly FindingInput[];
  readonly memory?: MemoryChanges;
  /** Figures worth a metric or a line in the report, e.g. coverage. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/**
 * A guardrail. `collect` reads the world through ports; `evaluate` is pure.
 * The pipeline does the rest (scan gaps, reconcile, deliver, commit).
 */
export interface Check<O = unknown> {
  readonly name: CheckName;
  collect(ctx: CollectContext): Promise<Collected<O>>;
  evaluate(observations: O, ctx: EvaluateContext): Evaluation;
}
