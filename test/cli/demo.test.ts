import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { Envelope } from '../../shared/core/envelope.js';
import { memoryIo } from '../support/memory-io.js';

describe('finops-guardrails demo', () => {
  it('runs every check on the example org, probing loopback targets it starts itself', async () => {
    const io = memoryIo();
    const report = join(mkdtempSync(join(tmpdir(), 'demo-')), 'report.html');
    const code = await main(['node', 'finops-guardrails', 'demo', '--json', '--report', report], io);
    expect(code).toBe(0);
    // The report of the run, and where it is (on stderr: with --json stdout carries events only).
    expect(io.err()).toContain(`Report: ${report}`);
    expect(readFileSync(report, 'utf8')).toMatch(/^<!doctype html>[\s\S]*data-chart="coverage-trend"/);
    const events = io
      .out()
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Envelope);
    const probes = events.filter((e) => e.type === 'finops-guardrails.probe.failure').map((e) => e.subject);
    expect(probes).toHaveLength(2);
    expect(
      events
        .filter((e) => e.type === 'finops-guardrails.probe.failure')
        .map((e) => e.data.summary)
        .join('\n'),
    ).toMatch(
      /demo-failing DOWN.*status 503[\s\S]*demo-cert-expiring DEGRADED.*certificate expires in [45] days/,
    );
    const digests = events.filter((e) => e.type === 'finops-guardrails.tag.violation');
    expect(new Set(digests.map((e) => e.data.owner?.team)).size).toBeGreaterThanOrEqual(2);
    expect(
      events.some((e) => e.type === 'finops-guardrails.tag.coverage' && e.subject === 'account/567890123456'),
    ).toBe(true);
    // Runtime cost guardrails (issue 13): digests from Config items for several owners, every rule kind broken once.
    const policy = events.filter((e) => e.type === 'finops-guardrails.guardrail.policy');
    expect(new Set(policy.map((e) => e.data.owner?.team))).toEqual(new Set(['payments', 'search', 'finops']));
    const kinds = new Set(policy.map((e) => (e.data.evidence.rule as { kind: string }).kind));
    expect([...kinds].sort()).toEqual([
      'allowed-instance-types',
      'egress',
      'log-retention',
      'resource-limit',
      's3-lifecycle',
      'volume-type',
    ]);
    // The waived gp2 volume (LegacyReportsVolume, waiver until 2027-03-31) is not listed.
    expect(JSON.stringify(policy)).not.toContain('vol-02b38d6f85e6ef87f');
    // Every check end to end, loopback servers and the HTML report: far from 30 s alone, but not on a loaded 2-core CI.
  }, 90_000);
});
