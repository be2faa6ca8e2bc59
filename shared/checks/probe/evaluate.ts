import type { FindingInput } from '../../core/finding.js';
import type { EvaluateContext, Evaluation } from '../../core/ports.js';
import { type UrlRedactor, urlRedactor } from '../../core/redact-url.js';
import type { Severity } from '../../core/severity.js';
import type { AssertionFailure, ProbeVerdict } from './assertions.js';
import { headline, type ProbeVantage, probeFinding, probeMemoryKey } from './probe-finding.js';
import { judgeQuorum, type LocationResult } from './quorum.js';
import { probeReport } from './report-snapshot.js';
import {
  nextProbeState,
  type ProbeFailureSnapshot,
  type ProbeRound,
  readProbeMemory,
} from './state-machine.js';
import type { ProbeResult, ProbeTarget } from './types.js';

/** A target as the check sees it: the config's, plus a severity once the schema carries one. */
export type ProbeCheckTarget = ProbeTarget & { readonly severity?: Severity };

/** One target's round: what the probe saw, its verdict, and the locations' verdicts under quorum. */
export interface ProbeObservation {
  readonly target: ProbeCheckTarget;
  readonly result: ProbeResult;
  readonly verdict: ProbeVerdict;
  /** Present when the target has a quorum and a quorum store answered. */
  readonly locations?: readonly LocationResult[];
}

export interface ProbeObservations {
  readonly location: string;
  readonly observed: readonly ProbeObservation[];
  /** Every configured probe name, so memory of removed probes can be forgotten. */
  readonly configured: readonly string[];
}

/** Metric names; a per-probe metric key is `<name>.<probe>`, the part after the first dot being the Probe dimension. */
export const PROBE_METRICS = {
  heartbeat: 'ProbeHeartbeat',
  availability: 'ProbeAvailability',
  latency: 'ProbeLatencyMs',
  failing: 'ProbesFailing',
} as const;

/** `ProbeAvailability.checkout-api`. */
export function probeMetricKey(metric: string, probe: string): string {
  return `${metric}.${probe}`;
}

/**
 * The probe judgement: per target, the round's outcome (after quorum) drives
 * its state machine; a failing probe yields one `probe.failure` finding.
 * Pure: memory in, memory changes out.
 */
export function evaluateProbes(observations: ProbeObservations, ctx: EvaluateContext): Evaluation {
  const findings: FindingInput[] = [];
  const set = new Map<string, unknown>();
  const remove: string[] = [];
  const metrics: Record<string, number> = { [PROBE_METRICS.heartbeat]: 1 };
  let failing = 0;
  // URLs lose their credentials before they reach memory, an event or a summary.
  const redact = urlRedactor(ctx.config.redaction?.queryParams);

  for (const { target, result, verdict, locations } of observations.observed) {
    const key = probeMemoryKey(target.name);
    const vantage = vantageOf(observations.location, target, locations);
    const round = roundOf(observations.location, ctx.now, result, verdict, locations, vantage, redact);
    const thresholds = {
      failureThreshold: target.failureThreshold,
      successThreshold: target.successThreshold,
    };
    const step = nextProbeState(readProbeMemory(ctx.memory.get(key)), round, thresholds);

    if (step.memory) set.set(key, step.memory);
    else if (ctx.memory.has(key)) remove.push(key);
    if (step.page && step.memory) {
      failing += 1;
      findings.push(
        probeFinding({
          name: target.name,
          url: redact.url(target.url),
          severity: target.severity ?? 'critical',
          ...(target.owner && { owner: target.owner }),
          memory: step.memory,
          vantage,
          thresholds,
          roundFailed: round.failed,
        }),
      );
    }
    metrics[probeMetricKey(PROBE_METRICS.availability, target.name)] = verdict.passed ? 1 : 0;
    metrics[probeMetricKey(PROBE_METRICS.latency, target.name)] = Math.round(result.timings.totalMs);
  }
  metrics[PROBE_METRICS.failing] = failing;

  const configured = new Set(observations.configured.map(probeMemoryKey));
  for (const key of ctx.memory.keys()) {
    if (key.startsWith('probe:') && !configured.has(key) && !remove.includes(key)) remove.push(key);
  }
  return { findings, memory: { set, delete: remove }, metrics, report: probeReport(observations) };
}

function vantageOf(
  location: string,
  target: ProbeCheckTarget,
  locations: readonly LocationResult[] | undefined,
): ProbeVantage {
  if (!locations || target.quorum === undefined) return { location };
  const verdict = judgeQuorum(locations, target.quorum);
  return {
    location,
    quorum: { required: verdict.required, reporting: verdict.reporting, failing: verdict.failing.length },
  };
}

function roundOf(
  location: string,
  now: Date,
  result: ProbeResult,
  verdict: ProbeVerdict,
  locations: readonly LocationResult[] | undefined,
  vantage: ProbeVantage,
  redact: UrlRedactor,
): ProbeRound {
  const failed = vantage.quorum ? vantage.quorum.failing >= vantage.quorum.required : !verdict.passed;
  if (!failed) return { failed: false };
  const failure: ProbeFailureSnapshot = {
    at: now.toISOString(),
    failures: verdict.failures.map((f) => redactFailure(f, redact)),
    ...(result.status !== undefined && { status: result.status }),
    timings: result.timings,
    ...(result.tls && { tlsDaysLeft: result.tls.daysLeft }),
    addresses: result.addresses,
    failingLocations: (locations ?? (verdict.passed ? [] : [{ location, failed: true }]))
      .filter((l) => l.failed)
      .map((l) =>
        l.detail === undefined
          ? { location: l.location }
          : { location: l.location, detail: redact.text(l.detail) },
      ),
  };
  return { failed: true, failure };
}

/** A failed assertion with every URL in its message, expected and actual values redacted. */
function redactFailure(failure: AssertionFailure, redact: UrlRedactor): AssertionFailure {
  const value = (v: unknown) => (typeof v === 'string' ? redact.text(v) : v);
  return {
    assertion: failure.assertion,
    expected: value(failure.expected),
    actual: value(failure.actual),
    message: redact.text(failure.message),
  };
}

/** A one-line reason a location shares with the others, e.g. `status 503 (expected 200-399)`. */
export function verdictDetail(verdict: ProbeVerdict): string {
  const [first, ...rest] = verdict.failures;
  if (!first) return '';
  return rest.length ? `${headline(first)} (+${rest.length} more)` : headline(first);
}
