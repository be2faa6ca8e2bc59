import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { indentQuotedContinuation } from '../../../../shared/adapters/file/yaml-flow-continuation.js';

describe('indentQuotedContinuation', () => {
  it('indents the continuation lines one column deeper than the key, keeping the value and the line count', () => {
    const text = "Out:\n  Value: 'Log in, then\n  choose it.'\nNext: 1\n";
    const repaired = indentQuotedContinuation(text, 2, "'");
    expect(repaired).toBe("Out:\n  Value: 'Log in, then\n   choose it.'\nNext: 1\n");
    expect(parse(repaired ?? '')).toEqual({ Out: { Value: 'Log in, then choose it.' }, Next: 1 });
  });

  it("finds the closing quote past a doubled '' and handles double quotes", () => {
    expect(indentQuotedContinuation("a:\n b: 'it''s\n b'\n", 2, "'")).toBe("a:\n b: 'it''s\n  b'\n");
    expect(indentQuotedContinuation('a:\n b: "x \\"y\n b"\n', 2, '"')).toBe('a:\n b: "x \\"y\n  b"\n');
  });

  it('finds the opening line above when the parser reports a later, deeper continuation line', () => {
    // `yaml` reports the missing quote on line 3 (the last line it read), not on line 2.
    const text = 'Rule:\n  Template: \'{\n    "name": [<name>]\n  }\'\n  Next: 1\n';
    const repaired = indentQuotedContinuation(text, 3, "'");
    expect(repaired).toBe('Rule:\n  Template: \'{\n    "name": [<name>]\n   }\'\n  Next: 1\n');
    expect(parse(repaired ?? '')).toEqual({ Rule: { Template: '{ "name": [<name>] }', Next: 1 } });
  });

  it('gives up when the scalar never closes, or the line holds no quote', () => {
    expect(indentQuotedContinuation("a: 'open\nb: 1\n", 1, '"')).toBeUndefined();
    expect(indentQuotedContinuation("a: 'open\nb: 1\n", 1, "'")).toBeUndefined();
  });
});
