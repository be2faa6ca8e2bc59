/** PagerDuty's four severities, lowest first. */
export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, error: 2, critical: 3 };

/** Rank of a severity: info 0 … critical 3. A lookup, not indexOf: sorts call it millions of times. */
export function severityRank(severity: Severity): number {
  return RANK[severity];
}

/** True when `a` is strictly more severe than `b`. */
export function isMoreSevere(a: Severity, b: Severity): boolean {
  return severityRank(a) > severityRank(b);
}

/** The most severe of a non-empty list, or `info` for an empty one. */
export function maxSeverity(severities: Iterable<Severity>): Severity {
  let max: Severity = 'info';
  for (const s of severities) if (isMoreSevere(s, max)) max = s;
  return max;
}
