import type { CheckName } from '../../core/constants.js';
import { StateConflictError } from '../../core/errors.js';
import type { StateStore } from '../../core/ports.js';
import type { CheckState, IncidentRecord, StateChanges } from '../../core/state.js';

/**
 * State held in memory for one process: what `run` uses without `--state`,
 * so every finding shows as new. It keeps the same version checks as the
 * durable stores so tests of the pipeline exercise them.
 */
export class MemoryStateStore implements StateStore {
  private readonly incidents = new Map<CheckName, Map<string, IncidentRecord>>();
  private readonly memory = new Map<CheckName, Map<string, unknown>>();

  /** @param seed state to start from, e.g. a baseline file's; it is copied, never written back. */
  constructor(seed?: ReadonlyMap<CheckName, CheckState>) {
    for (const [check, state] of seed ?? []) {
      this.incidents.set(check, new Map(state.incidents.map((r) => [r.dedupkey, r])));
      this.memory.set(check, new Map(state.memory));
    }
  }

  async load(check: CheckName): Promise<CheckState> {
    return {
      incidents: [...(this.incidents.get(check)?.values() ?? [])],
      memory: new Map(this.memory.get(check) ?? []),
    };
  }

  async commit(check: CheckName, changes: StateChanges): Promise<void> {
    const incidents = this.incidents.get(check) ?? new Map<string, IncidentRecord>();
    for (const { record, expectedVersion } of changes.incidents) {
      const current = incidents.get(record.dedupkey);
      if ((current?.version ?? null) !== expectedVersion) {
        throw new StateConflictError(`${record.dedupkey} changed since it was read`);
      }
    }
    for (const { record } of changes.incidents) incidents.set(record.dedupkey, record);
    this.incidents.set(check, incidents);
    const memory = this.memory.get(check) ?? new Map<string, unknown>();
    for (const [key, value] of changes.memory.set) memory.set(key, value);
    for (const key of changes.memory.delete) memory.delete(key);
    this.memory.set(check, memory);
  }
}
