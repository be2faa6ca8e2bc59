/** One location's latest verdict on a probe for a minute. */
export interface LocationResult {
  readonly location: string;
  readonly failed: boolean;
  /** A short reason, e.g. `status 503`; absent for a pass. */
  readonly detail?: string;
}

/**
 * Where probe locations share their verdicts: DynamoDB when deployed (the
 * state table), memory locally. A location overwrites its own result for a
 * minute, so `results` holds the latest per location.
 */
export interface QuorumStore {
  record(probe: string, location: string, minute: string, failed: boolean, detail: string): Promise<void>;
  results(probe: string, minute: string): Promise<LocationResult[]>;
}

export interface QuorumVerdict {
  /** At least `required` locations failed. */
  readonly failed: boolean;
  readonly required: number;
  readonly reporting: number;
  readonly failing: readonly LocationResult[];
}

/**
 * The minute bucket locations agree on: `2026-05-01T12:03Z`. Sorts as text,
 * so it also works as a DynamoDB sort-key prefix.
 */
export function quorumMinute(at: Date): string {
  return `${at.toISOString().slice(0, 16)}Z`;
}

/** The bucket before `minute`. */
export function previousQuorumMinute(minute: string): string {
  return quorumMinute(new Date(Date.parse(minute) - 60_000));
}

/**
 * Latest result per location across the current and previous minute: a
 * location whose run this minute has not landed yet still counts with its
 * last verdict, so the first location to run each minute is not blind to the others.
 */
export function latestPerLocation(
  current: readonly LocationResult[],
  previous: readonly LocationResult[],
): LocationResult[] {
  const byLocation = new Map<string, LocationResult>();
  for (const result of previous) byLocation.set(result.location, result);
  for (const result of current) byLocation.set(result.location, result);
  return [...byLocation.values()].sort((a, b) => a.location.localeCompare(b.location));
}

/**
 * K of N: the probe counts as failed for paging only when at least
 * `required` locations report a failure. Pure.
 * @example judgeQuorum([{ location: 'a', failed: true }, { location: 'b', failed: false }], 2).failed // false
 */
export function judgeQuorum(results: readonly LocationResult[], required: number): QuorumVerdict {
  const failing = results.filter((r) => r.failed);
  const needed = Math.max(1, required);
  return { failed: failing.length >= needed, required: needed, reporting: results.length, failing };
}
