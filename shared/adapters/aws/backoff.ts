/**
 * Retry policy for the partial failures the SDK does not retry itself:
 * SQS batch entries that failed and DynamoDB `UnprocessedItems`. Whole-call
 * throttling and 5xx are retried by the SDK first (adaptive mode, see
 * `clients.ts`); what is left comes here.
 */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Injectable so tests do not wait. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Injectable so tests can pin the jitter; returns [0, 1). */
  readonly random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * "Full jitter" exponential backoff: a uniform delay in
 * `[0, min(maxDelayMs, baseDelayMs * 2^retry))`. Spreading retries over the
 * whole window stops many callers from retrying in lockstep.
 *
 * @example
 * fullJitterDelayMs(3, DEFAULT_RETRY_POLICY); // somewhere in [0, 800)
 */
export function fullJitterDelayMs(
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
) {
  const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(policy.random() * window);
}

/**
 * Runs `attempt` on `items`, then again on whatever it hands back, with
 * full-jitter backoff between rounds, until nothing is left or the retry
 * budget is spent. Returns what is still left (empty when all succeeded).
 * `attempt` decides what is retryable: it returns only those items and
 * records the rest (e.g. sender faults) itself.
 *
 * @example
 * const left = await retryRemaining(entries, async (batch) => failedButRetryable(await send(batch)), {
 *   maxRetries: 3,
 * });
 */
export async function retryRemaining<T>(
  items: readonly T[],
  attempt: (items: readonly T[]) => Promise<readonly T[]>,
  policy: Partial<RetryPolicy> = {},
): Promise<readonly T[]> {
  const p: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...policy };
  let remaining = await attempt(items);
  for (let retry = 0; retry < p.maxRetries && remaining.length > 0; retry++) {
    await p.sleep(fullJitterDelayMs(retry, p));
    remaining = await attempt(remaining);
  }
  return remaining;
}

/**
 * Error names worth another round. The throttling and transient names are
 * those of the SDK's own retry strategy (`THROTTLING_ERROR_CODES` and
 * `TRANSIENT_ERROR_CODES` in `@smithy/core/retry` 3.41), among them
 * `LimitExceededException`, Cost Explorer's throttling error; a test checks
 * them against the SDK's `isThrottlingError` and `isTransientError`. Copied,
 * not imported: that module would add about 70 KiB to the cold start of a
 * function that only backs off (the forwarder's HTTP sinks). The rest name
 * a 5xx or SQS's KMS throttling, for errors that come without a status.
 */
export const RETRYABLE_NAMES: ReadonlySet<string> = new Set([
  // @smithy/core/retry THROTTLING_ERROR_CODES
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
  // @smithy/core/retry TRANSIENT_ERROR_CODES
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  // Without a status: SQS's KMS throttling, and 5xx names.
  'KmsThrottled',
  'ServiceUnavailable',
  'InternalError',
  'InternalFailure',
]);

/** Node's dropped-connection and network codes, as `@smithy/core/retry` lists them (NODEJS_TIMEOUT_ERROR_CODES, NODEJS_NETWORK_ERROR_CODES). */
const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Whether an error thrown by an SDK call is worth another round of our own
 * budget after the SDK's retries: throttling, 5xx, timeouts and dropped
 * connections. AccessDenied, a missing queue or a validation error are not.
 *
 * @example
 * isRetryableAwsError(Object.assign(new Error('slow down'), { name: 'ThrottlingException' })); // true
 */
export function isRetryableAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as {
    name?: unknown;
    code?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  if (typeof e.name === 'string' && RETRYABLE_NAMES.has(e.name)) return true;
  return typeof e.code === 'string' && RETRYABLE_CODES.has(e.code);
}
