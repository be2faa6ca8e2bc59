import { clampSummary, type FindingInput } from '../../core/finding.js';
import type { Severity } from '../../core/severity.js';
import { probeErrorKinds } from './probe-result.js';
import type { ProbeMemory, ProbeThresholds } from './state-machine.js';

/** The rule and finding type every probe finding carries. */
export const PROBE_RULE = 'http';

/** Where the failure was seen: this location, or K of N locations under quorum. */
export interface ProbeVantage {
  readonly location: string;
  readonly quorum?: { readonly required: number; readonly reporting: number; readonly failing: number };
}

export interface ProbeFindingInput {
  readonly name: string;
  readonly url: string;
  readonly severity: Severity;
  readonly owner?: { readonly team: string; readonly contact?: string | undefined };
  readonly memory: ProbeMemory;
  readonly vantage: ProbeVantage;
  readonly thresholds: ProbeThresholds;
  /** Whether this round itself failed (a page is kept open through passes below the success threshold). */
  readonly roundFailed: boolean;
}

const unreachable = new Set<string>([...probeErrorKinds, 'status']);
const HEADLINE_MAX = 70;

/**
 * The standalone first line of a probe page, e.g.
 * `checkout-api DOWN from us-west-2: status 503 (expected 200-399) for 3 checks since 12:03Z`.
 */
export function probeSummary(
  input: Omit<ProbeFindingInput, 'severity' | 'thresholds' | 'roundFailed'>,
): string {
  const { name, memory, vantage } = input;
  const { failures, failingLocations } = memory.lastFailure;
  const first = failures[0];
  const verb = first === undefined || unreachable.has(first.assertion) ? 'DOWN' : 'DEGRADED';
  const from = vantage.quorum
    ? `${vantage.quorum.failing} of ${vantage.quorum.reporting} locations`
    : vantage.location;
  const detail = first ? headline(first) : (failingLocations[0]?.detail ?? 'failed');
  const more = failures.length > 1 ? ` (+${failures.length - 1} more)` : '';
  const checks = `${memory.failedRounds} check${memory.failedRounds === 1 ? '' : 's'}`;
  const since = `${memory.since.slice(11, 16)}Z`;
  return clampSummary(`${name} ${verb} from ${from}: ${detail}${more} for ${checks} since ${since}`);
}

/** A short reason for one failed assertion: what a person needs first. */
export function headline(failure: { assertion: string; expected: unknown; actual: unknown }): string {
  const { assertion, expected, actual } = failure;
  let text: string;
  if (assertion === 'status') {
    const wanted = Array.isArray(expected) ? expected.join(', ') : String(expected);
    text = `status ${actual ?? 'none'} (expected ${wanted})`;
  } else if (assertion === 'latency') {
    text = `took ${Math.round(Number(actual))} ms (objective ${String(expected)} ms)`;
  } else if (assertion === 'cert-days-left') {
    text = `certificate expires in ${String(actual)} days (minimum ${String(expected)})`;
  } else if ((probeErrorKinds as readonly string[]).includes(assertion)) {
    text = `${assertion} ${String(actual)}`;
  } else {
    text = `${assertion} assertion failed`;
  }
  return text.length > HEADLINE_MAX ? `${text.slice(0, HEADLINE_MAX - 1)}…` : text;
}

/** The memory key of a probe's state machine. */
export function probeMemoryKey(name: string): string {
  return `probe:${name}`;
}

/** The scope of one probe target: completed whenever a round produced a result. */
export function probeScope(name: string): string {
  return `probe/${name}`;
}

/** The `probe.failure` finding of a failing (paged) probe. Identity is the probe name, never a measurement. */
export function probeFinding(input: ProbeFindingInput): FindingInput {
  const { name, url, memory, vantage } = input;
  const last = memory.lastFailure;
  return {
    check: 'probe',
    rule: PROBE_RULE,
    type: 'probe.failure',
    identity: [name],
    scope: probeScope(name),
    severity: input.severity,
    category: 'availability',
    subject: url,
    origin: 'observer',
    summary: probeSummary(input),
    ...(input.owner && {
      owner: {
        team: input.owner.team,
        ...(input.owner.contact && { contact: input.owner.contact }),
        source: 'config' as const,
      },
    }),
    evidence: {
      probe: name,
      url,
      location: vantage.location,
      roundFailed: input.roundFailed,
      failures: last.failures,
      lastFailureAt: last.at,
      ...(last.status !== undefined && { status: last.status }),
      ...(last.timings && { timings: last.timings }),
      ...(last.tlsDaysLeft !== undefined && { tlsDaysLeft: last.tlsDaysLeft }),
      addresses: last.addresses,
      consecutiveFailures: memory.consecutiveFailures,
      consecutivePasses: memory.consecutivePasses,
      failedChecks: memory.failedRounds,
      failingSince: memory.since,
      thresholds: input.thresholds,
      ...(vantage.quorum && { quorum: { ...vantage.quorum, failingLocations: last.failingLocations } }),
    },
  };
}
