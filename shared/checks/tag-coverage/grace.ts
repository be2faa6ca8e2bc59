import type { Severity } from '../../core/severity.js';

const DAY = 86_400_000;

export interface GraceJudgement {
  readonly severity: Severity;
  /** firstSeen + grace period: after it the violation is overdue. */
  readonly deadline: string;
  readonly status: 'in-grace' | 'overdue' | 'escalated';
}

/**
 * How urgent a violation is, from when it was first seen (kept in state,
 * never on the resource): info within the grace period, warning once the
 * deadline has passed, error after the escalation deadline.
 */
export function judgeGrace(firstSeen: Date, now: Date, graceMs: number, escalateMs: number): GraceJudgement {
  const age = now.getTime() - firstSeen.getTime();
  const deadline = new Date(firstSeen.getTime() + graceMs).toISOString();
  if (age < graceMs) return { severity: 'info', deadline, status: 'in-grace' };
  if (age < Math.max(escalateMs, graceMs)) return { severity: 'warning', deadline, status: 'overdue' };
  return { severity: 'error', deadline, status: 'escalated' };
}

/** Whole days from `now` until `deadline`, negative when past. */
export function daysUntil(deadline: string, now: Date): number {
  return Math.floor((Date.parse(deadline) - now.getTime()) / DAY);
}
