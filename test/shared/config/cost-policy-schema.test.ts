import { describe, expect, it } from 'vitest';
import { costPolicySchema } from '../../../shared/config/cost-policy-schema.js';
import { parseConfig } from '../../../shared/config/loader.js';

describe('costPolicy in guardrails.config.yaml', () => {
  it('applies the defaults: environment tag key, severity, abort days, no waivers', () => {
    const policy = costPolicySchema.parse({ rules: [{ id: 'lifecycle', kind: 's3-lifecycle' }] });
    expect(policy).toEqual({
      environmentTagKey: 'environment',
      rules: [
        {
          id: 'lifecycle',
          kind: 's3-lifecycle',
          severity: 'error',
          abortIncompleteUploadDays: 7,
          requireExpirationOrTransition: true,
        },
      ],
      waivers: [],
    });
  });

  const bad: Array<[string, string, RegExp]> = [
    [
      'a duplicate rule id',
      'rules: [{ id: a, kind: log-retention }, { id: a, kind: s3-lifecycle }]',
      /costPolicy\.rules\[1\]\.id: duplicate rule id a/,
    ],
    [
      'a regular expression where a glob is expected',
      'rules: [{ id: a, kind: allowed-instance-types, allow: ["(t3|m5)\\\\..*"] }]',
      /costPolicy\.rules\[0\]\.allow\[0\]: must be a glob/,
    ],
    ['an unknown rule kind', 'rules: [{ id: a, kind: budget }]', /costPolicy\.rules\[0\]\.kind/],
    [
      'a waiver without a valid expiry date',
      'rules: [{ id: a, kind: log-retention }]\n  waivers: [{ rule: a, resource: X, reason: r, expires: next-week }]',
      /costPolicy\.waivers\[0\]\.expires: must be a date such as 2027-03-31/,
    ],
    [
      'a resource limit on something that is not a CloudFormation type',
      'rules: [{ id: a, kind: resource-limit, resourceType: natgateway, max: 0 }]',
      /costPolicy\.rules\[0\]\.resourceType: must be a CloudFormation type/,
    ],
  ];
  for (const [what, yaml, expected] of bad) {
    it(`rejects ${what}, naming the path`, () => {
      expect(() => parseConfig(`version: 1\ncostPolicy:\n  ${yaml}\n`, 'g.yaml')).toThrow(expected);
    });
  }
});
