import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  fullJitterDelayMs,
  isRetryableAwsError,
  retryRemaining,
} from '../../../../shared/adapters/aws/backoff.js';

describe('fullJitterDelayMs', () => {
  it('draws from a window that doubles per retry up to the cap', () => {
    const top = { ...DEFAULT_RETRY_POLICY, random: () => 0.999_999 };

    expect([0, 1, 2, 3].map((r) => fullJitterDelayMs(r, top))).toEqual([99, 199, 399, 799]);
    expect(fullJitterDelayMs(20, top)).toBe(4_999);
    expect(fullJitterDelayMs(5, { ...top, random: () => 0 })).toBe(0);
  });
});

describe('retryRemaining', () => {
  it('retries only what the attempt hands back, sleeping between rounds', async () => {
    const seen: number[][] = [];
    const sleeps: number[] = [];

    const left = await retryRemaining(
      [1, 2, 3],
      async (items) => {
        seen.push([...items]);
        return items.filter((n) => n > seen.length);
      },
      { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    );

    expect(seen).toEqual([[1, 2, 3], [2, 3], [3]]);
    expect(left).toEqual([]);
    expect(sleeps).toEqual([50, 100]);
  });

  it('returns what is left when the budget is spent', async () => {
    let attempts = 0;

    const left = await retryRemaining(
      ['a'],
      async (items) => {
        attempts++;
        return items;
      },
      { maxRetries: 3, sleep: async () => {} },
    );

    expect(left).toEqual(['a']);
    expect(attempts).toBe(4);
  });
});

describe('isRetryableAwsError', () => {
  const error = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);

  it('retries throttling, 5xx and dropped connections', () => {
    expect(isRetryableAwsError(error({ name: 'ThrottlingException' }))).toBe(true);
    expect(isRetryableAwsError(error({ name: 'Whatever', $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isRetryableAwsError(error({ code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryableAwsError(error({ $retryable: {} }))).toBe(true);
  });

  it('does not retry what will fail again', () => {
    expect(isRetryableAwsError(error({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }))).toBe(
      false,
    );
    expect(isRetryableAwsError(error({ name: 'QueueDoesNotExist' }))).toBe(false);
    expect(isRetryableAwsError('boom')).toBe(false);
  });
});
