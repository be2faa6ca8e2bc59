import { describe, expect, it } from 'vitest';
import {
  compileTagPolicy,
  describeProblem,
  isExempt,
  tagProblems,
} from '../../../../shared/checks/tag-coverage/policy.js';
import { tagPolicySchema } from '../../../../shared/config/schema.js';

const policy = compileTagPolicy(
  tagPolicySchema.parse({
    requiredTags: [
      { key: 'owner', pattern: '[a-z][a-z0-9-]+' },
      {
        key: 'environment',
        allowedValues: ['prod', 'dev'],
        keyCase: 'insensitive',
        valueCase: 'insensitive',
      },
      { key: 'cost-center', pattern: 'cc-[0-9]{4}' },
    ],
    exemptResourceTypes: ['ec2:snapshot'],
    exemptAccounts: ['999999999999'],
  }),
);
const good = { owner: 'search', environment: 'prod', 'cost-center': 'cc-1234' };

describe('tagProblems', () => {
  it('accepts a resource that carries every required tag', () => {
    expect(tagProblems(good, policy)).toEqual([]);
  });

  it('reports each missing key', () => {
    expect(tagProblems({ owner: 'search' }, policy)).toEqual([
      { kind: 'missing', key: 'environment' },
      { kind: 'missing', key: 'cost-center' },
    ]);
  });

  it('counts an empty or whitespace-only value as missing', () => {
    expect(tagProblems({ ...good, owner: '   ', 'cost-center': '' }, policy)).toEqual([
      { kind: 'missing', key: 'owner' },
      { kind: 'missing', key: 'cost-center' },
    ]);
  });

  it('reports a value outside the allowed set or pattern, matching the whole value', () => {
    expect(tagProblems({ ...good, environment: 'qa', 'cost-center': 'cc-12345' }, policy)).toEqual([
      { kind: 'invalid-value', key: 'environment', value: 'qa', expected: 'one of prod, dev' },
      { kind: 'invalid-value', key: 'cost-center', value: 'cc-12345', expected: '/cc-[0-9]{4}/' },
    ]);
  });

  it('suggests the canonical spelling of a key that differs only in case under the exact rule', () => {
    const problems = tagProblems({ owner: 'search', environment: 'prod', 'Cost-Center': 'cc-1234' }, policy);
    expect(problems).toEqual([{ kind: 'wrong-case-key', key: 'Cost-Center', canonical: 'cost-center' }]);
    expect(problems.map(describeProblem)).toEqual(['key Cost-Center should be spelled cost-center']);
  });

  it('accepts a key in another case under the insensitive rule, and checks its value', () => {
    expect(tagProblems({ owner: 'search', ENVIRONMENT: 'PROD', 'cost-center': 'cc-1234' }, policy)).toEqual(
      [],
    );
    expect(tagProblems({ owner: 'a1', Environment: 'stage', 'cost-center': 'cc-0001' }, policy)).toEqual([
      { kind: 'invalid-value', key: 'Environment', value: 'stage', expected: 'one of prod, dev' },
    ]);
  });

  it('ignores aws: system tags, even when they look like a required key', () => {
    expect(
      tagProblems({ 'aws:owner': 'x', 'AWS:cost-center': 'cc-1234', environment: 'prod' }, policy),
    ).toEqual([
      { kind: 'missing', key: 'owner' },
      { kind: 'missing', key: 'cost-center' },
    ]);
  });

  it('does not read a required key from Object.prototype', () => {
    const proto = compileTagPolicy(tagPolicySchema.parse({ requiredTags: [{ key: 'constructor' }] }));
    expect(tagProblems({}, proto)).toEqual([{ kind: 'missing', key: 'constructor' }]);
  });
});

describe('isExempt', () => {
  it('exempts listed resource types and accounts only', () => {
    expect(isExempt('ec2:snapshot', '111111111111', policy)).toBe(true);
    expect(isExempt('ec2:instance', '999999999999', policy)).toBe(true);
    expect(isExempt('ec2:instance', '111111111111', policy)).toBe(false);
  });
});
