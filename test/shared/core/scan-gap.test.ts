import { describe, expect, it } from 'vitest';
import { ScanError } from '../../../shared/core/errors.js';
import { scanGapFinding, scopeFailure } from '../../../shared/core/scan-gap.js';

describe('scopeFailure', () => {
  it('keeps only the reason of a ScanError, so the scope is named once', () => {
    const failure = scopeFailure(
      '111111111111/us-east-1',
      new ScanError('111111111111/us-east-1', 'AccessDenied'),
    );
    expect(failure).toEqual({
      scope: '111111111111/us-east-1',
      reason: 'AccessDenied',
      errorName: 'ScanError',
    });
  });

  it('keeps the message of any other error, with an optional prefix', () => {
    expect(scopeFailure('metrics', new TypeError('boom'), 'query q1: ')).toEqual({
      scope: 'metrics',
      reason: 'query q1: boom',
      errorName: 'TypeError',
    });
    expect(scopeFailure('spend', 'plain')).toEqual({ scope: 'spend', reason: 'plain', errorName: 'Error' });
  });
});

describe('scanGapFinding', () => {
  it('is scoped to the failed scope, so it resolves once that scope is read completely', () => {
    const finding = scanGapFinding('tag-coverage', { scope: 'a/us-east-1', reason: 'timeout' }, 2);
    expect(finding).toMatchObject({
      rule: 'scan-gap',
      type: 'guardrail.scan-gap',
      identity: ['a/us-east-1'],
      scope: 'a/us-east-1',
      evidence: { reason: 'timeout', openFindingsKept: 2 },
    });
    expect(finding.summary).toBe(
      'tag-coverage could not observe a/us-east-1: timeout. Open findings there stay open until a complete scan.',
    );
  });
});
