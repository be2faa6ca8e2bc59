import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch } from '../../../../shared/checks/cost-policy/glob.js';

describe('globMatch', () => {
  const cases: Array<[string, string, boolean]> = [
    ['db.r6g.*', 'db.r6g.16xlarge', true],
    ['db.r6g.*', 'db.r6i.large', false],
    ['t?.micro', 't3.micro', true],
    ['t?.micro', 't3a.micro', false],
    ['*.16xlarge', 'm5.16xlarge', true],
    ['*.16xlarge', 'm5.16xlarge2', false],
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXcYYb', false],
    ['arn:aws:ec2:*:123456789012:natgateway/*', 'arn:aws:ec2:eu-west-1:123456789012:natgateway/nat-1', true],
    ['T3.*', 't3.micro', false],
  ];
  for (const [pattern, name, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${name || '(empty)'}`, () => {
      expect(globMatch(pattern, name)).toBe(expected);
    });
  }

  it('agrees with an anchored regular expression on random patterns', () => {
    const alphabet = fc.constantFrom('a', 'b', '.', '*', '?');
    fc.assert(
      fc.property(
        fc.string({ unit: alphabet, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b', '.'), maxLength: 10 }),
        (pattern, name) => {
          const regex = new RegExp(
            `^${pattern.replaceAll('.', '\\.').replaceAll('*', '.*').replaceAll('?', '.')}$`,
            's',
          );
          expect(globMatch(pattern, name)).toBe(regex.test(name));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('finishes a pattern that makes backtracking regexes explode', () => {
    // (a*)*-style patterns: a regex engine backtracks exponentially; the glob does at most |pattern|×|name| steps.
    const pattern = `${'*a'.repeat(30)}b`;
    expect(globMatch(pattern, 'a'.repeat(2048))).toBe(false);
    expect(globMatch(pattern, `${'a'.repeat(2047)}b`)).toBe(true);
  });
});
