import { CHECKS, type CheckName } from '../core/constants.js';
import type { StateStore } from '../core/ports.js';
import type { CheckState } from '../core/state.js';

/** Every check's state from a store, for the report; reads only (no lease). */
export async function loadStates(store: StateStore): Promise<Map<CheckName, CheckState>> {
  const states = new Map<CheckName, CheckState>();
  for (const check of CHECKS) states.set(check, await store.load(check));
  return states;
}
