import { describe, expect, it } from 'vitest';
import { seededRandom as seededRng } from '../../../../../bench/random.js';
import { SeasonalProfile } from '../../../../../shared/checks/cost-anomaly/detector/seasonal-profile.js';

/** Deterministic PRNG (mulberry32). */
function seededRandom(seed: number): () => number {
  return seededRng(seed).next;
}

/** Four weeks of daily spend: 100 on weekdays, 40 at the weekend (phases 5 and 6), ±3% noise. */
function fourWeeks(seed: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length: 28 }, (_, i) => (i % 7 >= 5 ? 40 : 100) * (1 + (random() - 0.5) * 0.06));
}

/** The seven factors of a daily profile fitted on `values` (four weeks). */
function factors(values: Float64Array, lowerMedian: boolean): number[] {
  const profile = new SeasonalProfile(7, 8, 0, lowerMedian);
  profile.reset(values, null);
  profile.refit(28);
  return Array.from({ length: 7 }, (_, phase) => profile.factorAt(28 + phase));
}

describe('SeasonalProfile', () => {
  it('with lower medians, keeps two bursty Mondays of four out of the Monday factor', () => {
    // Prepare: +150 on the Mondays of weeks 1 and 3.
    const values = fourWeeks(1);
    values[0] = (values[0] as number) + 150;
    values[14] = (values[14] as number) + 150;
    const quiet = factors(fourWeeks(1), false);

    // Act
    const lower = factors(values, true);
    const median = factors(values, false);

    // Assess: the median of four with two bursts is halfway to them.
    expect(lower[0]).toBeCloseTo(quiet[0] as number, 1);
    expect(median[0]).toBeGreaterThan(1.5);
  });

  it('with lower medians, still learns a phase that is high every week', () => {
    // Prepare: Wednesdays cost three times a weekday, every week.
    const values = fourWeeks(2).map((v, i) => (i % 7 === 2 ? v * 3 : v));

    // Act
    const lower = factors(values, true);

    // Assess: within the noise of the median's.
    expect(lower[2]).toBeGreaterThan(2.8);
    expect(lower[2]).toBeCloseTo(factors(values, false)[2] as number, 1);
  });

  it('with lower medians, keeps a profile without bursts within its noise, low by as much on every phase', () => {
    // Prepare
    const values = fourWeeks(3);

    // Act
    const lower = factors(values, true);
    const median = factors(values, false);

    // Assess: ±3% noise; the weekend stays at 0.4 of a weekday.
    lower.forEach((f, phase) => {
      expect(f).toBeLessThanOrEqual(median[phase] as number);
      expect(Math.abs(f - (median[phase] as number))).toBeLessThan(0.03);
    });
    expect((lower[5] as number) / (lower[0] as number)).toBeCloseTo(0.4, 1);
  });

  it('reused for another series, forgets the seasons it read from the previous one', () => {
    // Prepare: a profile that has read one series (each season's median is kept for later refits)…
    const reused = new SeasonalProfile(7, 8, 0, true);
    reused.reset(
      fourWeeks(4).map((v) => v * 10),
      null,
    );
    reused.refit(28);
    const other = fourWeeks(5).map((v, i) => (i % 7 === 3 ? v * 2 : v));

    // Act: …then refits on another, season by season.
    reused.reset(other, null);
    for (const end of [14, 21, 28]) reused.refit(end);

    // Assess: the same factors as a profile that only ever saw the second series.
    const fresh = factors(other, true);
    expect(Array.from({ length: 7 }, (_, phase) => reused.factorAt(28 + phase))).toEqual(fresh);
  });

  it('refuses a season end that is not a season boundary', () => {
    const profile = new SeasonalProfile(7, 8, 0);
    profile.reset(fourWeeks(6), null);
    expect(() => profile.refit(20)).toThrow(RangeError);
  });

  it('refitted season after season, has the factors of a profile fitted once on the same window', () => {
    // Prepare: ten weeks with gaps, zeros and repeated values; windows of three seasons, so seasons
    // leave the window as others enter.
    const random = seededRandom(7);
    const values = Float64Array.from({ length: 70 }, (_, i) => {
      const roll = random();
      if (roll < 0.1) return Number.NaN;
      if (roll < 0.15) return 0;
      return roll < 0.3 ? 100 : Math.round((i % 7 >= 5 ? 40 : 100) * (0.8 + 0.4 * random()));
    });
    for (const [lowerMedian, detrend] of [
      [true, true],
      [true, false],
      [false, false],
    ] as const) {
      const sliding = new SeasonalProfile(7, 3, 0, lowerMedian, detrend);
      sliding.reset(values, null);
      for (let end = 7; end <= 70; end += 7) {
        // Act
        sliding.refit(end);
        const once = new SeasonalProfile(7, 3, 0, lowerMedian, detrend);
        once.reset(values, null);
        once.refit(end);

        // Assess
        const factorsOf = (profile: SeasonalProfile) =>
          Array.from({ length: 7 }, (_, phase) => profile.factorAt(end + phase));
        expect(factorsOf(sliding)).toEqual(factorsOf(once));
      }
    }
  });

  it('with detrending, learns no weekly shape from a series that only ramps up', () => {
    // Prepare: four weeks rising by 5% of the first day's value a day, no weekly cycle.
    const values = Float64Array.from({ length: 28 }, (_, i) => 100 + 5 * i);
    const profile = (detrend: boolean) => {
      const p = new SeasonalProfile(7, 8, 0, true, detrend);
      p.reset(values, null);
      p.refit(28);
      return Array.from({ length: 7 }, (_, phase) => p.factorAt(28 + phase));
    };

    // Act
    const flat = profile(false);
    const detrended = profile(true);

    // Assess: against each week's flat median, the ramp reads as a sawtooth; against the line, it does not.
    expect(Math.max(...flat) - Math.min(...flat)).toBeGreaterThan(0.1);
    for (const f of detrended) expect(f).toBeCloseTo(1, 2);
  });
});
