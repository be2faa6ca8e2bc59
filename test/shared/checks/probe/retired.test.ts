import { describe, expect, it } from 'vitest';
import { retiredProbes } from '../../../../shared/checks/probe/check.js';
import { probeMemorySchema } from '../../../../shared/checks/probe/state-machine.js';

describe('retiredProbes', () => {
  it('retires the scope of a probe this location no longer runs, and nothing else', () => {
    const retired = retiredProbes([{ name: 'checkout-api' }], 'eu-central-1');
    expect(retired('probe/old-api')).toBe('probe old-api is no longer run from eu-central-1');
    expect(retired('probe/checkout-api')).toBeUndefined();
    expect(retired('quorum')).toBeUndefined();
  });
});

describe('probe owner', () => {
  it('routes a probe page to the owner named in its config', async () => {
    const { probeFinding } = await import('../../../../shared/checks/probe/probe-finding.js');
    const finding = probeFinding({
      name: 'checkout-api',
      url: 'https://checkout.example.com/health',
      severity: 'critical',
      owner: { team: 'payments', contact: 'payments-oncall@example.com' },
      memory: probeMemorySchema.parse({
        consecutiveFailures: 2,
        consecutivePasses: 0,
        failing: true,
        since: '2026-11-20T06:00:00.000Z',
        failedRounds: 2,
        lastFailure: {
          at: '2026-11-20T06:01:00.000Z',
          failures: [{ assertion: 'status', expected: ['200-399'], actual: 503, message: 'status 503' }],
          status: 503,
        },
      }),
      vantage: { location: 'us-west-2' },
      thresholds: { failureThreshold: 2, successThreshold: 2 },
      roundFailed: true,
    });
    expect(finding.owner).toEqual({
      team: 'payments',
      contact: 'payments-oncall@example.com',
      source: 'config',
    });
  });
});
