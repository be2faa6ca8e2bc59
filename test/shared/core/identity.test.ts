import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dedupKeyOf, eventIdOf } from '../../../shared/core/identity.js';

describe('dedupKeyOf', () => {
  it('is readable when it fits', () => {
    expect(dedupKeyOf({ check: 'probe', rule: 'http', identity: ['checkout-api'] })).toBe(
      'probe:http:checkout-api',
    );
  });

  it('replaces characters SQS FIFO ids do not allow, and marks the key with a hash of the original', () => {
    expect(dedupKeyOf({ check: 'probe', rule: 'http', identity: ['a b\tc'] })).toMatch(
      /^probe:http:a_b_c~[0-9a-f]{24}$/,
    );
  });

  it('stays within 128 characters and distinct for long identities', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 100, maxLength: 400 }),
        fc.string({ minLength: 1, maxLength: 5 }),
        (base, suffix) => {
          const a = dedupKeyOf({ check: 'tag-coverage', rule: 'required-tags', identity: [base] });
          const b = dedupKeyOf({
            check: 'tag-coverage',
            rule: 'required-tags',
            identity: [`${base}${suffix}`],
          });
          expect(a.length).toBeLessThanOrEqual(128);
          expect(a).not.toBe(b);
          expect(a).toMatch(/^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]+$/);
        },
      ),
    );
  });
});

describe('eventIdOf', () => {
  it('is the same for the same key and sequence and differs otherwise', () => {
    expect(eventIdOf('k', 1)).toBe(eventIdOf('k', 1));
    expect(eventIdOf('k', 1)).not.toBe(eventIdOf('k', 2));
    expect(eventIdOf('k', 1)).not.toBe(eventIdOf('j', 1));
    expect(eventIdOf('k', 1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

describe('dedupKeyOf keeps distinct problems apart', () => {
  it('gives different keys to names that differ only in a character SQS does not allow', () => {
    const a = dedupKeyOf({
      check: 'tag-coverage',
      rule: 'required-tags',
      identity: ['111111111111', 'data team'],
    });
    const b = dedupKeyOf({
      check: 'tag-coverage',
      rule: 'required-tags',
      identity: ['111111111111', 'data_team'],
    });
    expect(a).not.toBe(b);
    expect(b).toBe('tag-coverage:required-tags:111111111111:data_team');
    expect(a).toMatch(/^tag-coverage:required-tags:111111111111:data_team~[0-9a-f]{24}$/);
  });

  it('does not let a colon inside a part move the boundary between parts', () => {
    const a = dedupKeyOf({ check: 'probe', rule: 'http', identity: ['a:b', 'c'] });
    const b = dedupKeyOf({ check: 'probe', rule: 'http', identity: ['a', 'b:c'] });
    expect(a).not.toBe(b);
  });
});
