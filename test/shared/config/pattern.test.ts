import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  PATTERN_MAX_LENGTH,
  PATTERN_MAX_PROGRAM,
  PatternError,
  patternProblem,
} from '../../../shared/config/pattern.js';

describe('compilePattern (RE2, linear time)', () => {
  it('matches the whole value under wholeValue, and any part otherwise', () => {
    expect(compilePattern('cc-[0-9]{4}', { wholeValue: true }).test('cc-1234')).toBe(true);
    expect(compilePattern('cc-[0-9]{4}', { wholeValue: true }).test('xcc-1234')).toBe(false);
    expect(compilePattern('cc-[0-9]{4}').test('xcc-1234y')).toBe(true);
  });

  it('accepts an escaped dash outside a class, which a JavaScript u-flag RegExp refuses', () => {
    const source = '^cc\\-[0-9]{4}$';
    expect(() => new RegExp(source, 'u')).toThrow(SyntaxError);
    const pattern = compilePattern(source, { wholeValue: true });
    expect(pattern.test('cc-0042')).toBe(true);
    expect(pattern.test('cc-42')).toBe(false);
  });

  it('folds case only when asked', () => {
    expect(compilePattern('prod', { wholeValue: true }).test('PROD')).toBe(false);
    expect(compilePattern('prod', { wholeValue: true, caseInsensitive: true }).test('PROD')).toBe(true);
  });

  it('refuses what RE2 cannot match in linear time (lookaround, backreferences), saying why', () => {
    expect(patternProblem('a(?=b)')).toMatch(/^not a valid RE2 pattern: invalid or unsupported Perl syntax/);
    expect(patternProblem('(a)\\1')).toMatch(/^not a valid RE2 pattern: invalid escape sequence/);
    expect(() => compilePattern('(')).toThrow(PatternError);
  });

  it('refuses a pattern longer than the limit, or one whose program is too large', () => {
    expect(patternProblem('a'.repeat(PATTERN_MAX_LENGTH + 1))).toMatch(/over the limit of 1000/);
    expect(patternProblem('[a-z]{1000}[0-9]{1000}')).toMatch(
      new RegExp(`instructions, over the limit of ${PATTERN_MAX_PROGRAM}`),
    );
    expect(patternProblem('^[a-z][a-z0-9-]+$')).toBeUndefined();
  });

  it('matches (a+)+$ against a 1,000,000-character input in one linear pass (a backtracking engine never ends)', () => {
    const pattern = compilePattern('(a+)+$', { wholeValue: true });
    const hostile = `${'a'.repeat(1_000_000)}!`;
    expect(pattern.programSize).toBeLessThan(20);
    expect(pattern.test(hostile)).toBe(false);
    expect(pattern.test('a'.repeat(1_000_000))).toBe(true);
  });
});
