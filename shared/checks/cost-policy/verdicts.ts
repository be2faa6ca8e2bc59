import type { CandidateVerdict, Resolved, RuleVerdict } from './model.js';

/** The verdict for a resource the rule does not judge. */
export function notApplicable(reason: string): RuleVerdict {
  return { status: 'not-applicable', reason };
}

export const COMPLIANT: RuleVerdict = { status: 'compliant' };

/** A violation: what is wrong, and how to fix it. */
export function nonCompliant(reason: string, fix: string): RuleVerdict {
  return { status: 'non-compliant', reason, fix };
}

/**
 * Judges a value that may be computed at deploy. A known value is judged
 * as is. For a `choice`, every option is judged: when all agree, that is
 * the verdict (it holds whichever option deploys); when they differ, the
 * verdict is `unresolved` with each candidate's verdict. An `unknown` value
 * is always `unresolved`, with whatever options are known judged.
 *
 * @example
 * judgeEach(sizeChoice, String, (type) => (allowed(type) ? COMPLIANT : nonCompliant(…)))
 */
export function judgeEach<T>(
  value: Resolved<T>,
  label: (option: T) => string,
  judge: (option: T) => RuleVerdict,
): RuleVerdict {
  if (value.kind === 'known') return judge(value.value);
  const judged = value.options.map((option) => ({ value: label(option), verdict: judge(option) }));
  if (value.kind === 'choice' && judged.length > 0) {
    const statuses = new Set(judged.map((j) => j.verdict.status));
    const only = statuses.size === 1 ? judged[0]?.verdict : undefined;
    if (only?.status === 'non-compliant') {
      const reasons = [...new Set(judged.map((j) => (j.verdict as { reason: string }).reason))];
      return nonCompliant(
        reasons.length === 1 ? `${reasons[0]} (every value of ${value.via})` : reasons.join('; '),
        only.fix,
      );
    }
    if (only && only.status !== 'unresolved') return only;
    if (!statuses.has('non-compliant') && !statuses.has('unresolved')) return COMPLIANT;
  }
  const fix = judged.map((j) => j.verdict).find((v) => v.status === 'non-compliant');
  return {
    status: 'unresolved',
    reason:
      value.kind === 'choice'
        ? `depends on ${value.via}, known only at deploy`
        : `${value.via} is known only at deploy${judged.length ? '' : '; no candidate value to judge'}`,
    ...(fix?.status === 'non-compliant' && { fix: fix.fix }),
    candidates: judged.map(({ value: v, verdict }) => candidate(v, verdict)),
  };
}

function candidate(value: string, verdict: RuleVerdict): CandidateVerdict {
  if (verdict.status === 'compliant') return { value, status: 'compliant' };
  return { value, status: verdict.status, reason: verdict.reason };
}

/**
 * Several facts of one resource, all of which must comply (each volume of
 * an instance, each egress rule of a security group): a certain violation
 * wins over an unresolved one, which wins over compliance.
 */
export function allOf(verdicts: readonly RuleVerdict[], whenNone: string): RuleVerdict {
  const violations = verdicts.filter((v) => v.status === 'non-compliant');
  const [firstViolation] = violations;
  if (firstViolation) {
    return violations.length === 1
      ? firstViolation
      : nonCompliant(violations.map((v) => v.reason).join('; '), firstViolation.fix);
  }
  const unresolved = verdicts.filter((v) => v.status === 'unresolved');
  const [firstUnresolved] = unresolved;
  if (firstUnresolved) {
    return unresolved.length === 1
      ? firstUnresolved
      : {
          status: 'unresolved',
          reason: unresolved.map((v) => v.reason).join('; '),
          ...(firstUnresolved.fix !== undefined && { fix: firstUnresolved.fix }),
          candidates: unresolved.flatMap((v) => v.candidates),
        };
  }
  if (verdicts.some((v) => v.status === 'compliant')) return COMPLIANT;
  const [first] = verdicts;
  return first ?? notApplicable(whenNone);
}
