import * as z from 'zod/mini';
import '../../core/zod-locale.js';
import { probeTimingsSchema } from './probe-result.js';

/** What a failed round left behind, so a finding kept open through a pass can still say what broke. */
export const probeFailureSnapshotSchema = z.strictObject({
  at: z.iso.datetime(),
  failures: z.array(
    z.object({ assertion: z.string(), expected: z.unknown(), actual: z.unknown(), message: z.string() }),
  ),
  status: z.optional(z.number().check(z.int())),
  timings: z.optional(probeTimingsSchema),
  tlsDaysLeft: z.optional(z.number()),
  addresses: z._default(z.array(z.string()), []),
  failingLocations: z._default(
    z.array(z.object({ location: z.string(), detail: z.optional(z.string()) })),
    [],
  ),
});

/**
 * One probe's memory between runs. A healthy probe has none: memory exists
 * only from the first failure until it has recovered, so a fleet of healthy
 * probes writes nothing to the state store every minute.
 */
export const probeMemorySchema = z.strictObject({
  consecutiveFailures: z.number().check(z.int(), z.gte(0)),
  consecutivePasses: z.number().check(z.int(), z.gte(0)),
  /** Paged: the finding is emitted while this holds. */
  failing: z.boolean(),
  /** First failed round of the current problem. */
  since: z.iso.datetime(),
  /** Failed rounds since `since`, passes in between not counted. */
  failedRounds: z.number().check(z.int(), z.gte(1)),
  lastFailure: probeFailureSnapshotSchema,
});

export type ProbeMemory = z.infer<typeof probeMemorySchema>;
export type ProbeFailureSnapshot = z.input<typeof probeFailureSnapshotSchema>;

export interface ProbeThresholds {
  /** Consecutive failed rounds before paging. */
  readonly failureThreshold: number;
  /** Consecutive passed rounds, while paging, before the page resolves. */
  readonly successThreshold: number;
}

/** One round's outcome for one probe (after quorum): passed, or failed with what it saw. */
export type ProbeRound =
  | { readonly failed: false }
  | { readonly failed: true; readonly failure: ProbeFailureSnapshot };

export type ProbeTransition = 'started-failing' | 'still-failing' | 'recovered' | 'none';

export interface ProbeStep {
  /** `undefined`: forget the probe (healthy). */
  readonly memory: ProbeMemory | undefined;
  /** Emit the finding this round: true exactly while the probe is failing (paged). */
  readonly page: boolean;
  readonly transition: ProbeTransition;
}

/**
 * Reads stored memory, tolerating garbage: an unreadable entry counts as
 * "no memory" rather than failing every probe's run.
 */
export function readProbeMemory(value: unknown): ProbeMemory | undefined {
  const parsed = probeMemorySchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Advances one probe's state machine by one round. Pure.
 *
 * - `failureThreshold` consecutive failed rounds → failing (page);
 * - while failing, keep paging until `successThreshold` consecutive passes;
 * - below the thresholds nothing pages, so flapping (fail, pass, fail…) never
 *   pages when `failureThreshold` > 1.
 *
 * Trigger and resolve happen once each because reconcile sees one finding
 * present for as long as `page` holds, then absent.
 *
 * @example
 * let s = nextProbeState(undefined, { failed: true, failure }, { failureThreshold: 2, successThreshold: 2 });
 * s.page; // false: one failure is not enough
 */
export function nextProbeState(
  prior: ProbeMemory | undefined,
  round: ProbeRound,
  thresholds: ProbeThresholds,
): ProbeStep {
  if (round.failed) {
    const failure = probeFailureSnapshotSchema.parse(round.failure);
    const consecutiveFailures = (prior?.consecutiveFailures ?? 0) + 1;
    const failing = (prior?.failing ?? false) || consecutiveFailures >= thresholds.failureThreshold;
    const memory: ProbeMemory = {
      consecutiveFailures,
      consecutivePasses: 0,
      failing,
      since: prior?.since ?? failure.at,
      failedRounds: (prior?.failedRounds ?? 0) + 1,
      lastFailure: failure,
    };
    const transition = prior?.failing ? 'still-failing' : failing ? 'started-failing' : 'none';
    return { memory, page: failing, transition };
  }
  if (!prior) return { memory: undefined, page: false, transition: 'none' };
  // A pass below the failure threshold ends a streak that never paged: forget it.
  if (!prior.failing) return { memory: undefined, page: false, transition: 'none' };
  const consecutivePasses = prior.consecutivePasses + 1;
  if (consecutivePasses >= thresholds.successThreshold) {
    return { memory: undefined, page: false, transition: 'recovered' };
  }
  return {
    memory: { ...prior, consecutiveFailures: 0, consecutivePasses },
    page: true,
    transition: 'still-failing',
  };
}
