import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluateJsonPath,
  formatJsonPath,
  type JsonPathSegment,
  parseJsonPath,
} from '../../../../shared/checks/probe/json-path.js';
import { InputError } from '../../../../shared/core/errors.js';

const document = {
  status: 'ok',
  checks: [
    { name: 'db', healthy: true },
    { name: 'cache', healthy: false },
  ],
  'display name': { "it's": 1 },
  nothing: null,
};

describe('parseJsonPath', () => {
  it('parses dotted keys, indexes and quoted keys', () => {
    expect(parseJsonPath(`$.checks[1]['display name']["it's"]`)).toEqual([
      { kind: 'key', key: 'checks' },
      { kind: 'index', index: 1 },
      { kind: 'key', key: 'display name' },
      { kind: 'key', key: "it's" },
    ]);
  });

  it('parses the root alone', () => {
    expect(parseJsonPath('$')).toEqual([]);
  });

  it.each(['status', '$.', '$..a', '$[x]', '$[-1]', "$['open", '$.a b', "$['a'x]"])(
    'rejects %s naming the path',
    (path) => {
      expect(() => parseJsonPath(path)).toThrow(InputError);
      expect(() => parseJsonPath(path)).toThrow(path);
    },
  );
});

describe('evaluateJsonPath', () => {
  it.each([
    ['$.status', 'ok'],
    ['$.checks[0].healthy', true],
    ['$.checks[1].name', 'cache'],
    [`$['display name']["it's"]`, 1],
    ['$.nothing', null],
    ['$', document],
  ])('finds %s', (path, value) => {
    expect(evaluateJsonPath(document, path)).toEqual({ found: true, value });
  });

  it.each([
    '$.missing',
    '$.checks[2]',
    '$.status.length',
    '$.checks.name',
    '$.constructor',
    '$.nothing.x',
    '$[0]',
  ])('does not find %s', (path) => {
    expect(evaluateJsonPath(document, path)).toEqual({ found: false });
  });
});

describe('json path properties', () => {
  const segment: fc.Arbitrary<JsonPathSegment> = fc.oneof(
    fc.string({ minLength: 1 }).map((key) => ({ kind: 'key' as const, key })),
    fc.nat({ max: 20 }).map((index) => ({ kind: 'index' as const, index })),
  );

  it('parses what it formats', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (segments) => {
        expect(parseJsonPath(formatJsonPath(segments))).toEqual(segments);
      }),
    );
  });

  it('finds a value placed at any path', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), fc.jsonValue(), (segments, value) => {
        const built = segments.reduceRight<unknown>((inner, step) => {
          if (step.kind === 'key') return { [step.key]: inner };
          const array: unknown[] = Array.from({ length: step.index + 1 }, () => null);
          array[step.index] = inner;
          return array;
        }, value);
        expect(evaluateJsonPath(built, segments)).toEqual({ found: true, value });
      }),
    );
  });
});
