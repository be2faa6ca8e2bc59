import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnsOf, printable, wrapText } from '../../../cli/render/text-wrap.js';

const NUMBER = /\d+(?:[.,]\d+)*/g;
const numbersOf = (text: string) => text.match(NUMBER) ?? [];

// Words like those of summaries: prose, dollar figures, dates, percentages, ARNs.
const word = fc.oneof(
  fc.constantFrom('waste', 'unit', 'cost', 'since', 'SLOs', 'met;', 'expected', '(missing', 'owner)'),
  fc.integer({ min: 0, max: 10_000_000 }).map((n) => `$${n.toLocaleString('en-US')}/day`),
  fc.integer({ min: 0, max: 999 }).map((n) => `${(n / 10).toFixed(1)}%`),
  fc
    .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  fc.stringMatching(/^[0-9]{12}$/).map((a) => `arn:aws:ec2:us-east-1:${a}:instance/i-0ed0deffbd6594d41`),
);
const text = fc.array(word, { minLength: 1, maxLength: 40 }).map((w) => w.join(' '));

describe('wrapText', () => {
  it('keeps every line within the width and every word in order', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 24, max: 200 }), (t, width) => {
        const lines = wrapText(t, width);
        for (const line of lines) expect(columnsOf(line)).toBeLessThanOrEqual(width);
        expect(lines.join('').replaceAll(' ', '')).toBe(t.replaceAll(' ', ''));
      }),
    );
  });

  it('never splits a number that fits on a line', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 24, max: 200 }), (t, width) => {
        const wrapped = wrapText(t, width).flatMap(numbersOf);
        expect(wrapped).toEqual(numbersOf(t));
      }),
    );
  });

  it('breaks at word boundaries, and long ARNs after a separator', () => {
    expect(wrapText('unit cost up 12% since 2026-11-14', 16)).toEqual([
      'unit cost up 12%',
      'since 2026-11-14',
    ]);
    expect(wrapText('First: arn:aws:ec2:us-east-1:567890123456:instance/i-0ed0d', 30)).toEqual([
      'First: arn:aws:ec2:us-east-1:',
      '567890123456:instance/i-0ed0d',
    ]);
    // A number wider than the whole line is the one thing cut.
    expect(wrapText('x 12345678901234567890', 10)).toEqual(['x', '1234567890', '1234567890']);
  });

  it('turns control characters, terminal escapes included, into spaces', () => {
    expect(printable('a\u001b[31mred\u001b[0m\nline\tend\u009b')).toBe('a [31mred [0m line end ');
    expect(wrapText('owner\u001b]0;pwned\u0007 tag', 80)).toEqual(['owner ]0;pwned tag']);
  });
});
