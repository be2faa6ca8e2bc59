import { describe, expect, it } from 'vitest';
import { costGapOf, costScopes } from '../../../../shared/checks/cost-anomaly/cost-completeness.js';
import type { CostSeries, DailyCost } from '../../../../shared/core/sources.js';

const DAYS = ['2026-11-17', '2026-11-18', '2026-11-19'];
type Status = 'ok' | 'estimated' | 'missing';
const day = (d: string, status: Status): DailyCost =>
  status === 'ok'
    ? { day: d, usd: 1, estimated: false }
    : status === 'estimated'
      ? { day: d, usd: 1, estimated: true }
      : { day: d, usd: 0, estimated: true, missing: true };
const pair = (accountId: string, service: string, statuses: Status[]): CostSeries => ({
  key: { accountId, service },
  days: DAYS.map((d, i) => day(d, statuses[i] ?? 'ok')),
});
const workload = (statuses: Status[]): CostSeries => ({
  key: { workload: 'api' },
  days: DAYS.map((d, i) => day(d, statuses[i] ?? 'ok')),
});

describe('costGapOf', () => {
  it('is undefined for a series the source vouches for, trailing estimated days included', () => {
    expect(costGapOf(pair('1', 'EC2', ['ok', 'ok', 'estimated']), 'cost-explorer')).toBeUndefined();
  });

  it('names the missing days, and a series with no final day at all', () => {
    expect(costGapOf(pair('1', 'EC2', ['ok', 'missing', 'ok']), 'costs.csv')?.reason).toBe(
      'costs.csv has no data for 2026-11-18',
    );
    expect(
      costGapOf(pair('1', 'EC2', ['estimated', 'estimated', 'estimated']), 'cost-explorer')?.reason,
    ).toBe('cost-explorer has no final day in the window');
  });
});

describe('costScopes', () => {
  it('completes every pair, account and the whole read when nothing is missing', () => {
    const scopes = costScopes(
      [pair('1', 'EC2', []), pair('1', 'S3', []), pair('2', 'EC2', [])],
      [workload([])],
      'x',
    );
    expect(scopes).toEqual({
      completed: ['costs/1/EC2', 'costs/1/S3', 'costs/1', 'costs/2/EC2', 'costs/2', 'costs'],
      failed: [],
    });
  });

  it('fails the account that lacks a day others have, and completes the others', () => {
    const scopes = costScopes(
      [
        pair('1', 'EC2', ['ok', 'ok', 'missing']),
        pair('1', 'S3', ['ok', 'ok', 'missing']),
        pair('2', 'EC2', []),
      ],
      [],
      'costs.csv',
    );
    expect(scopes.completed).toEqual(['costs/2/EC2', 'costs/2']);
    expect(scopes.failed).toEqual([
      {
        scope: 'costs/1',
        reason: 'costs.csv has no data for account 1 on 2026-11-19, though it has for other days',
        errorName: 'IncompleteCostData',
        holds: expect.any(Function),
      },
    ]);
    // It holds the account's pairs, and no other account's.
    const holds = scopes.failed[0]?.holds;
    expect([holds?.('costs/1/EC2'), holds?.('costs/12/EC2'), holds?.('workload/api')]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('fails the whole read, once, for a day no account has', () => {
    const scopes = costScopes(
      [pair('1', 'EC2', ['missing']), pair('2', 'EC2', ['missing'])],
      [],
      'costs.csv',
    );
    expect(scopes.completed).toEqual([]);
    expect(scopes.failed).toEqual([
      {
        scope: 'costs',
        reason: 'costs.csv has no data for any account on 2026-11-17, so no cost anomaly there can resolve',
        errorName: 'IncompleteCostData',
        holds: expect.any(Function),
      },
    ]);
    // The whole read holds every cost anomaly, the workloads' too.
    const holds = scopes.failed[0]?.holds;
    expect([holds?.('costs/1/EC2'), holds?.('workload/api'), holds?.('aws-signals')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('fails an account with no final day, and holds the whole read for an incomplete workload', () => {
    const scopes = costScopes(
      [pair('1', 'EC2', ['estimated', 'estimated', 'estimated']), pair('2', 'EC2', [])],
      [workload(['missing'])],
      'cost-explorer',
    );
    expect(scopes.completed).toEqual(['costs/2/EC2', 'costs/2']);
    expect(scopes.failed.map((f) => [f.scope, f.reason])).toEqual([
      ['costs/1', 'cost-explorer has no final day in the window for account 1'],
    ]);
  });
});
