import { fullJitterDelayMs, type RetryPolicy } from '../aws/backoff.js';

/** Retries of a webhook POST: 4 after the first, 0.5 s base, 8 s cap. */
export const WEBHOOK_RETRY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

export interface PostJsonOptions {
  readonly fetch?: typeof fetch;
  /** Per attempt; default 10 s. */
  readonly timeoutMs?: number;
  readonly retry: RetryPolicy;
  /** Characters of the response body kept in a failure reason. */
  readonly bodyChars?: number;
  /**
   * What a network error may say. A webhook URL is a secret, and a fetch
   * error's message or cause can carry it: `name-only` keeps only the
   * error's name.
   */
  readonly networkErrors?: 'message' | 'name-only';
}

type Attempt = { ok: true } | { ok: false; retry: boolean; reason: string; retryAfterMs?: number };

/**
 * POSTs a JSON body, retrying 429, 5xx and network errors with full-jitter
 * backoff (and at least the server's Retry-After, up to the policy's cap).
 * Any other status fails at once. Returns why it failed, or undefined when
 * the server accepted it (2xx).
 *
 * @example
 * const reason = await postJsonWithRetry(url, JSON.stringify(event), { retry: WEBHOOK_RETRY });
 */
export async function postJsonWithRetry(
  url: string,
  body: string,
  options: PostJsonOptions,
): Promise<string | undefined> {
  const policy = options.retry;
  let last: Attempt = { ok: false, retry: false, reason: 'not sent' };
  for (let retry = 0; ; retry += 1) {
    last = await attempt(url, body, options);
    if (last.ok) return undefined;
    if (!last.retry || retry >= policy.maxRetries) break;
    const backoff = fullJitterDelayMs(retry, policy);
    await policy.sleep(Math.min(policy.maxDelayMs, Math.max(backoff, last.retryAfterMs ?? 0)));
  }
  return last.retry ? `${last.reason} (retries exhausted)` : last.reason;
}

async function attempt(url: string, body: string, options: PostJsonOptions): Promise<Attempt> {
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await response.text().catch(() => '');
    if (response.ok) return { ok: true };
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      ok: false,
      retry: response.status === 429 || response.status >= 500,
      reason: `HTTP ${response.status}${text ? `: ${text.slice(0, options.bodyChars ?? 300)}` : ''}`,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 && { retryAfterMs: retryAfter * 1000 }),
    };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    if (options.networkErrors === 'name-only')
      return { ok: false, retry: true, reason: `${name}: request failed` };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, retry: true, reason: `${name}: ${message}` };
  }
}
