import { describe, expect, it } from 'vitest';
import { timestampMs } from '../../../../../shared/checks/cost-anomaly/detector/time-grid.js';
import { TimestampMemo } from '../../../../../shared/checks/cost-anomaly/detector/timestamp-memo.js';
import { isMonthStart } from '../../../../../shared/checks/cost-anomaly/period.js';
import { InputError } from '../../../../../shared/core/errors.js';

/** Reads a series through the memo, as the detector does: every time, then month starts. */
function read(memo: TimestampMemo, texts: readonly string[]): Array<[number, boolean]> {
  const ms = texts.map((text, i) => memo.msAt(i, text));
  return texts.map((text, i) => [ms[i] as number, memo.isMonthStartAt(i, text, () => `series[${i}]`)]);
}

const direct = (texts: readonly string[]): Array<[number, boolean]> =>
  texts.map((text) => [timestampMs(text), isMonthStart(text)]);

describe('TimestampMemo', () => {
  it('reads each series as parsing would, whether it repeats, changes or outgrows the previous one', () => {
    // Prepare: series that share days, differ at some positions (other strings of the same days
    // too), are shorter, longer, or of another interval.
    const days = ['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02'];
    const series = [
      days,
      days.map((d) => `${d}`),
      ['2025-02-27', '2025-03-01', '2025-03-01', '2025-03-03'],
      days.slice(0, 2),
      [...days, '2025-03-03', '2025-04-01'],
      ['2025-03-01T00:00:00Z', '2025-03-01T05:00:00Z', '2025-03-01T00:00:00+01:00'],
      Array.from({ length: 200 }, (_, i) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10)),
      days,
    ];
    const memo = new TimestampMemo();

    // Act, assess
    for (const texts of series) expect(read(memo, texts)).toEqual(direct(texts));
  });

  it('reads a bad timestamp as NaN, names its position when asked for a month start, and remembers nothing of it', () => {
    const memo = new TimestampMemo();
    read(memo, ['2025-03-01', '2025-03-02']);

    expect(memo.msAt(1, 'yesterday')).toBeNaN();
    expect(() => memo.isMonthStartAt(1, 'yesterday', () => 'series[1].timestamp')).toThrow(InputError);
    expect(() => memo.isMonthStartAt(1, 'yesterday', () => 'series[1].timestamp')).toThrow(/series\[1\]/);
    expect(read(memo, ['2025-03-01', '2025-03-02'])).toEqual(direct(['2025-03-01', '2025-03-02']));
  });
});
