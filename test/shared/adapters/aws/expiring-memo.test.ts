import { describe, expect, it } from 'vitest';
import { ExpiringMemo } from '../../../../shared/adapters/aws/expiring-memo.js';

describe('ExpiringMemo', () => {
  it('answers from memory within the ttl and asks again after it', async () => {
    let now = 0;
    let loads = 0;
    const memo = new ExpiringMemo<number>(1000, () => now);
    const load = async () => ++loads;

    expect(await memo.get('a', load)).toBe(1);
    now = 999;
    expect(await memo.get('a', load)).toBe(1);
    expect(await memo.get('b', load)).toBe(2);
    now = 1000;
    expect(await memo.get('a', load)).toBe(3);
  });

  it('forgets a failed read at once, so the next caller asks again', async () => {
    const memo = new ExpiringMemo<string>(60_000, () => 0);
    await expect(memo.get('a', () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    await expect(memo.get('a', async () => 'ok')).resolves.toBe('ok');
  });
});
