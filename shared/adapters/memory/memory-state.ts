import type { CheckName } from '../../core/constants.js';
import { LeaseHeldError, StateConflictError } from '../../core/errors.js';
import type { Lease, LeaseRequest, StateStore } from '../../core/ports.js';
import { applyChanges, type CheckState, type IncidentRecord, type Outbox } from '../../core/state.js';

interface CheckEntry {
  incidents: Map<string, IncidentRecord>;
  memory: Map<string, unknown>;
  outbox?: Outbox;
  lease?: { holder: string; expiresAt: number };
}

/**
 * State held in memory for one process: what `run` uses without `--state`,
 * so every finding shows as new. It keeps the same contract as the durable
 * stores (lease, outbox, version checks) so tests of the pipeline exercise it.
 */
export class MemoryStateStore implements StateStore {
  private readonly checks = new Map<CheckName, CheckEntry>();
  private readonly clock: () => Date;

  /**
   * @param seed state to start from, e.g. a baseline file's; it is copied, never written back.
   * @param options.clock judges lease expiry; tests pass a fake one.
   */
  constructor(seed?: ReadonlyMap<CheckName, CheckState>, options: { clock?: () => Date } = {}) {
    this.clock = options.clock ?? (() => new Date());
    for (const [check, state] of seed ?? []) {
      this.checks.set(check, {
        incidents: new Map(state.incidents.map((r) => [r.dedupkey, r])),
        memory: new Map(state.memory),
        ...(state.outbox && { outbox: state.outbox }),
      });
    }
  }

  async acquire(check: CheckName, request: LeaseRequest): Promise<Lease> {
    const entry = this.entry(check);
    const now = this.clock().getTime();
    if (entry.lease && entry.lease.holder !== request.holder && entry.lease.expiresAt > now) {
      throw new LeaseHeldError(
        `${check} state is held by run ${entry.lease.holder} until ${new Date(entry.lease.expiresAt).toISOString()}`,
        entry.lease.holder,
        new Date(entry.lease.expiresAt),
      );
    }
    entry.lease = { holder: request.holder, expiresAt: now + request.ttlMs };
    return { check, holder: request.holder, expiresAt: new Date(entry.lease.expiresAt) };
  }

  async release(lease: Lease): Promise<void> {
    const entry = this.entry(lease.check);
    if (entry.lease?.holder === lease.holder) delete entry.lease;
  }

  async load(check: CheckName): Promise<CheckState> {
    const entry = this.checks.get(check);
    return {
      incidents: [...(entry?.incidents.values() ?? [])],
      memory: new Map(entry?.memory ?? []),
      ...(entry?.outbox && { outbox: entry.outbox }),
    };
  }

  async stage(lease: Lease, outbox: Outbox): Promise<void> {
    const entry = this.held(lease);
    if (entry.outbox && entry.outbox.id !== outbox.id) {
      throw new StateConflictError(`${lease.check}: run ${entry.outbox.id} has an outbox not yet committed`);
    }
    entry.outbox = outbox;
  }

  async commit(lease: Lease, outbox: Outbox): Promise<void> {
    const entry = this.held(lease);
    const incidents = new Map(entry.incidents);
    const memory = new Map(entry.memory);
    applyChanges(incidents, memory, outbox, lease.check);
    entry.incidents = incidents;
    entry.memory = memory;
    if (entry.outbox?.id === outbox.id) delete entry.outbox;
  }

  private entry(check: CheckName): CheckEntry {
    let entry = this.checks.get(check);
    if (!entry) {
      entry = { incidents: new Map(), memory: new Map() };
      this.checks.set(check, entry);
    }
    return entry;
  }

  /** The entry, if `lease` still holds it: a run whose lease was taken over must not write. */
  private held(lease: Lease): CheckEntry {
    const entry = this.entry(lease.check);
    if (entry.lease?.holder !== lease.holder) {
      throw new StateConflictError(`${lease.check}: run ${lease.holder} no longer holds the state lease`);
    }
    return entry;
  }
}
