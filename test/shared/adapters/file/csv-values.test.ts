import { describe, expect, it } from 'vitest';
import { parseDecimal, parseUtcTimestamp } from '../../../../shared/adapters/file/csv-values.js';

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
  ])('rejects %j', (text) => {
    expect(parseUtcTimestamp(text)).toBeUndefined();
  });
});
