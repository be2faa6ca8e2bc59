import type { CheckName } from './constants.js';
import type { FindingInput } from './finding.js';
import type { ScopeFailure } from './ports.js';

/**
 * The finding raised for a scope a run could not observe. Its own scope is
 * the failed scope, so it resolves by itself once a run completes that scope.
 */
export function scanGapFinding(check: CheckName, failure: ScopeFailure, openKept: number): FindingInput {
  return {
    check,
    rule: 'scan-gap',
    type: 'guardrail.scan-gap',
    identity: [failure.scope],
    scope: failure.scope,
    severity: 'warning',
    category: 'guardrail',
    subject: failure.scope,
    origin: 'org',
    summary: `${check} could not observe ${failure.scope}: ${failure.reason}. Open findings there stay open until a complete scan.`,
    evidence: {
      reason: failure.reason,
      ...(failure.errorName && { errorName: failure.errorName }),
      openFindingsKept: openKept,
    },
  };
}
