import type { LocationResult, QuorumStore } from '../../checks/probe/quorum.js';

/**
 * Probe quorum results held in memory: local mode (one process, so one
 * location unless a test plays several) and tests.
 */
export class MemoryQuorumStore implements QuorumStore {
  readonly #results = new Map<string, Map<string, LocationResult>>();

  async record(probe: string, location: string, minute: string, failed: boolean, detail: string) {
    const key = `${probe}\u0000${minute}`;
    const byLocation = this.#results.get(key) ?? new Map<string, LocationResult>();
    byLocation.set(location, failed ? { location, failed, detail } : { location, failed });
    this.#results.set(key, byLocation);
  }

  async results(probe: string, minute: string): Promise<LocationResult[]> {
    return [...(this.#results.get(`${probe}\u0000${minute}`)?.values() ?? [])];
  }
}
