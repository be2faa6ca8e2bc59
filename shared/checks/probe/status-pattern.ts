/**
 * Expected-status patterns: an exact code (`204`) or an inclusive range (`"200-299"`).
 * Shared by the target schema (validation) and the judge (matching).
 */
export type StatusPattern = number | string;

const rangePattern = /^([1-5]\d\d)-([1-5]\d\d)$/;

/** Parses `"200-299"` into `[200, 299]`; returns `undefined` for anything else or a reversed range. */
export function parseStatusRange(pattern: string): readonly [number, number] | undefined {
  const match = rangePattern.exec(pattern.trim());
  if (!match) return undefined;
  const low = Number(match[1]);
  const high = Number(match[2]);
  return low <= high ? [low, high] : undefined;
}

/** True when `status` equals a code in `patterns` or falls inside one of its ranges. */
export function statusMatches(status: number, patterns: readonly StatusPattern[]): boolean {
  return patterns.some((pattern) => {
    if (typeof pattern === 'number') return status === pattern;
    const range = parseStatusRange(pattern);
    return range !== undefined && status >= range[0] && status <= range[1];
  });
}
