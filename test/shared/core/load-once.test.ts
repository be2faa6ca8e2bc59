import { describe, expect, it } from 'vitest';
import { loadOnce } from '../../../shared/core/load-once.js';

describe('loadOnce', () => {
  it('loads on the first call only, however many calls wait on it', async () => {
    let loads = 0;
    const get = loadOnce(async () => {
      loads += 1;
      return { id: loads };
    });
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([get(), get()]);
    expect(await get()).toBe(a);
    expect(b).toBe(a);
    expect(loads).toBe(1);
  });

  it('tries again after a failed load instead of keeping the failure', async () => {
    let loads = 0;
    const get = loadOnce(async () => {
      loads += 1;
      if (loads === 1) throw new Error('import failed');
      return 'adapter';
    });
    await expect(get()).rejects.toThrow('import failed');
    expect(await get()).toBe('adapter');
    expect(loads).toBe(2);
  });
});
