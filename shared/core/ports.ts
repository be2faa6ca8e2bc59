import type { GuardrailsConfig } from '../config/schema.js';
import type { CheckName } from './constants.js';
import type { Envelope } from './envelope.js';
import type { FindingInput } from './finding.js';
import type { ReportSnapshot } from './report-snapshot.js';
import type { CheckState, MemoryChanges, Outbox } from './state.js';

/** A run's exclusive right to change one check's state, until `expiresAt`. */
export interface Lease {
  readonly check: CheckName;
  /** The run holding it; also the id of the outbox that run stages. */
  readonly holder: string;
  readonly expiresAt: Date;
}

/** Expiry is judged by the store's own clock, not the run's `now` (a replay may judge the past). */
export interface LeaseRequest {
  /** Unique per run. */
  readonly holder: string;
  /** How long the lease holds without release: longer than the run can last (a Lambda's timeout). */
  readonly ttlMs: number;
}

/**
 * Where open incidents, check memory and undelivered outboxes live: DynamoDB
 * when deployed, a JSON file or memory locally. Every store honours the same
 * contract (DESIGN §7):
 *
 * - `acquire` gives one runner at a time the right to change a check's state;
 *   a second gets a {@link LeaseHeldError} before it can deliver anything. A
 *   lease left by a crashed run is taken over once it has expired (or, for a
 *   local file, once its process is gone).
 * - `stage` persists an outbox (the events and the changes that produced
 *   them) before delivery; `load` returns it until `commit` applies it.
 * - `commit` applies an outbox's changes, checking each incident's expected
 *   version, and clears it. It is idempotent: an interrupted commit is
 *   finished by committing the same outbox again, and a partial commit never
 *   leaves state that loses a write or a first-seen date.
 */
export interface StateStore {
  acquire(check: CheckName, request: LeaseRequest): Promise<Lease>;
  release(lease: Lease): Promise<void>;
  load(check: CheckName): Promise<CheckState>;
  stage(lease: Lease, outbox: Outbox): Promise<void>;
  commit(lease: Lease, outbox: Outbox): Promise<void>;
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
  /** The bad input (a file, and its line or JSON path) that made the scope fail; the CLI then exits 2. */
  readonly input?: string;
  /**
   * Other scopes whose open findings stay open because this one could not
   * be read (a rule's failed query holds that rule's digest in every
   * account), counted with `scope`'s own in the scan gap's
   * `openFindingsKept`. Absent: `scope` alone.
   */
  readonly holds?: (scope: string) => boolean;
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
  /**
   * How far a long step has got, called as each unit completes. Optional:
   * the CLI draws it as a live line on a terminal; Lambda logs leave it out
   * rather than write a line per account and region.
   */
  progress?(update: ProgressUpdate): void;
}

/** A step's progress: `done` of `total` units (e.g. account-regions scanned), and API pages read so far. */
export interface ProgressUpdate {
  readonly check: string;
  /** What a unit is, plural: `account-regions`. */
  readonly unit: string;
  readonly done: number;
  readonly total: number;
  readonly pages?: number;
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
  /** Scorecards and trend points for the report, folded into memory by the pipeline. */
  readonly report?: ReportSnapshot;
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
