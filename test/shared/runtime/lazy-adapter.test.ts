import { describe, expect, it } from 'vitest';
import type { TagSpendSource } from '../../../shared/core/sources.js';
import { lazyAdapter } from '../../../shared/runtime/lazy-adapter.js';

const spendOf = (name: string): TagSpendSource => ({
  name,
  untaggedSpend: async ({ accountIds }) => ({
    accounts: accountIds.map((accountId) => ({ accountId, totalUsd: 1, untaggedUsdByKey: {} })),
    inactiveKeys: [],
  }),
  resourceCosts: async () => new Map([['arn', 2]]),
});
const input = { accountIds: ['111111111111'], keys: [], start: new Date(0), end: new Date(1) };

describe('lazyAdapter', () => {
  it('loads the adapter on the first call only, and forwards each listed method to it', async () => {
    let loads = 0;
    const spend = lazyAdapter<TagSpendSource, 'untaggedSpend'>(
      async () => {
        loads += 1;
        return spendOf('cost-explorer');
      },
      ['untaggedSpend'],
      { name: 'cost-explorer' },
    );
    expect(spend.name).toBe('cost-explorer');
    expect(loads).toBe(0);
    const [first, second] = await Promise.all([spend.untaggedSpend(input), spend.untaggedSpend(input)]);
    expect(first.accounts[0]?.accountId).toBe('111111111111');
    expect(second).toEqual(first);
    expect(loads).toBe(1);
    // A method not listed is absent, so an optional one still reads as "not offered".
    expect(spend.resourceCosts).toBeUndefined();
  });

  it('tries the import again after a failed one, so a transient failure fails one run, not the container', async () => {
    let attempt = 0;
    const spend = lazyAdapter<TagSpendSource, 'untaggedSpend'>(
      async () => {
        attempt += 1;
        if (attempt === 1) throw new Error('chunk not readable');
        return spendOf('cost-explorer');
      },
      ['untaggedSpend'],
      { name: 'cost-explorer' },
    );
    await expect(spend.untaggedSpend(input)).rejects.toThrow('chunk not readable');
    await expect(spend.untaggedSpend(input)).resolves.toMatchObject({ inactiveKeys: [] });
    expect(attempt).toBe(2);
  });

  it('refuses an adapter whose fixed fields disagree with what the proxy announced', async () => {
    const spend = lazyAdapter<TagSpendSource, 'untaggedSpend'>(
      async () => spendOf('focus'),
      ['untaggedSpend'],
      { name: 'cost-explorer' },
    );
    await expect(spend.untaggedSpend(input)).rejects.toThrow(/name is focus, expected cost-explorer/);
  });
});
