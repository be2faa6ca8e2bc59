import { isDeepStrictEqual } from 'node:util';
import type { UserPattern } from '../../config/pattern.js';
import { BODY_PATTERN_OPTIONS, compileLoadedPattern, PatternError } from '../../config/pattern-compiler.js';
import { evaluateJsonPath } from './json-path.js';
import { statusMatches } from './status-pattern.js';
import type { JsonAssertion, ProbeResult, ProbeTarget } from './types.js';

/** One failed assertion, named so that findings and dashboards can group by it. */
export interface AssertionFailure {
  readonly assertion: string;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly message: string;
}

export interface ProbeVerdict {
  readonly passed: boolean;
  readonly failures: readonly AssertionFailure[];
}

/** An assertion is a pure function of the target and what the probe saw; `undefined` means it held. */
type Assertion = (
  target: ProbeTarget,
  result: ProbeResult,
) => AssertionFailure | AssertionFailure[] | undefined;

const failure = (
  assertion: string,
  expected: unknown,
  actual: unknown,
  message: string,
): AssertionFailure => ({
  assertion,
  expected,
  actual,
  message,
});

/** A probe that did not complete fails once, named after why (`timeout`, `tls`, `address-blocked`...). */
export const transportCompleted: Assertion = (target, result) => {
  if (!result.error) return undefined;
  const { kind, code, message } = result.error;
  return failure(kind, 'a complete response', code, `${target.name}: ${message}`);
};

export const statusExpected: Assertion = (target, result) => {
  const { status } = target.expect;
  if (result.status !== undefined && statusMatches(result.status, status)) return undefined;
  return failure(
    'status',
    status,
    result.status,
    `${target.name}: status ${result.status} is not in [${status.join(', ')}]`,
  );
};

export const latencyWithinObjective: Assertion = (target, result) => {
  const objective = target.expect.latencyMs;
  if (objective === undefined || result.timings.totalMs <= objective) return undefined;
  return failure(
    'latency',
    objective,
    result.timings.totalMs,
    `${target.name}: took ${Math.round(result.timings.totalMs)} ms, objective ${objective} ms`,
  );
};

/** Found in the first `maxBodyBytes` is found, so a truncated body can still pass. */
export const bodyContains: Assertion = (target, result) => {
  const needle = target.expect.bodyContains;
  if (needle === undefined || result.body.includes(needle)) return undefined;
  return failure(
    'body-contains',
    needle,
    excerpt(result),
    `${target.name}: body does not contain "${needle}"${truncatedNote(result)}`,
  );
};

/** Absence cannot be proven from a truncated body, so truncation fails this assertion. */
export const bodyNotContains: Assertion = (target, result) => {
  const needle = target.expect.bodyNotContains;
  if (needle === undefined) return undefined;
  if (result.body.includes(needle)) {
    return failure('body-not-contains', needle, excerpt(result), `${target.name}: body contains "${needle}"`);
  }
  if (!result.bodyTruncated) return undefined;
  return failure(
    'body-not-contains',
    needle,
    excerpt(result),
    `${target.name}: body truncated at ${result.bodyBytes} bytes, cannot show it lacks "${needle}"`,
  );
};

/**
 * Work a body match may do per millisecond the probe has left of its
 * `timeoutMs`, in RE2 steps (program instructions × characters). RE2's
 * slowest path (its NFA, when the DFA gives up) ran at 30,000 to 45,000 steps
 * a millisecond with re2js 2.10 on a shared 2-core machine; this is about a
 * tenth of that, so a match ends well within the time left.
 */
export const BODY_MATCH_STEPS_PER_MS = 4_000;

/**
 * How many characters of the body `bodyMatches` may examine: as many as the
 * probe's remaining time allows at {@link BODY_MATCH_STEPS_PER_MS}. Pure: the
 * time left is `timeoutMs` minus what the transport measured.
 */
export function bodyMatchBudget(target: ProbeTarget, result: ProbeResult, programSize: number): number {
  const leftMs = Math.max(0, target.timeoutMs - result.timings.totalMs);
  return Math.floor((leftMs * BODY_MATCH_STEPS_PER_MS) / Math.max(1, programSize));
}

/**
 * Matched on RE2 (linear time), on at most {@link bodyMatchBudget}
 * characters: a match in that prefix passes, as one in a truncated body does;
 * no match there fails, saying how much could be judged in time.
 */
export const bodyMatches: Assertion = (target, result) => {
  const source = target.expect.bodyMatches;
  if (source === undefined) return undefined;
  let pattern: UserPattern;
  try {
    pattern = compileLoadedPattern(source, BODY_PATTERN_OPTIONS);
  } catch (error) {
    // Only a pattern RE2 refuses is a verdict on the target; an engine not loaded is a bug, never a page.
    if (!(error instanceof PatternError)) throw error;
    return failure('body-matches', source, undefined, `${target.name}: ${error.message}`);
  }
  const budget = bodyMatchBudget(target, result, pattern.programSize);
  const cut = budget < result.body.length;
  if (pattern.test(cut ? result.body.slice(0, budget) : result.body)) return undefined;
  const note = cut
    ? ` in the first ${budget} characters, all that could be judged within timeoutMs ${target.timeoutMs}`
    : truncatedNote(result);
  return failure(
    'body-matches',
    source,
    excerpt(result),
    `${target.name}: body does not match /${source}/${note}`,
  );
};

/** JSON cannot be parsed from a truncated body: every JSON assertion then fails with that reason. */
export const jsonAssertionsHold: Assertion = (target, result) => {
  const assertions = target.expect.json;
  if (assertions === undefined || assertions.length === 0) return undefined;
  const document = parseBody(result);
  if (!document.ok) {
    return assertions.map((assertion) =>
      failure(
        'json',
        describeJson(assertion),
        excerpt(result),
        `${target.name}: ${assertion.path}: ${document.reason}`,
      ),
    );
  }
  return assertions.flatMap((assertion) => {
    const problem = checkJson(assertion, document.value);
    return problem === undefined
      ? []
      : [
          failure(
            'json',
            describeJson(assertion),
            problem.actual,
            `${target.name}: ${assertion.path} ${problem.message}`,
          ),
        ];
  });
};

/** Header names compare case-insensitively; values exactly. */
export const headersExpected: Assertion = (target, result) => {
  const expected = target.expect.headers;
  if (expected === undefined) return undefined;
  return Object.entries(expected).flatMap(([name, value]) => {
    const actual = result.headers[name.toLowerCase()];
    if (actual === value) return [];
    const seen = actual === undefined ? 'is absent' : `is "${actual}"`;
    return [
      failure(
        'header',
        { [name]: value },
        actual,
        `${target.name}: header ${name} ${seen}, expected "${value}"`,
      ),
    ];
  });
};

/** Judged only when the probe spoke TLS (https, or a redirect to it). */
export const certificateLastsLongEnough: Assertion = (target, result) => {
  const minimum = target.expect.certDaysLeft;
  if (!result.tls || result.tls.daysLeft >= minimum) return undefined;
  return failure(
    'cert-days-left',
    minimum,
    result.tls.daysLeft,
    `${target.name}: certificate expires ${result.tls.validTo} (${result.tls.daysLeft} days left, minimum ${minimum})`,
  );
};

const responseAssertions: readonly Assertion[] = [
  statusExpected,
  latencyWithinObjective,
  bodyContains,
  bodyNotContains,
  bodyMatches,
  jsonAssertionsHold,
  headersExpected,
  certificateLastsLongEnough,
];

/**
 * Judges one probe result against its target's expectations. Pure: no I/O, no clock.
 * A transport error is the only failure reported (the rest would be noise about a
 * response that never fully arrived); otherwise every failed assertion is listed.
 * @example judgeProbe(target, result) // { passed: false, failures: [{ assertion: 'status', ... }] }
 */
export function judgeProbe(target: ProbeTarget, result: ProbeResult): ProbeVerdict {
  const transportFailure = transportCompleted(target, result);
  const failures = transportFailure
    ? [transportFailure].flat()
    : responseAssertions.flatMap((assertion) => assertion(target, result) ?? []);
  return { passed: failures.length === 0, failures };
}

function checkJson(
  assertion: JsonAssertion,
  document: unknown,
): { actual: unknown; message: string } | undefined {
  const lookup = evaluateJsonPath(document, assertion.path);
  const actual = lookup.found ? lookup.value : undefined;
  const wantsPresent = assertion.exists ?? true;
  if (!wantsPresent) return lookup.found ? { actual, message: 'exists, expected it absent' } : undefined;
  if (!lookup.found) return { actual, message: 'does not exist' };
  if ('equals' in assertion && !isDeepStrictEqual(lookup.value, assertion.equals)) {
    return {
      actual,
      message: `is ${JSON.stringify(lookup.value)}, expected ${JSON.stringify(assertion.equals)}`,
    };
  }
  return undefined;
}

function describeJson(assertion: JsonAssertion): unknown {
  return 'equals' in assertion
    ? { path: assertion.path, equals: assertion.equals }
    : { path: assertion.path, exists: assertion.exists ?? true };
}

function parseBody(result: ProbeResult): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (result.bodyTruncated)
    return { ok: false, reason: `body truncated at ${result.bodyBytes} bytes, cannot parse JSON` };
  try {
    return { ok: true, value: JSON.parse(result.body) };
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
}

const excerptLength = 200;

function excerpt(result: ProbeResult): string {
  return result.body.length > excerptLength ? `${result.body.slice(0, excerptLength)}…` : result.body;
}

function truncatedNote(result: ProbeResult): string {
  return result.bodyTruncated ? ` (body truncated at ${result.bodyBytes} bytes)` : '';
}
