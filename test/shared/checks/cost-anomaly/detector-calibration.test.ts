import { describe, expect, it } from 'vitest';
import { seededRandom as seededRng } from '../../../../bench/random.js';
import { detectAnomalies } from '../../../../shared/checks/cost-anomaly/detector.js';

/** Deterministic PRNG (mulberry32) and standard normal draws. */
function seededRandom(seed: number): () => number {
  return seededRng(seed).next;
}
const normal = (random: () => number) =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/** A normal series: daily (and on fine grids, a daytime bump) and weekly seasonality, log-normal noise. */
function normalSeries(stepMinutes: number, points: number, level: number, noise: number) {
  const random = seededRandom(points + level);
  return Array.from({ length: points }, (_, i) => {
    const date = new Date(Date.UTC(2025, 0, 6) + i * stepMinutes * 60_000);
    const hour = date.getUTCHours() + date.getUTCMinutes() / 60;
    const daytime = stepMinutes < 1440 ? 1 + 0.8 * Math.exp(-((hour - 14) ** 2) / 10) : 1;
    // A weekly cycle only where there are weeks to learn it from (the first weekend ever is news).
    const weekend = date.getUTCDay() % 6 === 0 && points * stepMinutes >= 14 * 1440 ? 0.6 : 1;
    return {
      timestamp: date.toISOString(),
      value: level * daytime * weekend * Math.exp(noise * normal(random)),
    };
  });
}

const CASES = [
  ['daily, $10/day, 2% noise', 1440, 180, 10, 0.02],
  ['daily, $10,000/day, 10% noise', 1440, 180, 10_000, 0.1],
  ['hourly, 5% noise', 60, 24 * 42, 500, 0.05],
  ['5-minute, 8% noise', 5, 288 * 21, 50, 0.08],
  ['1-minute, 15% noise', 1, 1440 * 6, 3, 0.15],
] as const;

/** Scores past the warm-up (a quarter of the series, and the first two weeks), ascending. */
function settledScores(step: number, n: number, level: number, noise: number): number[] {
  const warmUp = Math.min(Math.floor(n / 2), Math.max(Math.floor(n / 4), (15 * 1440) / step));
  return detectAnomalies(normalSeries(step, n, level, noise))
    .slice(warmUp)
    .map((p) => p.score)
    .sort((a, b) => a - b);
}
const p99Of = (scores: readonly number[]) => scores[Math.floor(0.99 * (scores.length - 1))] as number;

describe('the score of detectAnomalies on normal data', () => {
  it.each(CASES)(
    'is distributed alike on a %s series: 99th percentile near 0.3, nothing at 0.5',
    (_name, step, n, level, noise) => {
      // Act
      const scores = settledScores(step, n, level, noise);

      // Assess
      const p99 = p99Of(scores);
      expect(p99).toBeGreaterThan(0.2);
      expect(p99).toBeLessThan(0.45);
      expect(scores.filter((s) => s >= 0.5).length / scores.length).toBeLessThanOrEqual(0.005);
    },
  );

  it('has one threshold serving all: the 99th percentiles differ by less than half', () => {
    const p99s = CASES.map(([, step, n, level, noise]) => p99Of(settledScores(step, n, level, noise)));
    expect(Math.max(...p99s) / Math.min(...p99s)).toBeLessThan(1.5);
  });
});
