import { describe, expect, it } from 'vitest';
import { weekdayMedianFlags } from '../../bench/weekday-median-detector.js';

/** Six weeks of a weekly profile: weekdays 100 ± 2, weekends 40 ± 2. */
const weeks = (count: number) =>
  Array.from({ length: 7 * count }, (_, d) => (d % 7 >= 5 ? 40 : 100) + ((d * 7) % 5) - 2);

describe('weekdayMedianFlags', () => {
  it('judges a day against the same weekday: a weekend dip is calm, a Monday at the weekend level is flagged', () => {
    // Day 0 is a Monday, so day 42 is one too.
    expect(weekdayMedianFlags(weeks(6)).some(Boolean)).toBe(false);
    expect(weekdayMedianFlags([...weeks(6), 40]).at(-1)).toBe(true);
    expect(weekdayMedianFlags([...weeks(6), 100]).at(-1)).toBe(false);
  });

  it('learns the size of the series\u2019 usual departures: a burst as large as earlier ones is not flagged', () => {
    const plain = weeks(6);
    const bursty = plain.map((v, d) => (d % 9 === 4 ? v + 60 : v));
    expect(weekdayMedianFlags([...plain, 160]).at(-1)).toBe(true);
    expect(weekdayMedianFlags([...bursty, 160]).at(-1)).toBe(false);
  });

  it('leaves missing days out of every window (not read as zero) and never flags them', () => {
    // Prepare: the two Mondays before day 42 are missing.
    const days: Array<number | null> = weeks(6);
    days[28] = null;
    days[35] = null;
    // Act
    const flags = weekdayMedianFlags([...days, 100, null, 300]);
    // Assess: Monday 42 is judged on the Mondays that exist; a missing day is never flagged.
    expect(flags[42]).toBe(false);
    expect(flags[43]).toBe(false);
    expect(flags[44]).toBe(true);
  });

  it('judges nothing before two same-weekday values and two weeks of residuals', () => {
    const flags = weekdayMedianFlags([
      100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 500,
    ]);
    expect(flags.some(Boolean)).toBe(false);
  });
});
