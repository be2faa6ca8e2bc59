import { describe, expect, it } from 'vitest';
import { seededRandom as seededRng } from '../../../../bench/random.js';
import {
  type DetectedPoint,
  detectAnomalies,
  detectSeries,
  type SeriesPoint,
} from '../../../../shared/checks/cost-anomaly/detector.js';
import { InputError } from '../../../../shared/core/errors.js';

const DAY_MS = 86_400_000;
// 2025-01-06 is a Monday: index % 7 of 5 and 6 are the weekend.
const MONDAY = Date.parse('2025-01-06');

/** Deterministic PRNG (mulberry32). */
function seededRandom(seed: number): () => number {
  return seededRng(seed).next;
}

/** Weekday spend around 100, weekend around 40, ±5% noise. */
function weekly(days: number, seed = 1): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: days }, (_, i) => (i % 7 >= 5 ? 40 : 100) * (1 + (random() - 0.5) * 0.1));
}

const day = (i: number) => new Date(MONDAY + i * DAY_MS).toISOString().slice(0, 10);
const daily = (values: ReadonlyArray<number | null>): SeriesPoint[] =>
  values.map((value, i) => ({ timestamp: day(i), value }));
const flagged = (points: readonly DetectedPoint[]) => points.flatMap((p, i) => (p.anomaly ? [i] : []));

describe('detectAnomalies on time, not rows', () => {
  it('scores a series with missing rows as the same series with gaps', () => {
    // Prepare: four days missing; a spike on day 80.
    const values = weekly(100);
    values[80] = 300;
    const missing = new Set([40, 41, 42, 61]);
    const withGaps = daily(values.map((v, i) => (missing.has(i) ? null : v)));
    const withoutRows = withGaps.filter((_, i) => !missing.has(i));

    // Act
    const gapped = detectAnomalies(withGaps);
    const absent = detectAnomalies(withoutRows);

    // Assess
    const kept = gapped.filter((_, i) => !missing.has(i));
    expect(absent.map((p) => p.expected)).toEqual(kept.map((p) => p.expected));
    expect(flagged(gapped)).toEqual([80]);
  });

  it('answers each point where it stands in the input, whatever the order', () => {
    // Prepare
    const points = daily(weekly(60));
    const shuffled = [...points].reverse();

    // Act
    const inOrder = detectAnomalies(points);
    const reversed = detectAnomalies(shuffled);

    // Assess
    expect(reversed.map((p) => p.timestamp)).toEqual(shuffled.map((p) => p.timestamp));
    expect([...reversed].reverse().map((p) => p.expected)).toEqual(inOrder.map((p) => p.expected));
  });

  it('combines duplicate timestamps, gives each of them the verdict, and warns once with the count', () => {
    // Prepare: days 30 and 31 each split into two rows.
    const values = weekly(60);
    const points = daily(values).flatMap((p, i) =>
      i === 30 || i === 31
        ? [
            { timestamp: p.timestamp, value: (p.value as number) * 0.25 },
            { timestamp: p.timestamp, value: (p.value as number) * 0.75 },
          ]
        : [p],
    );

    // Act
    const result = detectSeries(points, { duplicates: 'sum' });

    // Assess
    expect(result.points).toHaveLength(62);
    expect(result.points[30]?.value).toBeCloseTo(values[30] as number, 9);
    expect(result.points[31]).toEqual(result.points[30]);
    expect(result.combined).toBe(2);
    expect(result.warnings).toEqual([
      '2 point(s) shared a timestamp (or a 1 d slot) with another point, on 2 timestamp(s): combined by sum',
    ]);
    expect(flagged(result.points)).toEqual([]);
  });

  it('reports the interval, the period and the gaps it used', () => {
    const result = detectSeries(daily(weekly(30)).filter((_, i) => i !== 10));
    expect(result).toMatchObject({ intervalMs: DAY_MS, period: 7, slots: 30, gaps: 1, combined: 0 });
  });

  it('warns that irregular timestamps get no seasonality', () => {
    const random = seededRandom(3);
    let t = MONDAY;
    const points = Array.from({ length: 40 }, () => {
      t += (0.2 + random() * 2) * DAY_MS;
      return { timestamp: new Date(t).toISOString(), value: 10 };
    });
    const result = detectSeries(points);
    expect(result.period).toBe(1);
    expect(result.warnings.at(-1)).toMatch(/^timestamps are irregular/);
  });

  it('refuses a grid far too sparse for its interval', () => {
    const points = [
      ...Array.from({ length: 10 }, (_, i) => ({ timestamp: new Date(i * 60_000).toISOString(), value: 1 })),
      { timestamp: '2090-01-01T00:00:00Z', value: 1 },
    ];
    expect(() => detectSeries(points)).toThrow(InputError);
  });
});

describe('detectAnomalies on the irregularities of real exports', () => {
  it('learns routine bursts: alerts on the first, not on those of the same size, and on one far bigger', () => {
    // Prepare: a +60% burst every 11 days, then one at +400%.
    const values = weekly(120, 4).map((v, i) => (i % 11 === 3 ? v + 60 : v));
    values[113] = (values[113] as number) + 400;

    // Act
    const detected = detectAnomalies(daily(values));

    // Assess
    const bursts = flagged(detected);
    expect(bursts.filter((i) => i % 11 === 3 && i < 100)).toHaveLength(0);
    expect(bursts).toContain(113);
  });

  it('learns the routine bursts of the warm-up: the same sizes later do not alert, one far bigger does', () => {
    // Prepare: ±3% noise; five bursts of +100 to +150 in the first four weeks, three more after
    // a quiet month, and +700 on day 100.
    const random = seededRandom(1);
    const bursts: Record<number, number> = {
      4: 120,
      9: 150,
      12: 100,
      17: 140,
      23: 130,
      65: 150,
      80: 130,
      95: 145,
    };
    const values = Array.from(
      { length: 110 },
      (_, i) => 100 * (1 + (random() - 0.5) * 0.06) + (bursts[i] ?? 0),
    );
    values[100] = (values[100] as number) + 700;

    // Act
    const detected = detectAnomalies(daily(values));

    // Assess: the scale learned in a bursty warm-up shrinks later, but the bursts' size (a share of
    // the level) is what the burst guard remembers.
    expect(flagged(detected)).toEqual([100]);
  });

  it('keeps bursts out of the weekly shape: a weekday with a burst in half its warm-up weeks keeps its level', () => {
    // Prepare: +150 on the Mondays of weeks 1 and 3 of the warm-up (day 28 is the first Monday judged).
    const values = weekly(70, 8).map((v, i) => (i === 0 || i === 14 ? v + 150 : v));

    // Act
    const detected = detectAnomalies(daily(values));

    // Assess: a median of four Mondays, two of them bursts, would expect 175 on Mondays.
    expect(detected[28]?.expected).toBeGreaterThan(90);
    expect(detected[28]?.expected).toBeLessThan(110);
    expect(flagged(detected)).toEqual([]);
  });

  it('does not take the noise from a burst on the second day: a drop a week after the warm-up is seen', () => {
    // Prepare: ±2% noise around 100; +300 on day 1; -30% on day 35.
    const random = seededRandom(3);
    const values = Array.from({ length: 70 }, () => 100 * (1 + (random() - 0.5) * 0.04));
    values[1] = (values[1] as number) + 300;
    values[35] = 70;

    // Act
    const detected = detectAnomalies(daily(values));

    // Assess: a scale set by the burst (the first error) put the lower band near 55 on day 35.
    expect(flagged(detected)).toEqual([35]);
    expect(detected[35]?.direction).toBe('down');
    expect(detected[35]?.lower).toBeGreaterThan(85);
  });

  it('judges a new service by its own weeks, not by the zeros before it', () => {
    // Prepare: nothing for 40 days, then a service with a weekly shape and a spike on day 110.
    const values = weekly(120, 6).map((v, i) => (i < 40 ? 0 : v));
    values[110] = (values[110] as number) + 150;

    // Act
    const detected = detectAnomalies(daily(values));

    // Assess: the start is news for a week; its next weeks (a shape the zeros never showed) are not.
    const alerts = flagged(detected);
    expect(detected[40]?.reason).toBe('new');
    expect(alerts.filter((i) => i < 47).every((i) => detected[i]?.reason === 'new')).toBe(true);
    expect(alerts.filter((i) => i >= 47)).toEqual([110]);
  });

  it('alerts on a two-week drop once, not again on the day it ends', () => {
    // Prepare: spend falls to 30% for 13 days, then comes back.
    const values = weekly(110, 2).map((v, i) => (i >= 60 && i < 73 ? v * 0.3 : v));

    // Act
    const detected = detectAnomalies(daily(values));

    // Assess: the drop is held out of the level, so the run test confirms it, and the return to the
    // level from before is recognised instead of paged as a rise.
    const alerts = flagged(detected);
    expect(alerts[0]).toBe(60);
    expect(alerts.every((i) => i >= 60 && i < 73)).toBe(true);
  });

  it('alerts on a two-week rise once, not again on the day it ends', () => {
    // Prepare: spend 30% higher for 15 days, then back.
    const values = weekly(120, 2).map((v, i) => (i >= 50 && i < 65 ? v * 1.3 : v));

    // Act
    const detected = detectAnomalies(daily(values));

    // Assess: the rise is held out of the level until the run test confirms it, so the old level is
    // remembered and the return to it is no alert.
    const alerts = flagged(detected);
    expect(alerts[0]).toBe(50);
    expect(alerts.every((i) => i >= 50 && i < 65)).toBe(true);
  });

  it('follows a lasting level shift after a few days instead of alerting on it for weeks', () => {
    // Prepare
    const values = weekly(120).map((v, i) => (i >= 60 ? v * 1.8 : v));

    // Act
    const detected = detectAnomalies(daily(values));

    // Assess: one alert at the start of the shift, and none once it is the new normal.
    const runs = flagged(detected);
    expect(runs[0]).toBe(60);
    expect(runs.every((i) => i < 60 + 14)).toBe(true);
  });

  it('does not alert again when a temporary rise ends and spend returns to the old level', () => {
    // Prepare: +150% for 20 days.
    const values = weekly(120).map((v, i) => (i >= 50 && i < 70 ? v * 2.5 : v));

    // Act
    const detected = detectAnomalies(daily(values));

    // Assess
    expect(flagged(detected)[0]).toBe(50);
    expect(flagged(detected).filter((i) => i >= 70)).toEqual([]);
  });

  it('remembers the old level for the full memory after a second shift, so the end of a rise is no alert', () => {
    // Prepare: a lasting +15% shift from day 35 (confirmed ten days later), then +150% from day 60
    // to day 82: the rise ends more than 35 days after the first shift, less than 35 after the second.
    const values = weekly(130, 3).map((v, i) => v * (i >= 35 ? 1.15 : 1) * (i >= 60 && i < 82 ? 2.5 : 1));

    // Act
    const detected = detectAnomalies(daily(values));

    // Assess: the rise alerts (until the run test confirms it), its end does not, and the level is
    // the one from before the rise.
    const alerts = flagged(detected).filter((i) => i >= 45);
    expect(alerts[0]).toBe(60);
    expect(alerts.every((i) => i < 70)).toBe(true);
    expect(detected[85]?.expected).toBeGreaterThan(0.9 * (values[85] as number));
    expect(detected[85]?.expected).toBeLessThan(1.1 * (values[85] as number));
  });

  it('does not alert when a temporary rise ends on the first of a month', () => {
    // Prepare: a series with no weekly shape (a weekday at the weekend level would pass for a
    // holiday), +150% from day 60 to day 84; day 85 is 2025-04-01, a month start (kept out of the
    // regular model for its fee, which this series does not have).
    expect(day(85)).toBe('2025-04-01');
    const random = seededRandom(4);
    const values = Array.from(
      { length: 130 },
      (_, i) => 100 * (1 + (random() - 0.5) * 0.1) * (i >= 60 && i < 85 ? 2.5 : 1),
    );

    // Act
    const detected = detectAnomalies(daily(values));

    // Assess: the end of the rise is recognised on the month start too: no drop is paged there, and
    // the level is the one from before the rise.
    const alerts = flagged(detected).filter((i) => i >= 45);
    expect(alerts[0]).toBe(60);
    expect(alerts.every((i) => i < 70)).toBe(true);
    expect(detected[86]?.expected).toBeGreaterThan(0.9 * (values[86] as number));
    expect(detected[86]?.expected).toBeLessThan(1.1 * (values[86] as number));
  });

  it('learns the fee of a month start on which a lasting rise began from the new level, not the old', () => {
    // Prepare: a fee of 200 on every first (2025-03-01, 04-01, 05-01 are days 26, 57 and 87), and
    // spend three times higher for good from 2025-04-01 on.
    const start = Date.parse('2025-02-03');
    const at = (i: number) => new Date(start + i * DAY_MS).toISOString().slice(0, 10);
    const values = weekly(110, 5).map((v, i) => v * (i >= 57 ? 3 : 1) + (at(i).endsWith('-01') ? 200 : 0));

    // Act
    const detected = detectAnomalies(values.map((value, i) => ({ timestamp: at(i), value })));

    // Assess: once the rise is confirmed as a shift, the first of April counts as 200 above the new
    // level, so May's first is expected at its new level plus the fee (not plus half the rise).
    expect(at(87)).toBe('2025-05-01');
    expect(detected[87]?.expected).toBeGreaterThan(0.93 * (values[87] as number));
    expect(detected[87]?.expected).toBeLessThan(1.07 * (values[87] as number));
  });

  it('judges a weekday that looks like a weekend (a holiday) as quiet, but a weekday at zero as a drop', () => {
    // Prepare: Thursday (day 59) at the weekend level; Thursday (day 73) at zero.
    const values = weekly(90);
    values[59] = 42;
    values[73] = 0;

    // Act
    const detected = detectAnomalies(daily(values));

    // Assess
    expect(detected[59]?.anomaly).toBe(false);
    expect(detected[73]).toMatchObject({ anomaly: true, direction: 'down' });
  });

  it('keeps a mostly-zero series quiet on its usual charges and flags one five times their size', () => {
    // Prepare: about one day in four has a charge near 20.
    const random = seededRandom(9);
    const values = Array.from({ length: 120 }, () =>
      random() < 0.25 ? 20 * (1 + (random() - 0.5) * 0.2) : 0,
    );
    values[100] = 100;

    // Act
    const detected = detectAnomalies(daily(values));

    // Assess
    expect(flagged(detected)).toEqual([100]);
    expect(detected[100]?.direction).toBe('up');
  });

  it('keeps a mostly-zero series quiet on charges the size of one it has shown, and flags one twice beyond', () => {
    // Prepare: about one day in four has a charge near 20 (±2.5%, so median and MAD are tight); a
    // charge of 29 in the warm-up, then 30 and 28 later (no larger than routine), and 55 on day 110.
    const random = seededRandom(5);
    const values = Array.from({ length: 120 }, () =>
      random() < 0.25 ? 20 * (1 + (random() - 0.5) * 0.1) : 0,
    );
    values[8] = 29;
    values[60] = 30;
    values[90] = 28;
    values[110] = 55;

    // Act
    const detected = detectAnomalies(daily(values));

    // Assess: 30 and 28 are within the largest routine charge's reach; 55 departs more than twice as far.
    expect(flagged(detected)).toEqual([110]);
    expect(detected[90]?.upper).toBeGreaterThan(35);
  });

  it('stays quiet through the ramp-up of a series that starts with its first rows', () => {
    // Prepare: spend that starts at 20 and ramps to its level over a week, then weekly as usual.
    const values = weekly(80).map((v, i) => (i < 7 ? (v * (i + 1)) / 7 : v));

    // Act / Assess
    expect(flagged(detectAnomalies(daily(values)))).toEqual([]);
  });
});

describe('detectAnomalies on minute metrics', () => {
  /** Poisson counts (Knuth), mean 5 per minute, for `days` days; `outage` minutes at zero. */
  function requests(days: number, outage: readonly [number, number] | null): SeriesPoint[] {
    const random = seededRandom(21);
    return Array.from({ length: days * 1440 }, (_, i) => {
      let k = 0;
      for (let p = random(); p > Math.exp(-5); p *= random()) k++;
      const down = outage !== null && i >= outage[0] && i < outage[1];
      return { timestamp: new Date(Date.UTC(2025, 0, 4) + i * 60_000).toISOString(), value: down ? 0 : k };
    });
  }

  it('finds an outage no single minute proves (a zero is common at 5 a minute) within half an hour', () => {
    // Prepare: one hour at zero on day 3.
    const start = 2 * 1440 + 600;

    // Act
    const detected = detectAnomalies(requests(3, [start, start + 60]));

    // Assess
    const first = flagged(detected)[0] as number;
    expect(first).toBeGreaterThanOrEqual(start);
    expect(first - start).toBeLessThan(30);
    expect(detected[first]?.direction).toBe('down');
    expect(flagged(detected).every((i) => i >= start && i < start + 75)).toBe(true);
  });

  it('flags almost nothing on the same counts without an outage', () => {
    const detected = detectAnomalies(requests(3, null));
    expect(flagged(detected).length / detected.length).toBeLessThan(0.002);
  });
});

describe('detectAnomalies after a service ramps up in its first weeks', () => {
  it('learns the ramp neither as a weekly shape nor as routine bursts, and still flags a doubling months later', () => {
    // Prepare: no weekly cycle; spend ramps from 500 to 13,000 a day over three weeks, then grows
    // slowly with ±1% noise, and doubles on day 120.
    const random = seededRandom(7);
    const values = Array.from({ length: 140 }, (_, i) => {
      const base = i < 21 ? 500 + (12_500 * i) / 21 : 13_000 * (1 + 0.002 * (i - 21));
      return (i >= 120 ? 2 : 1) * base * (1 + (random() - 0.5) * 0.02);
    });

    // Act
    const points = detectAnomalies(daily(values));

    // Assert: the expected value follows the flat weeks (a sawtooth profile was 19% off), and the doubling is flagged.
    for (let i = 50; i < 120; i++)
      expect(Math.abs((points[i]?.expected as number) / (values[i] as number) - 1)).toBeLessThan(0.08);
    expect(flagged(points)[0]).toBe(120);
    // On 1% noise a doubling is far beyond any burst the series has shown (the ramp's last weeks read as
    // +50% bursts against the warm-up's median, and capped it at z 4).
    expect(points[120]?.z).toBeGreaterThan(20);
  });

  it('does the same for a ramp that starts after a few days of nothing (too few to be a new service)', () => {
    // Prepare: six days of zeros, then the same ramp and doubling as above.
    const random = seededRandom(7);
    const values = Array.from({ length: 140 }, (_, i) => {
      if (i < 6) return 0;
      const j = i - 6;
      const base = j < 21 ? 500 + (12_500 * j) / 21 : 13_000 * (1 + 0.002 * (j - 21));
      return (i >= 120 ? 2 : 1) * base * (1 + (random() - 0.5) * 0.02);
    });

    // Act
    const points = detectAnomalies(daily(values));

    // Assert: the first week's level is the first with spend, so the warm-up counts as one that moved.
    expect(flagged(points)[0]).toBe(120);
    expect(points[120]?.z).toBeGreaterThan(10);
  });
});

describe('detectSeries on a 5-minute metric that visits its floor at odd times', () => {
  it('does not page a drop to a value this time of day took in the last days, and still pages an outage below it', () => {
    // Prepare: eight days of a daily cycle; a nightly restart around 03:00 (±15 minutes, so no slot
    // of the profile learns it) drops CPU to 2 for ten minutes; on the last day an outage at 14:00
    // reads 0 for half an hour.
    const perDay = 288;
    const random = seededRandom(11);
    const values = Array.from(
      { length: perDay * 8 },
      (_, i) => 40 + 15 * Math.sin((2 * Math.PI * ((i % perDay) / 12 - 6)) / 24) + (random() - 0.5) * 4,
    );
    for (let d = 0; d < 8; d++) {
      const at = d * perDay + 36 + Math.floor((random() - 0.5) * 6);
      values[at] = 2;
      values[at + 1] = 2;
    }
    const outage = 7 * perDay + 168;
    for (let k = 0; k < 6; k++) values[outage + k] = 0;
    const t0 = Date.parse('2025-03-03T00:00:00Z');

    // Act
    const { points } = detectSeries(
      values.map((value, i) => ({ timestamp: new Date(t0 + i * 300_000).toISOString(), value })),
    );

    // Assert: the only drops flagged are the outage's six points (the restarts were three before the floor rule).
    const drops = points.flatMap((p, i) => (p.anomaly && p.direction === 'down' ? [i] : []));
    expect(drops).toEqual([0, 1, 2, 3, 4, 5].map((k) => outage + k));
  });

  it('pages an outage the day after another at about the same time, and an outage under a short --period', () => {
    const t0 = Date.parse('2025-03-03T00:00:00Z');
    const perDay = 288;
    const random = seededRandom(5);
    const values = Array.from(
      { length: perDay * 12 },
      (_, i) => 40 + 15 * Math.sin((2 * Math.PI * ((i % perDay) / 12 - 6)) / 24) + (random() - 0.5) * 4,
    );
    // Half-hour outages at 14:00 on day 10 and 14:20 on day 11: the first is no usual floor for the second.
    const first = 10 * perDay + 168;
    const second = 11 * perDay + 172;
    for (let k = 0; k < 6; k++) {
      values[first + k] = 0;
      values[second + k] = 0;
    }
    const { points } = detectSeries(
      values.map((value, i) => ({ timestamp: new Date(t0 + i * 300_000).toISOString(), value })),
    );
    const drops = points.flatMap((p, i) => (p.anomaly && p.direction === 'down' ? [i] : []));
    expect(drops).toEqual([
      ...[0, 1, 2, 3, 4, 5].map((k) => first + k),
      ...[0, 1, 2, 3, 4, 5].map((k) => second + k),
    ]);

    // A 1-minute series read with a 30-point period: the floor still looks a day back, not a period.
    const minute = seededRandom(6);
    const flat = Array.from({ length: 1440 * 3 }, () => 50 + (minute() - 0.5) * 4);
    const outage = 1440 * 2 + 600;
    for (let k = 0; k < 5; k++) flat[outage + k] = 0;
    const short = detectSeries(
      flat.map((value, i) => ({ timestamp: new Date(t0 + i * 60_000).toISOString(), value })),
      // A relative floor, so that only the outage can be flagged on this flat series.
      { period: 30, relativeThreshold: 0.2 },
    );
    expect(short.points.flatMap((p, i) => (p.anomaly && p.direction === 'down' ? [i] : []))).toEqual(
      [0, 1, 2, 3, 4].map((k) => outage + k),
    );
  });
});

describe('detectAnomalies on a mostly-zero series learning its charges', () => {
  it('flags the first charge as new spend, learns from the next ones without paging them, then judges a tenfold charge', () => {
    // Prepare: three weeks of nothing, then a charge of about 5 every three weeks or so, and one of 60.
    const values = Array.from({ length: 170 }, () => 0);
    const charges: Array<[number, number]> = [
      [20, 5],
      [44, 6],
      [66, 4.5],
      [90, 5.5],
      [113, 5],
      [135, 6.5],
      [158, 60],
    ];
    for (const [day, size] of charges) values[day] = size;

    // Act
    const points = detectAnomalies(daily(values));

    // Assert: the second charge was paged before (judged against the level of a series of zeros).
    expect(points.flatMap((p, i) => (p.anomaly ? [[i, p.reason]] : []))).toEqual([
      [20, 'new'],
      [158, 'deviation'],
    ]);
  });
});
