/**
 * What the probe check keeps for the report: each probe's objectives (an
 * entry that changes only with the config) and one point per round in a
 * ring of recent rounds: pass or fail, status, phase timings, certificate
 * days left and the first failure. Pure.
 */
import type { ReportSnapshot } from '../../core/report-snapshot.js';
import type { ProbeObservations } from './evaluate.js';
import { verdictDetail } from './evaluate.js';

/** `probe/<name>`: what the probe is judged against. */
export interface ProbeEntry {
  readonly name: string;
  /** Without credentials, query or fragment: a report travels further than the config. */
  readonly url: string;
  readonly location: string;
  readonly latencyObjectiveMs?: number;
  readonly certDaysMin: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

/** One round of one probe. */
export interface ProbeRoundValue {
  readonly ok: boolean;
  readonly status?: number;
  readonly totalMs: number;
  readonly dnsMs?: number;
  readonly connectMs?: number;
  readonly tlsMs?: number;
  readonly ttfbMs?: number;
  readonly certDaysLeft?: number;
  readonly failure?: string;
}

/** The URL without userinfo, query or fragment, which may carry secrets. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url.replace(/[?#].*$/, '');
  }
}

const ms = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 10) / 10);

/** The report snapshot of one probe round at one location. */
export function probeReport(observations: ProbeObservations): ReportSnapshot {
  const latest = new Map<string, unknown>();
  const rounds = new Map<string, unknown>();
  for (const { target, result, verdict } of observations.observed) {
    latest.set(`probe/${target.name}`, {
      name: target.name,
      url: displayUrl(target.url),
      location: observations.location,
      ...(target.expect.latencyMs !== undefined && { latencyObjectiveMs: target.expect.latencyMs }),
      certDaysMin: target.expect.certDaysLeft,
      failureThreshold: target.failureThreshold,
      successThreshold: target.successThreshold,
    } satisfies ProbeEntry);
    const t = result.timings;
    const value: ProbeRoundValue = {
      ok: verdict.passed,
      ...(result.status !== undefined && { status: result.status }),
      totalMs: ms(t.totalMs) ?? 0,
      ...(t.dnsMs !== undefined && { dnsMs: ms(t.dnsMs) }),
      ...(t.connectMs !== undefined && { connectMs: ms(t.connectMs) }),
      ...(t.tlsMs !== undefined && { tlsMs: ms(t.tlsMs) }),
      ...(t.ttfbMs !== undefined && { ttfbMs: ms(t.ttfbMs) }),
      ...(result.tls && { certDaysLeft: result.tls.daysLeft }),
      ...(!verdict.passed && { failure: verdictDetail(verdict) }),
    };
    rounds.set(`probe/${target.name}`, value);
  }
  const configured = new Set(observations.configured.map((name) => `probe/${name}`));
  return { latest, complete: ['probe/'], keep: (entry) => configured.has(entry), rounds };
}
