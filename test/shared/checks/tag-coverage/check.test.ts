import { describe, expect, it } from 'vitest';
import { tagCoverageCheck } from '../../../../shared/checks/tag-coverage/check.js';
import { ScanError } from '../../../../shared/core/errors.js';
import type { InventorySource } from '../../../../shared/core/sources.js';
import { silentLog } from '../../../support/fake-check.js';
import { A, accounts, B, C, config, resources, spend } from './fixture.js';

const now = new Date('2026-11-20T06:00:00Z');
const directory = { listAccounts: async () => accounts };
const inventory = (deny: string[] = []): InventorySource & { calls: string[] } => {
  const calls: string[] = [];
  return {
    name: 'fixture',
    calls,
    listResources: async (accountId, region) => {
      calls.push(accountId);
      if (deny.includes(accountId))
        throw new ScanError(
          `${accountId}/${region}`,
          'AccessDenied: not authorized to perform sts:AssumeRole',
        );
      return resources.filter((r) => r.accountId === accountId && r.region === region);
    },
  };
};
const spendSource = { name: 'spend', untaggedSpend: async () => ({ accounts: spend, inactiveKeys: [] }) };

describe('tagCoverageCheck.collect', () => {
  it('skips suspended accounts and reports every completed scope', async () => {
    const source = inventory();
    const check = tagCoverageCheck({ directory, inventory: source, spend: spendSource });
    const { scope, observations } = await check.collect({ config, now, log: silentLog });
    expect(source.calls.sort()).toEqual([A, B]);
    expect(source.calls).not.toContain(C);
    expect([...scope.completed].sort()).toEqual([
      `${A}`,
      `${A}/coverage`,
      `${A}/us-east-1`,
      `${B}`,
      `${B}/coverage`,
      `${B}/us-east-1`,
      'org',
      'spend',
    ]);
    expect(scope.failed).toEqual([]);
    expect(observations.resources).toHaveLength(10);
  });

  it('turns AccessDenied in one account into a failed scope for that account only', async () => {
    const check = tagCoverageCheck({ directory, inventory: inventory([A]), spend: spendSource });
    const { scope, observations } = await check.collect({ config, now, log: silentLog });
    expect(scope.failed).toEqual([
      { scope: `${A}/us-east-1`, reason: expect.stringContaining('AccessDenied'), errorName: 'ScanError' },
    ]);
    expect(scope.completed).toContain(B);
    expect(scope.completed).not.toContain(A);
    expect(scope.completed).not.toContain('org');
    expect([...observations.resources].every((r) => r.accountId === B)).toBe(true);
  });

  it('keeps digests resolvable but holds coverage open when spend cannot be read', async () => {
    const failing = {
      name: 'spend',
      untaggedSpend: async () => Promise.reject(new Error('ThrottlingException')),
    };
    const check = tagCoverageCheck({ directory, inventory: inventory(), spend: failing });
    const { scope } = await check.collect({ config, now, log: silentLog });
    expect(scope.failed.map((f) => f.scope)).toEqual(['spend']);
    expect(scope.completed).toContain(A);
    expect(scope.completed).not.toContain(`${A}/coverage`);
    expect(scope.completed).not.toContain('org');
  });

  it('reports each (account, region) scanned, failed ones too, with the pages the source has read', async () => {
    const source = Object.assign(inventory([A]), { pageRequests: 0 });
    const listResources = source.listResources;
    source.listResources = async (accountId, region) => {
      source.pageRequests += 2;
      return listResources(accountId, region);
    };
    const updates: unknown[] = [];
    const log = { ...silentLog, progress: (u: unknown) => updates.push(u) };
    await tagCoverageCheck({ directory, inventory: source, spend: spendSource }).collect({
      config,
      now,
      log,
    });
    expect(updates).toEqual([
      { check: 'tag-coverage', unit: 'account-regions', done: 1, total: 2, pages: expect.any(Number) },
      { check: 'tag-coverage', unit: 'account-regions', done: 2, total: 2, pages: 4 },
    ]);
  });
});

describe('retired accounts', () => {
  it('resolves the findings of an account that was suspended, and keeps those of a denied one open', async () => {
    const { runCheck } = await import('../../../../shared/core/pipeline.js');
    const { MemoryStateStore } = await import('../../../../shared/adapters/memory/memory-state.js');
    const state = new MemoryStateStore();
    let listed = accounts;
    let deny: string[] = [];
    const check = tagCoverageCheck({
      directory: { listAccounts: async () => listed },
      inventory: {
        name: 'fixture',
        listResources: async (accountId, region) => {
          if (deny.includes(accountId)) throw new ScanError(`${accountId}/${region}`, 'AccessDenied');
          return resources.filter((r) => r.accountId === accountId && r.region === region);
        },
      },
      spend: spendSource,
    });
    const deps = { config, state, sinks: [], log: silentLog };
    await runCheck(check, { ...deps, now });
    listed = accounts.map((a) => (a.id === A ? { ...a, status: 'SUSPENDED' } : a));
    deny = [B];
    const report = await runCheck(check, { ...deps, now: new Date(now.getTime() + 3_600_000) });
    const resolved = report.events.filter((e) => e.action === 'resolve');
    expect(resolved.map((e) => e.data.resource?.accountId).sort()).toEqual([A, A]);
    expect(
      resolved.every((e) => String(e.data.evidence.resolvedBecause).endsWith(`account ${A} is SUSPENDED`)),
    ).toBe(true);
    expect(report.heldOpen).toBeGreaterThan(0);
  });
});

describe('retiredAccounts', () => {
  it('retires accounts gone, suspended or deselected, and regions no longer scanned, but nothing else', async () => {
    const { retiredAccounts } = await import('../../../../shared/checks/tag-coverage/check.js');
    const listed = [
      { id: A, name: 'a', status: 'ACTIVE', tags: {} },
      { id: B, name: 'b', status: 'SUSPENDED', tags: {} },
      { id: C, name: 'c', status: 'ACTIVE', tags: {} },
    ];
    const retired = retiredAccounts(listed, [listed[0] as (typeof listed)[0]], ['us-east-1']);
    expect(retired(`${A}/us-east-1`)).toBeUndefined();
    expect(retired(`${A}/coverage`)).toBeUndefined();
    expect(retired('org')).toBeUndefined();
    expect(retired('spend')).toBeUndefined();
    expect(retired(`${A}/eu-west-1`)).toBe('region eu-west-1 is no longer scanned (organization.regions)');
    expect(retired(`${B}/us-east-1`)).toBe(`account ${B} is SUSPENDED`);
    expect(retired(C)).toBe(`account ${C} is no longer selected by the config`);
    expect(retired('999999999999/coverage')).toBe('account 999999999999 is no longer in the organization');
  });
});
