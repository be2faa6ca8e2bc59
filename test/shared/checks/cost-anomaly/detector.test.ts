import { describe, expect, it } from 'vitest';
import { seededRandom as seededRng } from '../../../../bench/random.js';
import {
  type DetectedPoint,
  detectAnomalies,
  detectSeries,
  inferInterval,
  inferPeriod,
  isMonthStart,
  resolveDetectorOptions,
  type SeriesPoint,
} from '../../../../shared/checks/cost-anomaly/detector.js';
import { InputError } from '../../../../shared/core/errors.js';

const DAY_MS = 86_400_000;

/** Deterministic PRNG (mulberry32), so the noisy fixtures are the same on every run. */
function seededRandom(seed: number): () => number {
  return seededRng(seed).next;
}

function dailyTimestamps(start: string, days: number): string[] {
  const first = Date.parse(start);
  return Array.from({ length: days }, (_, i) => new Date(first + i * DAY_MS).toISOString().slice(0, 10));
}

function dailySeries(start: string, values: ReadonlyArray<number | null>): SeriesPoint[] {
  const timestamps = dailyTimestamps(start, values.length);
  return values.map((value, i) => ({ timestamp: timestamps[i] ?? '', value }));
}

// 2025-01-06 is a Monday: index % 7 of 5 and 6 are the weekend.
const MONDAY = '2025-01-06';
const isWeekend = (index: number): boolean => index % 7 >= 5;

/** Weekday spend around 100, weekend around 40, with ±5% uniform noise. */
function weeklyCosts(days: number, seed = 1): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: days }, (_, i) => (isWeekend(i) ? 40 : 100) * (1 + (random() - 0.5) * 0.1));
}

const anomalyIndices = (points: ReadonlyArray<DetectedPoint>): number[] =>
  points.flatMap((point, i) => (point.anomaly ? [i] : []));

// Index 60 is a Friday, index 61 a Saturday.
const EVENT_DAY = 60;

describe('detectAnomalies on a weekly seasonal series', () => {
  it('flags no day of a noisy weekly series, weekend dips included', () => {
    // Prepare
    const series = dailySeries(MONDAY, weeklyCosts(91));

    // Act
    const detected = detectAnomalies(series);
    const onDeviationAlone = detectAnomalies(series, { relativeThreshold: 0 });

    // Assess
    expect(anomalyIndices(detected)).toEqual([]);
    expect(anomalyIndices(onDeviationAlone)).toEqual([]);
  });

  it('expects the weekend dip from the day-of-week profile', () => {
    // Prepare
    const series = dailySeries(MONDAY, weeklyCosts(91));

    // Act
    const detected = detectAnomalies(series);

    // Assess
    const saturday = detected[89];
    const friday = detected[88];
    expect(saturday?.expected).toBeGreaterThan(34);
    expect(saturday?.expected).toBeLessThan(46);
    expect(friday?.expected).toBeGreaterThan(90);
    expect(friday?.expected).toBeLessThan(110);
  });

  it('flags a spike on the day it happens, upwards, with its dollar impact', () => {
    // Prepare
    const costs = weeklyCosts(91);
    costs[EVENT_DAY] = 250;

    // Act
    const detected = detectAnomalies(dailySeries(MONDAY, costs));

    // Assess
    expect(anomalyIndices(detected)).toEqual([EVENT_DAY]);
    const spike = detected[EVENT_DAY];
    expect(spike?.direction).toBe('up');
    expect(spike?.reason).toBe('deviation');
    expect(spike?.impact).toBeGreaterThan(130);
    expect(spike?.impact).toBeCloseTo(250 - (spike?.expected ?? 0), 9);
    expect(spike?.score).toBeGreaterThan(0.9);
    expect(spike?.value).toBeGreaterThan(spike?.upper ?? Number.POSITIVE_INFINITY);
  });

  it('flags a weekday-sized cost on a weekend day that would be normal on a weekday', () => {
    // Prepare
    const costs = weeklyCosts(91);
    costs[EVENT_DAY + 1] = 100;

    // Act
    const detected = detectAnomalies(dailySeries(MONDAY, costs));

    // Assess
    expect(anomalyIndices(detected)).toEqual([EVENT_DAY + 1]);
    expect(detected[EVENT_DAY + 1]?.direction).toBe('up');
  });

  it('flags the first day of a lasting level shift', () => {
    // Prepare
    const costs = weeklyCosts(91).map((cost, i) => (i >= EVENT_DAY ? cost * 1.6 : cost));

    // Act
    const detected = detectAnomalies(dailySeries(MONDAY, costs));

    // Assess
    expect(detected[EVENT_DAY]?.anomaly).toBe(true);
    expect(detected[EVENT_DAY]?.direction).toBe('up');
    expect(anomalyIndices(detected).every((i) => i >= EVENT_DAY)).toBe(true);
  });

  it('adapts to a level shift within a few weeks instead of flagging it forever', () => {
    // Prepare
    const costs = weeklyCosts(91).map((cost, i) => (i >= 40 ? cost * 1.6 : cost));

    // Act
    const detected = detectAnomalies(dailySeries(MONDAY, costs));

    // Assess
    expect(anomalyIndices(detected).filter((i) => i >= 40 + 21)).toEqual([]);
  });

  it('flags a drop with direction down', () => {
    // Prepare
    const costs = weeklyCosts(91);
    costs[EVENT_DAY] = 30;

    // Act
    const detected = detectAnomalies(dailySeries(MONDAY, costs));

    // Assess
    expect(anomalyIndices(detected)).toEqual([EVENT_DAY]);
    expect(detected[EVENT_DAY]?.direction).toBe('down');
    expect(detected[EVENT_DAY]?.impact).toBeLessThan(-50);
  });

  it('follows steady growth without flagging it', () => {
    // Prepare: +2% of the starting level per day, tripling over the quarter.
    const costs = weeklyCosts(91).map((cost, i) => cost * (1 + 0.02 * i));

    // Act
    const detected = detectAnomalies(dailySeries(MONDAY, costs), { relativeThreshold: 0 });

    // Assess
    expect(anomalyIndices(detected)).toEqual([]);
    const last = detected[90];
    expect(Math.abs((last?.impact ?? 0) / (last?.expected ?? 1))).toBeLessThan(0.1);
  });
});

describe('detectAnomalies during warm-up', () => {
  it('never flags a point before minHistory observed points, however extreme', () => {
    // Prepare
    const costs = weeklyCosts(40);
    costs[10] = 1_000;
    costs[30] = 1_000;

    // Act
    const detected = detectAnomalies(dailySeries(MONDAY, costs), { minHistory: 14 });

    // Assess
    expect(anomalyIndices(detected)).toEqual([30]);
  });

  it('takes the first point as its own expectation, with zero score', () => {
    // Prepare
    const series = dailySeries(MONDAY, [42, 43]);

    // Act
    const [first] = detectAnomalies(series);

    // Assess
    expect(first).toMatchObject({ expected: 42, impact: 0, z: 0, score: 0, anomaly: false, direction: null });
  });

  it('judges after minHistory days of calendar time, of which at least half observed', () => {
    // Prepare: a spike on day 20; before it every other day observed (10 points), or every fourth (5).
    const halfObserved: (number | null)[] = weeklyCosts(21).map((cost, i) => (i % 2 === 1 ? null : cost));
    const quarterObserved: (number | null)[] = weeklyCosts(21).map((cost, i) => (i % 4 === 0 ? cost : null));
    halfObserved[20] = 1_000;
    quarterObserved[20] = 1_000;
    // Every day observed, the spike on day 12: too little calendar time however complete the data.
    const early = weeklyCosts(21);
    early[12] = 1_000;

    // Act
    const fromHalf = detectAnomalies(dailySeries(MONDAY, halfObserved), { minHistory: 14 });
    const fromQuarter = detectAnomalies(dailySeries(MONDAY, quarterObserved), { minHistory: 14 });
    const fromEarly = detectAnomalies(dailySeries(MONDAY, early), { minHistory: 14 });

    // Assess: export gaps do not postpone judging, but too few points still do.
    expect(fromHalf[20]?.anomaly).toBe(true);
    expect(fromQuarter[20]?.anomaly).toBe(false);
    expect(fromEarly[12]?.anomaly).toBe(false);
  });
});

describe('detectAnomalies with gaps and zeros', () => {
  it('skips null gaps instead of reading them as zero cost', () => {
    // Prepare
    const costs = weeklyCosts(91);
    const withGaps = costs.map((cost, i) => (i % 9 === 4 ? null : cost));
    // The same days as zeros after warm-up: at first a drop, soon a routine one (it recurs every 9 days).
    const withZeros = costs.map((cost, i) => (i >= 28 && i % 9 === 4 ? 0 : cost));

    // Act
    const gapped = detectAnomalies(dailySeries(MONDAY, withGaps));
    const zeroed = detectAnomalies(dailySeries(MONDAY, withZeros));

    // Assess
    expect(anomalyIndices(gapped)).toEqual([]);
    expect(gapped[85]).toMatchObject({
      value: null,
      impact: null,
      anomaly: false,
      score: 0,
      direction: null,
    });
    expect(gapped[86]?.expected).toBeGreaterThan(90);
    expect(anomalyIndices(zeroed)[0]).toBe(31);
    expect(zeroed[31]?.direction).toBe('down');
    expect(zeroed[85]?.anomaly).toBe(false);
    expect(zeroed[85]?.impact).toBeLessThan(-50);
  });

  it('accepts genuine zeros: a day of the week that always costs nothing is expected to', () => {
    // Prepare: nothing runs on Sundays.
    const costs = weeklyCosts(91).map((cost, i) => (i % 7 === 6 ? 0 : cost));

    // Act
    const detected = detectAnomalies(dailySeries(MONDAY, costs));

    // Assess
    expect(anomalyIndices(detected)).toEqual([]);
    expect(detected[90]?.expected).toBe(0);
  });

  it('flags a new service: spend after an all-zero history, marked new', () => {
    // Prepare
    const costs = weeklyCosts(60).map((cost, i) => (i < 40 ? 0 : cost));

    // Act
    const detected = detectAnomalies(dailySeries(MONDAY, costs), { minImpact: 10 });

    // Assess
    expect(detected[40]).toMatchObject({ anomaly: true, direction: 'up', reason: 'new', expected: 0 });
    expect(detected[40]?.score).toBe(1);
    expect(anomalyIndices(detected).every((i) => i >= 40)).toBe(true);
  });

  it('flags the first of sporadic charges as new, but not the next one after a zero: that is no service starting', () => {
    // Prepare: nothing but two charges, four days apart.
    const costs = Array.from({ length: 60 }, (_, i) => (i === 20 || i === 24 ? 30 : 0));

    // Act
    const detected = detectAnomalies(dailySeries(MONDAY, costs));

    // Assess
    expect(detected[20]).toMatchObject({ anomaly: true, reason: 'new' });
    expect(detected[24]?.reason).not.toBe('new');
  });

  it('does not flag a new series while its spend stays under minImpact', () => {
    // Prepare
    const costs = Array.from({ length: 30 }, (_, i) => (i < 20 ? 0 : 0.5));

    // Act
    const detected = detectAnomalies(dailySeries(MONDAY, costs), { minImpact: 1 });

    // Assess
    expect(anomalyIndices(detected)).toEqual([]);
  });
});

describe('detectAnomalies on month-start charges', () => {
  // 2025-01-15 + 90 days: month starts at indices 17 (Feb 1), 45 (Mar 1) and 76 (Apr 1).
  const START = '2025-01-15';
  const MONTH_STARTS = [17, 45, 76];
  const FEE = 500;

  it('learns a recurring month-start fee from the first month start and expects it after', () => {
    // Prepare
    const costs = weeklyCosts(90).map((cost, i) => (MONTH_STARTS.includes(i) ? cost + FEE : cost));

    // Act
    const detected = detectAnomalies(dailySeries(START, costs), { minHistory: 14 });

    // Assess: the first month start is how a fee first shows; later ones are expected.
    expect(anomalyIndices(detected)).toEqual([]);
    expect(detected[45]?.expected).toBeGreaterThan(FEE);
    expect(detected[76]?.expected).toBeGreaterThan(FEE);
  });

  it('flags a month-start fee that changes size once it is known', () => {
    // Prepare: the fee triples on the third month start.
    const costs = weeklyCosts(90).map((cost, i) =>
      MONTH_STARTS.includes(i) ? cost + (i === 76 ? 3 * FEE : FEE) : cost,
    );

    // Act
    const detected = detectAnomalies(dailySeries(START, costs));

    // Assess
    expect(anomalyIndices(detected)).toEqual([76]);
    expect(detected[76]).toMatchObject({ reason: 'month-start', direction: 'up' });
  });

  it('flags a first-ever month-start fee of the same size', () => {
    // Prepare
    const costs = weeklyCosts(90).map((cost, i) => (i === 76 ? cost + FEE : cost));

    // Act
    const detected = detectAnomalies(dailySeries(START, costs));

    // Assess
    expect(anomalyIndices(detected)).toEqual([76]);
    expect(detected[76]).toMatchObject({ reason: 'month-start', direction: 'up' });
  });

  it('does not page a month start without its learnt fee (a saving), but still one far below a regular day', () => {
    // Prepare: the fee is charged on the first two month starts only; in a second series the third
    // month start has no spend at all.
    const withFee = weeklyCosts(90).map((cost, i) =>
      MONTH_STARTS.slice(0, 2).includes(i) ? cost + FEE : cost,
    );
    const empty = withFee.map((cost, i) => (i === 76 ? 0 : cost));

    // Act
    const skipped = detectAnomalies(dailySeries(START, withFee), { minHistory: 14 });
    const zero = detectAnomalies(dailySeries(START, empty), { minHistory: 14 });

    // Assess: a regular day where the fee was expected is judged as a regular day.
    expect(anomalyIndices(skipped)).toEqual([]);
    expect(skipped[76]?.expected).toBeGreaterThan(FEE);
    expect(anomalyIndices(zero)).toEqual([76]);
    expect(zero[76]).toMatchObject({ reason: 'month-start', direction: 'down' });
  });

  it('learns the first fee of a service that started after a month start with nothing spent', () => {
    // Prepare: zeros until day 30 (the month start at 17 has no spend), then spend with a fee on
    // every month start.
    const costs = weeklyCosts(90).map((cost, i) =>
      i < 30 ? 0 : MONTH_STARTS.includes(i) ? cost + FEE : cost,
    );

    // Act
    const detected = detectAnomalies(dailySeries(START, costs));

    // Assess: the service's start is news; its first fee (day 45) is learnt, the zero month start
    // before it said nothing about fees.
    expect(detected[30]?.reason).toBe('new');
    expect(anomalyIndices(detected).filter((i) => MONTH_STARTS.includes(i))).toEqual([]);
    expect(detected[76]?.expected).toBeGreaterThan(FEE);
  });

  it('without month-start learning, flags the fee as a burst the first time it is judged, then learns it', () => {
    // Prepare
    const costs = weeklyCosts(90).map((cost, i) => (MONTH_STARTS.includes(i) ? cost + FEE : cost));

    // Act
    const detected = detectAnomalies(dailySeries(START, costs), { monthStart: false });

    // Assess: 17 is in the warm-up; 45 is news; by 76 a burst of that size has been seen before.
    expect(anomalyIndices(detected)).toEqual([45]);
    expect(detected[45]?.reason).toBe('deviation');
  });
});

describe('detectAnomalies thresholds', () => {
  it('does not flag a clear deviation whose dollar impact is under minImpact', () => {
    // Prepare
    const costs = weeklyCosts(91);
    costs[EVENT_DAY] = 250;

    // Act
    const small = detectAnomalies(dailySeries(MONDAY, costs), { minImpact: 200 });
    const large = detectAnomalies(dailySeries(MONDAY, costs), { minImpact: 100 });

    // Assess
    expect(small[EVENT_DAY]?.anomaly).toBe(false);
    expect(small[EVENT_DAY]?.score).toBeGreaterThan(0.9);
    expect(large[EVENT_DAY]?.anomaly).toBe(true);
  });

  it('does not flag a statistically clear deviation under the relative threshold', () => {
    // Prepare: a very quiet series (±0.5%) with a 12% bump: many sigmas, but only 12%.
    const random = seededRandom(7);
    const costs = Array.from({ length: 91 }, () => 1_000 * (1 + (random() - 0.5) * 0.01));
    costs[EVENT_DAY] = 1_120;

    // Act
    const byDefault = detectAnomalies(dailySeries(MONDAY, costs));
    const looser = detectAnomalies(dailySeries(MONDAY, costs), { relativeThreshold: 0.1 });

    // Assess
    expect(Math.abs(byDefault[EVENT_DAY]?.z ?? 0)).toBeGreaterThan(4);
    expect(byDefault[EVENT_DAY]?.anomaly).toBe(false);
    expect(looser[EVENT_DAY]?.anomaly).toBe(true);
  });

  it('scores larger deviations higher, within [0, 1], and 0.5 at the threshold', () => {
    // Prepare
    const spikes = [110, 150, 250, 1_000];

    // Act
    const scores = spikes.map((spike) => {
      const costs = weeklyCosts(91);
      costs[EVENT_DAY] = spike;
      return detectAnomalies(dailySeries(MONDAY, costs))[EVENT_DAY];
    });

    // Assess
    const values = scores.map((point) => point?.score ?? -1);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    expect(values.every((score) => score >= 0 && score <= 1)).toBe(true);
    const point = scores[0];
    const atThreshold = 1 - 2 ** -(Math.abs(point?.z ?? 0) / 4);
    expect(point?.score).toBeCloseTo(atThreshold, 12);
  });
});

describe('detectAnomalies on bad input', () => {
  it('rejects an empty series', () => {
    // Act / Assess
    expect(() => detectAnomalies([])).toThrow(InputError);
    expect(() => detectAnomalies([])).toThrow(/series: is empty/);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a negative value', -1],
  ])('rejects %s and names the point', (_label, bad) => {
    // Prepare
    const series = dailySeries(MONDAY, [1, 2, 3, bad, 5]);

    // Act
    const attempt = () => detectAnomalies(series);

    // Assess
    expect(attempt).toThrow(InputError);
    expect(attempt).toThrow(/^series\[3\]: value must be a finite, non-negative number/);
  });

  it('rejects invalid options, naming the option', () => {
    // Act / Assess
    expect(() => detectAnomalies(dailySeries(MONDAY, [1]), { period: 0 })).toThrow(/^options\.period: /);
    expect(() => resolveDetectorOptions({ zThreshold: -1 })).toThrow(InputError);
  });

  it('rejects an unparseable timestamp when month starts are learned', () => {
    // Act / Assess
    expect(() => detectAnomalies([{ timestamp: 'yesterday', value: 1 }])).toThrow(
      /^series\[0\]\.timestamp: /,
    );
  });

  it('returns finite numbers for a series of nothing but gaps', () => {
    // Act
    const detected = detectAnomalies(dailySeries(MONDAY, [null, null, null]));

    // Assess
    expect(detected.map((point) => [point.expected, point.lower, point.upper, point.score])).toEqual([
      [0, 0, expect.any(Number), 0],
      [0, 0, expect.any(Number), 0],
      [0, 0, expect.any(Number), 0],
    ]);
    expect(detected.every((point) => Number.isFinite(point.upper))).toBe(true);
  });
});

describe('inferPeriod and inferInterval', () => {
  it('infers a weekly season for daily timestamps, even with a gap', () => {
    // Prepare
    const timestamps = dailyTimestamps(MONDAY, 30).filter((_, i) => i !== 12);

    // Act / Assess
    expect(inferPeriod(timestamps)).toBe(7);
    expect(inferInterval(timestamps)).toBe(DAY_MS);
  });

  it('infers a daily season for hourly timestamps', () => {
    // Prepare
    const timestamps = Array.from({ length: 48 }, (_, i) => new Date(Date.UTC(2025, 0, 1, i)).toISOString());

    // Act / Assess
    expect(inferPeriod(timestamps)).toBe(24);
    expect(inferInterval(timestamps)).toBe(3_600_000);
  });

  it('infers no season for irregular or too few timestamps', () => {
    // Prepare
    const irregular = [
      '2025-01-01T00:00:00Z',
      '2025-01-01T07:13:00Z',
      '2025-01-02T03:00:00Z',
      '2025-01-02T04:30:00Z',
      '2025-01-04T19:00:00Z',
      '2025-01-05T02:00:00Z',
    ];

    // Act / Assess
    expect(inferPeriod(irregular)).toBe(1);
    expect(inferPeriod(['2025-01-01'])).toBe(1);
    expect(inferInterval(['2025-01-01'])).toBeNull();
  });

  it('infers no weekly season for weekly timestamps', () => {
    // Prepare
    const weekly = Array.from({ length: 10 }, (_, i) => new Date(Date.UTC(2025, 0, 6 + 7 * i)).toISOString());

    // Act / Assess
    expect(inferPeriod(weekly)).toBe(1);
    expect(inferInterval(weekly)).toBe(7 * DAY_MS);
  });

  it('rejects unparseable timestamps and reads any order, duplicates included', () => {
    // Act / Assess
    expect(() => inferPeriod(['2025-01-01', 'soon'])).toThrow(/^timestamps\[1\]: /);
    expect(inferInterval(['2025-01-03', '2025-01-01', '2025-01-02', '2025-01-02'])).toBe(DAY_MS);
  });

  it('infers one day of points as the period of minute data, and sees through jitter', () => {
    // Prepare: 5-minute stamps, each off the grid by up to 20 seconds.
    const jittered = Array.from({ length: 600 }, (_, i) =>
      new Date(Date.UTC(2025, 0, 1) + i * 300_000 + ((i * 7919) % 41) * 1000 - 20_000).toISOString(),
    );

    // Act / Assess
    expect(inferInterval(jittered)).toBe(300_000);
    expect(inferPeriod(jittered)).toBe(288);
    expect(inferPeriod(jittered.map((t, i) => (i % 2 ? t : t.replace(/:\d\d\./, ':00.'))))).toBe(288);
  });
});

describe('isMonthStart', () => {
  it.each([
    ['2025-03-01', true],
    ['2025-03-01T00:00:00Z', true],
    ['2025-03-01T00:00:00+01:00', true],
    ['2025-03-01T05:00:00Z', false],
    ['2025-03-02', false],
    ['2025-12-31T00:00:00Z', false],
  ])('reads %s as month start: %s', (timestamp, expected) => {
    // Act / Assess
    expect(isMonthStart(timestamp)).toBe(expected);
  });
});

describe('detectSeries on grids coarser than daily', () => {
  /** Calm values around 1,000 (±2%), one per step from `start`. */
  const calm = (count: number, seed: number) => {
    const random = seededRandom(seed);
    return Array.from({ length: count }, () => 1000 * (1 + (random() - 0.5) * 0.04));
  };
  const monthly = (values: readonly number[]): SeriesPoint[] =>
    values.map((value, i) => ({
      timestamp: `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`,
      value,
    }));
  const weekly = (values: readonly number[]): SeriesPoint[] =>
    values.map((value, i) => ({
      timestamp: new Date(Date.parse(MONDAY) + i * 7 * DAY_MS).toISOString(),
      value,
    }));

  it('judges a monthly series after eight months, not after 28, and flags a doubled month', () => {
    // Prepare: month 13 (index 12) doubles; the warm-up's last month (index 7) doubles too.
    const values = calm(16, 3);
    values[12] = 2000;
    const withEarlySpike = [...values];
    withEarlySpike[7] = 2000;
    // Act
    const detected = detectSeries(monthly(values));
    const early = detectSeries(monthly(withEarlySpike));
    // Assess
    expect(anomalyIndices(detected.points)).toEqual([12]);
    expect(early.points[7]?.anomaly).toBe(false);
    expect(detected.warnings).toContain(
      '8 point(s), up to 2024-08-01, are in the warm-up (the first 8 slots, 8 months): scored, never flagged',
    );
  });

  it('judges a weekly series after eight weeks and leaves a calm one calm', () => {
    const calmWeeks = calm(40, 5);
    const spiked = [...calmWeeks];
    spiked[9] = 1600;
    expect(anomalyIndices(detectAnomalies(weekly(calmWeeks)))).toEqual([]);
    expect(anomalyIndices(detectAnomalies(weekly(spiked)))).toEqual([9]);
  });

  it('keeps 28 days of warm-up on a daily series and says so', () => {
    const detected = detectSeries(dailySeries(MONDAY, weeklyCosts(40)));
    expect(detected.warnings).toContain(
      '28 point(s), up to 2025-02-02, are in the warm-up (the first 28 slots, 28 d): scored, never flagged',
    );
  });
});

describe('detectAnomalies, call after call', () => {
  it('gives a series the same verdicts whatever was scored before it (working memory is reused)', () => {
    // Prepare: a series with a spike, and calls that leave different things in the working memory:
    // a longer series, a series that restarts after zeros, and a call that fails half-way.
    const costs = weeklyCosts(70, 3);
    costs[EVENT_DAY] = 400;
    const series = dailySeries(MONDAY, costs);
    const first = detectAnomalies(series);
    const zerosThenSpend = weeklyCosts(90, 4).map((v, i) => (i < 30 ? 0 : v));
    const bad = dailySeries(MONDAY, weeklyCosts(50, 5)).map((p, i) => (i === 40 ? { ...p, value: -1 } : p));

    // Act
    detectAnomalies(dailySeries(MONDAY, weeklyCosts(400, 6)));
    const afterLong = detectAnomalies(series);
    detectAnomalies(dailySeries(MONDAY, zerosThenSpend));
    const afterRestart = detectAnomalies(series);
    expect(() => detectAnomalies(bad)).toThrow(InputError);
    const afterFailure = detectAnomalies(series);

    // Assess
    expect(anomalyIndices(first)).toEqual([EVENT_DAY]);
    expect(afterLong).toEqual(first);
    expect(afterRestart).toEqual(first);
    expect(afterFailure).toEqual(first);
  });
});
