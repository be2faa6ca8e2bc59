import { describe, expect, it } from 'vitest';
import { probeTargetSchema } from '../../../../shared/checks/probe/types.js';

describe('probeTargetSchema', () => {
  it('fills every default from a name and a URL', () => {
    expect(probeTargetSchema.parse({ name: 'api', url: 'https://api.example.com/health' })).toEqual({
      name: 'api',
      url: 'https://api.example.com/health',
      method: 'GET',
      headers: {},
      timeoutMs: 5_000,
      maxBodyBytes: 1_048_576,
      maxRedirects: 5,
      allowPrivateAddresses: false,
      expect: { status: ['200-399'], certDaysLeft: 14 },
      failureThreshold: 2,
      successThreshold: 2,
      severity: 'critical',
    });
  });

  it('keeps the expectations that were given and defaults the rest', () => {
    const target = probeTargetSchema.parse({
      name: 'api',
      url: 'http://api.example.com/',
      expect: { status: [200, '500-504'], json: [{ path: '$.ok', equals: true }] },
      regions: ['eu-west-1', 'us-east-1'],
      quorum: 2,
    });
    expect(target.expect).toEqual({
      status: [200, '500-504'],
      json: [{ path: '$.ok', equals: true }],
      certDaysLeft: 14,
    });
  });

  it.each([
    [{ url: 'ftp://example.com/' }, 'url'],
    [{ url: 'not a url' }, 'url'],
    [{ method: 'DELETE' }, 'method'],
    [{ expect: { status: ['299-200'] } }, 'expect.status.0'],
    [{ expect: { status: [700] } }, 'expect.status.0'],
    [{ expect: { bodyMatches: '(' } }, 'expect.bodyMatches'],
    [{ expect: { json: [{ path: 'status' }] } }, 'expect.json.0.path'],
    [{ expect: { unknown: 1 } }, 'expect'],
    [{ timeout: 5 }, ''],
    [{ body: 'x' }, 'body'],
    [{ regions: ['eu-west-1'], quorum: 2 }, 'quorum'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
  ])('rejects %j at %s', (overrides, path) => {
    const parsed = probeTargetSchema.safeParse({
      name: 'api',
      url: 'https://api.example.com/',
      ...overrides,
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it('accepts a POST with a body', () => {
    const target = probeTargetSchema.parse({
      name: 'api',
      url: 'https://a.example/',
      method: 'POST',
      body: '{}',
    });
    expect(target.body).toBe('{}');
  });
});
