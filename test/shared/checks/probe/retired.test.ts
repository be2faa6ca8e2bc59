import { describe, expect, it } from 'vitest';
import { retiredProbes } from '../../../../shared/checks/probe/check.js';

describe('retiredProbes', () => {
  it('retires the scope of a probe no longer in the config, and nothing else', () => {
    const retired = retiredProbes([{ name: 'checkout-api' }]);
    expect(retired('probe/old-api')).toBe('probe old-api was removed from the config');
    expect(retired('probe/checkout-api')).toBeUndefined();
    expect(retired('quorum')).toBeUndefined();
  });
});
