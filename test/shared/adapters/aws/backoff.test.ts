import { LimitExceededException } from '@aws-sdk/client-cost-explorer';
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  fullJitterDelayMs,
  isRetryableAwsError,
  RETRYABLE_NAMES,
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

/** The SDK classifier's parameter type: it reads `name`, `$metadata` and `$retryable`. */
const asSdk = (e: unknown) => e as Parameters<typeof isThrottlingError>[0];

describe('isRetryableAwsError', () => {
  const error = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);

  it('retries throttling, 5xx and dropped connections', () => {
    expect(isRetryableAwsError(error({ name: 'ThrottlingException' }))).toBe(true);
    expect(isRetryableAwsError(error({ name: 'Whatever', $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(isRetryableAwsError(error({ code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryableAwsError(error({ $retryable: {} }))).toBe(true);
  });

  it("retries every throttling and transient name the SDK's own retry strategy knows", () => {
    // Cost Explorer answers throttling with LimitExceededException, a 400 (client-cost-explorer errors).
    const ce = new LimitExceededException({
      $metadata: { httpStatusCode: 400 },
      message: 'You made too many calls',
    });
    expect(isThrottlingError(asSdk(ce))).toBe(true);
    expect(isRetryableAwsError(ce)).toBe(true);
    // Our copy of the SDK's names, each checked against the SDK's classifier.
    for (const name of RETRYABLE_NAMES) {
      const e = error({ name, $metadata: { httpStatusCode: 400 } });
      expect(isRetryableAwsError(e), name).toBe(true);
      if (['KmsThrottled', 'ServiceUnavailable', 'InternalError', 'InternalFailure'].includes(name)) continue;
      expect(
        isThrottlingError(asSdk(e)) || isTransientError(asSdk(e)),
        `${name} is no longer in the SDK's lists`,
      ).toBe(true);
    }
    expect(isRetryableAwsError(error({ name: 'Whatever', $metadata: { httpStatusCode: 429 } }))).toBe(true);
    expect(isRetryableAwsError(error({ code: 'EAI_AGAIN' }))).toBe(true);
  });

  it("misses none of the SDK's throttling names (those of @smithy/core 3.41's retry module)", () => {
    const sdkThrottling = [
      'BandwidthLimitExceeded',
      'EC2ThrottledException',
      'LimitExceededException',
      'PriorRequestNotComplete',
      'ProvisionedThroughputExceededException',
      'RequestLimitExceeded',
      'RequestThrottled',
      'RequestThrottledException',
      'SlowDown',
      'ThrottledException',
      'Throttling',
      'ThrottlingException',
      'TooManyRequestsException',
      'TransactionInProgressException',
    ];
    for (const name of sdkThrottling) {
      expect(isThrottlingError(asSdk(error({ name }))), name).toBe(true);
      expect(isRetryableAwsError(error({ name })), name).toBe(true);
    }
  });

  it('does not retry what will fail again', () => {
    expect(isRetryableAwsError(error({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }))).toBe(
      false,
    );
    expect(isRetryableAwsError(error({ name: 'QueueDoesNotExist' }))).toBe(false);
    expect(isRetryableAwsError('boom')).toBe(false);
    expect(
      isRetryableAwsError(error({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } })),
    ).toBe(false);
  });
});
