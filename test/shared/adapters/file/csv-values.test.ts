import { describe, expect, it } from 'vitest';
import {
  notANumber,
  notATimestamp,
  parseDecimal,
  parseUtcTimestamp,
} from '../../../../shared/adapters/file/csv-values.js';

describe('parseDecimal', () => {
  it.each([
    ['0', 0],
    ['0.00000080000', 8e-7],
    ['-2.6137', -2.6137],
    ['+3', 3],
    ['.5', 0.5],
    ['1e-7', 1e-7],
    [' 12.5 ', 12.5],
  ])('reads %j as %d', (text, value) => {
    expect(parseDecimal(text)).toBe(value);
  });

  it.each(['', ' ', 'abc', '0x10', '1,5', 'NaN', 'Infinity', '1e999', 'NULL', '1.2.3'])(
    'rejects %j',
    (text) => {
      expect(parseDecimal(text)).toBeUndefined();
    },
  );
});

describe('parseUtcTimestamp', () => {
  it.each([
    ['2024-09-18 22:00:00', '2024-09-18T22:00:00.000Z'],
    ['2024-09-18T22:00:00Z', '2024-09-18T22:00:00.000Z'],
    ['2024-09-18T22:00:00.123456Z', '2024-09-18T22:00:00.123Z'],
    ['2024-09-18T22:00', '2024-09-18T22:00:00.000Z'],
    ['2024-09-18', '2024-09-18T00:00:00.000Z'],
    ['2024-09-18T22:00:00+02:00', '2024-09-18T20:00:00.000Z'],
    ['2024-09-18T22:00:00-0130', '2024-09-18T23:30:00.000Z'],
    ['2024-02-29 00:00:00', '2024-02-29T00:00:00.000Z'],
    ['2024-09-18 22:00:00 UTC', '2024-09-18T22:00:00.000Z'],
    ['2024-09-18 22:00:00.000UTC', '2024-09-18T22:00:00.000Z'],
  ])('reads %j as %s', (text, iso) => {
    expect(parseUtcTimestamp(text)).toBe(iso);
  });

  it.each([
    '',
    'NULL',
    '2024-09-31',
    '2023-02-29',
    '2024-13-01',
    '2024-09-18 24:00:00',
    '2024-09-18 22:60:00',
    '2024-09-18T22:00:00+25:00',
    '18/09/2024',
    '1726696800',
    '2024-09',
    '2024-9',
    '2024-00',
    '2024-09 UTC',
    '20240918',
  ])('rejects %j', (text) => {
    expect(parseUtcTimestamp(text)).toBeUndefined();
  });
});

describe('parseUtcTimestamp with months', () => {
  it('reads YYYY-MM as the first of the month only when the caller takes months', () => {
    expect(parseUtcTimestamp('2024-09', { month: true })).toBe('2024-09-01T00:00:00.000Z');
    expect(parseUtcTimestamp('2024-09')).toBeUndefined();
    expect(parseUtcTimestamp('2024-13', { month: true })).toBeUndefined();
  });
});

describe('notANumber', () => {
  it('says what to change when a value carries a spreadsheet format', () => {
    expect(notANumber('1,234.50')).toBe('not a number: "1,234.50" (no thousands separators: 1234.50)');
    expect(notANumber('$12.00')).toBe('not a number: "$12.00" (no currency symbol)');
    expect(notANumber('12,5')).toBe('not a number: "12,5" (a dot for decimals, not a comma)');
  });

  it('names the text alone when there is nothing better to say', () => {
    expect(notANumber('oops')).toBe('not a number: "oops"');
    expect(notANumber(null)).toBe('not a number: null');
  });
});

describe('notATimestamp', () => {
  it('points other date layouts to YYYY-MM-DD, and says why a day-first or month-first date is not guessed', () => {
    expect(notATimestamp('2025/01/31')).toBe(
      'not a timestamp: "2025/01/31" (dates are YYYY-MM-DD, with dashes)',
    );
    expect(notATimestamp('01/02/2025')).toBe(
      'not a timestamp: "01/02/2025" (dates are YYYY-MM-DD: day and month order is ambiguous here)',
    );
    expect(notATimestamp('1735689600')).toBe(
      'not a timestamp: "1735689600" (epoch numbers are not read: ISO 8601, e.g. 2025-01-31T00:00:00Z)',
    );
    expect(notATimestamp('20250131')).toBe('not a timestamp: "20250131" (dates are YYYY-MM-DD, with dashes)');
    expect(notATimestamp('bad')).toBe('not a timestamp: "bad"');
  });
});
