import type { RunReport } from '../shared/core/pipeline.js';

const DAY_MS = 86_400_000;

/**
 * A note when the local cost data ends well before the moment judged: the
 * days in between read as missing data (stale-metric scan gaps, resources
 * first seen "now"), which differs from the demo with no hint why. Suggests
 * the `--now` that judges as of the data's end. Undefined when the data is
 * current (it normally ends yesterday, the last complete day).
 *
 * @example
 * staleDataHint('2026-11-19', new Date('2026-12-03T10:00:00Z'));
 * // 'note: the local cost data ends on 2026-11-19, 14 days before the time judged (2026-12-03T10:00:00Z): …'
 */
export function staleDataHint(dataEndsOn: string | undefined, now: Date): string | undefined {
  if (dataEndsOn === undefined) return undefined;
  const end = Date.parse(`${dataEndsOn}T00:00:00Z`);
  if (Number.isNaN(end)) return undefined;
  const days = Math.floor((now.getTime() - end) / DAY_MS);
  if (days < 2) return undefined;
  const suggested = `${new Date(end + DAY_MS).toISOString().slice(0, 10)}T06:00:00Z`;
  return (
    `note: the local cost data ends on ${dataEndsOn}, ${days} days before the time judged (${now.toISOString()}): ` +
    `the days after it read as missing data. To judge as of the data's end, add --now ${suggested} ` +
    '(the demo judges its data as of 2026-11-20).\n'
  );
}

/** SDK messages that mean the same thing: no credentials, no region. */
const AWS_SETUP_PROBLEMS =
  /Region is missing|Could not load credentials|Unable to locate credentials|ExpiredToken|token.*expired/i;

/**
 * After a `--source aws` run in which a check failed or a scope could not be
 * read for want of a region or credentials: where to look next.
 */
export function awsSetupHint(reports: readonly RunReport[], failures: readonly string[]): string | undefined {
  const reasons = [...failures, ...reports.flatMap((r) => r.scope.failed.map((f) => f.reason))];
  if (!reasons.some((r) => AWS_SETUP_PROBLEMS.test(r))) return undefined;
  return 'hint: `finops-guardrails doctor` checks the region, the credentials and every role AWS mode uses, and says what to fix.\n';
}

/** Everything worth saying on stderr once a run is over, before its closing line. */
export function runHints(run: {
  readonly source: 'file' | 'aws';
  readonly dataEndsOn: string | undefined;
  readonly now: Date;
  readonly reports: readonly RunReport[];
  readonly failures: readonly string[];
}): string {
  const hints = [
    run.source === 'file' ? staleDataHint(run.dataEndsOn, run.now) : undefined,
    run.source === 'aws' ? awsSetupHint(run.reports, run.failures) : undefined,
  ];
  return hints.filter(Boolean).join('');
}
