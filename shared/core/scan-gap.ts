import type { CheckName } from './constants.js';
import { InputError, ScanError } from './errors.js';
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
      ...(failure.input && { input: failure.input }),
      openFindingsKept: openKept,
    },
  };
}

/**
 * The failure of a scope, from whatever its read threw. A ScanError already
 * names its scope, so only its reason is kept: the scan gap names the scope once.
 */
export function scopeFailure(scope: string, error: unknown, prefix = ''): ScopeFailure {
  const reason =
    error instanceof ScanError ? error.reason : error instanceof Error ? error.message : String(error);
  const input = badInputOf(error);
  return {
    scope,
    reason: `${prefix}${reason}`,
    errorName: error instanceof Error ? error.name : 'Error',
    ...(input && { input }),
  };
}

/**
 * Where the bad input behind an error is (`resources.json`, `costs.csv:5322`):
 * the location of the first {@link InputError} in its cause chain, if any.
 */
export function badInputOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    if (current instanceof InputError) return current.location;
    current = current.cause;
  }
  return undefined;
}
