import { beforeAll, describe, expect, it } from 'vitest';
import { judgeProbe } from '../../../../shared/checks/probe/assertions.js';
import {
  type ProbeExpect,
  type ProbeResult,
  probeTargetSchema,
} from '../../../../shared/checks/probe/types.js';
import { loadPatternCompiler } from '../../../../shared/config/pattern-compiler.js';

type ExpectInput = { [K in keyof ProbeExpect]?: ProbeExpect[K] };

function aTarget(expect: ExpectInput = {}, url = 'https://api.example.com/health') {
  return probeTargetSchema.parse({ name: 'api', url, expect });
}

function aResult(overrides: Partial<ProbeResult> = {}): ProbeResult {
  return {
    target: 'api',
    url: 'https://api.example.com/health',
    startedAt: '2026-03-01T00:00:00.000Z',
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: '{"status":"ok","checks":[{"name":"db","healthy":true}]}',
    bodyBytes: 55,
    bodyTruncated: false,
    redirects: [],
    addresses: ['93.184.215.14'],
    tls: {
      daysLeft: 60,
      validTo: '2026-04-30T00:00:00.000Z',
      subject: 'CN=api.example.com',
      issuer: 'CN=Example CA',
      authorized: true,
    },
    timings: { dnsMs: 1, connectMs: 2, tlsMs: 3, ttfbMs: 10, totalMs: 12 },
    ...overrides,
  };
}

const assertionsOf = (verdict: ReturnType<typeof judgeProbe>) =>
  verdict.failures.map((failure) => failure.assertion);

// judgeProbe is called directly here; the probe check loads the engine in its collect.
beforeAll(() => loadPatternCompiler());

describe('judgeProbe', () => {
  it('passes a healthy result with default expectations', () => {
    expect(judgeProbe(aTarget(), aResult())).toEqual({ passed: true, failures: [] });
  });

  it('lists every failed assertion, each named', () => {
    // Prepare
    const target = aTarget({ status: [200], latencyMs: 5, bodyContains: 'healthy-ok' });

    // Act
    const verdict = judgeProbe(target, aResult({ status: 500 }));

    // Assess
    expect(verdict.passed).toBe(false);
    expect(assertionsOf(verdict)).toEqual(['status', 'latency', 'body-contains']);
  });
});

describe('transport errors', () => {
  it.each([
    ['timeout', 'TIMEOUT'],
    ['connection', 'ECONNREFUSED'],
    ['tls', 'CERT_HAS_EXPIRED'],
    ['redirect', 'REDIRECT_LOOP'],
    ['address-blocked', 'ADDRESS_METADATA'],
    ['dns', 'ENOTFOUND'],
  ] as const)('fails only as %s with its reason', (kind, code) => {
    // Prepare
    const result = aResult({ status: undefined, error: { kind, code, message: `${code} happened` } });

    // Act
    const verdict = judgeProbe(aTarget({ bodyContains: 'x' }), result);

    // Assess
    expect(verdict.failures).toEqual([
      { assertion: kind, expected: 'a complete response', actual: code, message: `api: ${code} happened` },
    ]);
  });
});

describe('status', () => {
  it.each([
    [['200-399'], 302, true],
    [['200-299'], 302, false],
    [[200, 204], 204, true],
    [[200, '500-599'], 503, true],
    [[200], 201, false],
  ] as const)('expects %j and gets %i: passes=%s', (status, actual, passes) => {
    expect(judgeProbe(aTarget({ status: [...status] }), aResult({ status: actual })).passed).toBe(passes);
  });

  it('fails a result with no status', () => {
    const verdict = judgeProbe(aTarget(), aResult({ status: undefined }));
    expect(verdict.failures[0]).toMatchObject({ assertion: 'status', actual: undefined });
  });
});

describe('latency', () => {
  it('passes at the objective and fails above it', () => {
    const target = aTarget({ latencyMs: 12 });
    expect(judgeProbe(target, aResult()).passed).toBe(true);
    const slow = aResult({ timings: { totalMs: 812.4 } });
    expect(judgeProbe(target, slow).failures).toEqual([
      { assertion: 'latency', expected: 12, actual: 812.4, message: 'api: took 812 ms, objective 12 ms' },
    ]);
  });
});

describe('body assertions', () => {
  it('checks a substring is present', () => {
    expect(judgeProbe(aTarget({ bodyContains: '"ok"' }), aResult()).passed).toBe(true);
    expect(assertionsOf(judgeProbe(aTarget({ bodyContains: 'degraded' }), aResult()))).toEqual([
      'body-contains',
    ]);
  });

  it('checks a substring is absent', () => {
    expect(judgeProbe(aTarget({ bodyNotContains: 'error' }), aResult()).passed).toBe(true);
    expect(judgeProbe(aTarget({ bodyNotContains: 'healthy' }), aResult()).failures[0]).toMatchObject({
      assertion: 'body-not-contains',
      expected: 'healthy',
    });
  });

  it('checks a regular expression', () => {
    expect(judgeProbe(aTarget({ bodyMatches: '"status":"(ok|up)"' }), aResult()).passed).toBe(true);
    expect(assertionsOf(judgeProbe(aTarget({ bodyMatches: '^<html' }), aResult()))).toEqual(['body-matches']);
  });

  it('lets a truncated body pass what its prefix proves, and fails what it cannot', () => {
    // Prepare
    const truncated = aResult({ body: '{"status":"ok","pad":"', bodyBytes: 22, bodyTruncated: true });
    const target = aTarget({
      bodyContains: 'ok',
      bodyMatches: 'status',
      bodyNotContains: 'error',
      json: [{ path: '$.status', equals: 'ok' }],
    });

    // Act
    const verdict = judgeProbe(target, truncated);

    // Assess
    expect(assertionsOf(verdict)).toEqual(['body-not-contains', 'json']);
    expect(verdict.failures.map((failure) => failure.message)).toEqual([
      'api: body truncated at 22 bytes, cannot show it lacks "error"',
      'api: $.status: body truncated at 22 bytes, cannot parse JSON',
    ]);
  });

  it('says the body was truncated when a substring is missing from it', () => {
    const truncated = aResult({ body: 'abc', bodyBytes: 3, bodyTruncated: true });
    expect(judgeProbe(aTarget({ bodyContains: 'xyz' }), truncated).failures[0]?.message).toBe(
      'api: body does not contain "xyz" (body truncated at 3 bytes)',
    );
  });
});

describe('json assertions', () => {
  it('compares values structurally', () => {
    const target = aTarget({
      json: [
        { path: '$.status', equals: 'ok' },
        { path: '$.checks[0]', equals: { name: 'db', healthy: true } },
      ],
    });
    expect(judgeProbe(target, aResult()).passed).toBe(true);
  });

  it('names the path, the expected and the actual value on a mismatch', () => {
    const verdict = judgeProbe(
      aTarget({ json: [{ path: '$.checks[0].healthy', equals: false }] }),
      aResult(),
    );
    expect(verdict.failures).toEqual([
      {
        assertion: 'json',
        expected: { path: '$.checks[0].healthy', equals: false },
        actual: true,
        message: 'api: $.checks[0].healthy is true, expected false',
      },
    ]);
  });

  it('checks existence and absence', () => {
    const target = aTarget({
      json: [
        { path: '$.status' },
        { path: '$.checks[0].name', exists: true },
        { path: '$.error', exists: false },
      ],
    });
    expect(judgeProbe(target, aResult()).passed).toBe(true);
    const failing = aTarget({ json: [{ path: '$.missing' }, { path: '$.status', exists: false }] });
    expect(judgeProbe(failing, aResult()).failures.map((failure) => failure.message)).toEqual([
      'api: $.missing does not exist',
      'api: $.status exists, expected it absent',
    ]);
  });

  it('treats equals: null as a value to compare', () => {
    const result = aResult({ body: '{"error":null}' });
    expect(judgeProbe(aTarget({ json: [{ path: '$.error', equals: null }] }), result).passed).toBe(true);
    expect(judgeProbe(aTarget({ json: [{ path: '$.missing', equals: null }] }), result).passed).toBe(false);
  });

  it('fails every JSON assertion on a body that is not JSON', () => {
    const verdict = judgeProbe(
      aTarget({ json: [{ path: '$.a' }, { path: '$.b' }] }),
      aResult({ body: '<html>' }),
    );
    expect(verdict.failures.map((failure) => failure.message)).toEqual([
      'api: $.a: body is not valid JSON',
      'api: $.b: body is not valid JSON',
    ]);
  });
});

describe('headers', () => {
  it('matches names case-insensitively and values exactly', () => {
    expect(judgeProbe(aTarget({ headers: { 'Content-Type': 'application/json' } }), aResult()).passed).toBe(
      true,
    );
    const verdict = judgeProbe(
      aTarget({ headers: { 'Cache-Control': 'max-age=60', 'X-Version': '2' } }),
      aResult(),
    );
    expect(verdict.failures.map((failure) => failure.message)).toEqual([
      'api: header Cache-Control is "no-store", expected "max-age=60"',
      'api: header X-Version is absent, expected "2"',
    ]);
  });
});

describe('certificate days left', () => {
  it('defaults to 14 days for TLS results', () => {
    const soon = aResult({
      tls: {
        daysLeft: 5.2,
        validTo: '2026-03-06T05:00:00.000Z',
        subject: 'CN=a',
        issuer: 'CN=b',
        authorized: true,
      },
    });
    expect(judgeProbe(aTarget(), soon).failures).toEqual([
      {
        assertion: 'cert-days-left',
        expected: 14,
        actual: 5.2,
        message: 'api: certificate expires 2026-03-06T05:00:00.000Z (5.2 days left, minimum 14)',
      },
    ]);
    expect(judgeProbe(aTarget({ certDaysLeft: 5 }), soon).passed).toBe(true);
  });

  it('does not apply to a plain http result', () => {
    expect(judgeProbe(aTarget({}, 'http://api.example.com/'), aResult({ tls: undefined })).passed).toBe(true);
  });
});
