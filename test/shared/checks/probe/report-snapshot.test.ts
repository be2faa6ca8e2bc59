import { describe, expect, it } from 'vitest';
import { judgeProbe } from '../../../../shared/checks/probe/assertions.js';
import { evaluateProbes } from '../../../../shared/checks/probe/evaluate.js';
import { displayUrl, type ProbeRoundValue } from '../../../../shared/checks/probe/report-snapshot.js';
import { type ProbeResult, probeTargetSchema } from '../../../../shared/checks/probe/types.js';
import { parseConfig } from '../../../../shared/config/loader.js';

const target = probeTargetSchema.parse({
  name: 'api',
  url: 'https://user:secret@api.example.com/health?token=abc#x',
  expect: { latencyMs: 500 },
});
const result = (status: number): ProbeResult => ({
  target: 'api',
  url: target.url,
  startedAt: '2026-11-20T06:00:00.000Z',
  status,
  headers: {},
  body: '',
  bodyBytes: 0,
  bodyTruncated: false,
  redirects: [],
  addresses: ['192.0.2.1'],
  tls: {
    daysLeft: 40,
    validTo: '2026-12-30T00:00:00.000Z',
    subject: 'api.example.com',
    issuer: 'CA',
    authorized: true,
  },
  timings: { dnsMs: 1.234, connectMs: 2, tlsMs: 3, ttfbMs: 20, totalMs: 25.06 },
});

function round(status: number) {
  const r = result(status);
  return evaluateProbes(
    {
      location: 'us-west-2',
      observed: [{ target, result: r, verdict: judgeProbe(target, r) }],
      configured: ['api', 'paused'],
    },
    { config: parseConfig('version: 1'), now: new Date('2026-11-20T06:00:00Z'), memory: new Map() },
  ).report;
}

describe('probe report snapshot', () => {
  it('keeps one point a round: result, status, phase timings and certificate days', () => {
    expect(round(200)?.rounds?.get('probe/api')).toEqual({
      ok: true,
      status: 200,
      totalMs: 25.1,
      dnsMs: 1.2,
      connectMs: 2,
      tlsMs: 3,
      ttfbMs: 20,
      certDaysLeft: 40,
    } satisfies ProbeRoundValue);
    expect(round(503)?.rounds?.get('probe/api')).toMatchObject({
      ok: false,
      failure: 'status 503 (expected 200-399)',
    });
  });

  it('keeps what the probe is judged against, its URL without credentials or query', () => {
    expect(round(200)?.latest.get('probe/api')).toEqual({
      name: 'api',
      url: 'https://api.example.com/health',
      location: 'us-west-2',
      latencyObjectiveMs: 500,
      certDaysMin: 14,
      failureThreshold: 2,
      successThreshold: 2,
    });
    expect(displayUrl('not a url?secret=1')).toBe('not a url');
  });

  it('forgets removed probes and keeps configured ones that did not run', () => {
    const snapshot = round(200);
    expect(snapshot?.complete).toEqual(['probe/']);
    expect(snapshot?.keep?.('probe/paused')).toBe(true);
    expect(snapshot?.keep?.('probe/removed')).toBe(false);
  });
});
