import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ProbeFailure } from '../../../../shared/adapters/probe/probe-failure.js';
import { type HopRequest, nextRedirect } from '../../../../shared/adapters/probe/redirect-policy.js';
import { type ProbeTargetInput, probeTargetSchema } from '../../../../shared/checks/probe/types.js';

/** Only `statusCode` and `headers.location` are read by the policy. */
function redirectResponse(statusCode: number, location: string): IncomingMessage {
  return { statusCode, headers: { location } } as unknown as IncomingMessage;
}

function target(url: string, overrides: Partial<ProbeTargetInput> = {}) {
  return probeTargetSchema.parse({ name: 'api', url, ...overrides });
}

const configuredHeaders = {
  accept: 'application/json',
  'accept-language': 'en',
  'user-agent': 'finops-guardrails-probe/1',
  'cache-control': 'no-cache',
  'content-type': 'application/json',
  authorization: 'Bearer secret',
  cookie: 'session=1',
  'proxy-authorization': 'Basic c2VjcmV0',
  'x-api-key': 'key-123',
  'x-trace': '1',
};

function firstHop(url: string, overrides: Partial<HopRequest> = {}): HopRequest {
  return {
    url: new URL(url),
    method: 'POST',
    headers: { ...configuredHeaders },
    body: '{"a":1}',
    ...overrides,
  };
}

function follow(status: number, location: string, hop: HopRequest, originalUrl = hop.url.href) {
  return nextRedirect(
    redirectResponse(status, location),
    hop,
    target(originalUrl),
    0,
    new Set([hop.url.href]),
  );
}

function refusal(act: () => unknown): ProbeFailure {
  try {
    act();
  } catch (error) {
    if (error instanceof ProbeFailure) return error;
    throw error;
  }
  throw new Error('expected the redirect to be refused');
}

describe('nextRedirect headers', () => {
  it('sends only the safe allow-list, with content-type, to another origin when the body is replayed', () => {
    // Act
    const next = follow(307, 'https://other.example.net/landing', firstHop('https://api.example.com/'));

    // Assess
    expect(next?.headers).toEqual({
      accept: 'application/json',
      'accept-language': 'en',
      'user-agent': 'finops-guardrails-probe/1',
      'cache-control': 'no-cache',
      'content-type': 'application/json',
    });
    expect(next?.body).toBe('{"a":1}');
  });

  it('drops content-type too when a cross-origin redirect turns the request into a bodiless GET', () => {
    // Act
    const next = follow(303, 'https://other.example.net/result', firstHop('https://api.example.com/'));

    // Assess
    expect(next).toMatchObject({ method: 'GET', body: undefined });
    expect(Object.keys(next?.headers ?? {}).sort()).toEqual([
      'accept',
      'accept-language',
      'cache-control',
      'user-agent',
    ]);
  });

  it('treats another port of the same host as another origin', () => {
    // Act
    const next = follow(
      302,
      'https://api.example.com:8443/',
      firstHop('https://api.example.com/', { method: 'GET' }),
    );

    // Assess
    expect(next?.headers['x-api-key']).toBeUndefined();
    expect(next?.headers.authorization).toBeUndefined();
  });

  it('keeps every header on a same-origin redirect', () => {
    // Act
    const next = follow(307, '/v2/health', firstHop('https://api.example.com/health'));

    // Assess
    expect(next?.url.href).toBe('https://api.example.com/v2/health');
    expect(next?.headers).toEqual(configuredHeaders);
  });
});

describe('nextRedirect scheme', () => {
  it('refuses an https to http downgrade with a redirect failure that names both URLs', () => {
    // Act
    const failure = refusal(() =>
      follow(301, 'http://api.example.com/', firstHop('https://api.example.com/')),
    );

    // Assess
    expect(failure).toMatchObject({ kind: 'redirect', code: 'HTTPS_DOWNGRADE' });
    expect(failure.message).toContain('https://api.example.com/ to http://api.example.com/ refused');
  });

  it('refuses a downgrade on a later hop of a probe that started on https', () => {
    // Prepare
    const secondHop = firstHop('https://www.example.com/');

    // Act
    const failure = refusal(() =>
      follow(302, 'http://plain.example.org/', secondHop, 'https://api.example.com/'),
    );

    // Assess
    expect(failure.code).toBe('HTTPS_DOWNGRADE');
  });

  it('follows back to http when the probe itself started on http', () => {
    // Prepare
    const secureHop = firstHop('https://api.example.com/login', { method: 'GET' });

    // Act
    const next = follow(302, 'http://api.example.com/home', secureHop, 'http://api.example.com/');

    // Assess
    expect(next?.url.href).toBe('http://api.example.com/home');
  });

  it('follows an http to https upgrade', () => {
    // Act
    const next = follow(
      301,
      'https://api.example.com/',
      firstHop('http://api.example.com/', { method: 'GET' }),
    );

    // Assess
    expect(next?.url.href).toBe('https://api.example.com/');
  });
});
