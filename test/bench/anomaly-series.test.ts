import { describe, expect, it } from 'vitest';
import { dailyCase, HELD_OUT_SEED, TUNING_SEED } from '../../bench/anomaly-daily-series.js';
import { metricCase } from '../../bench/anomaly-metric-series.js';

const DAY_MS = 86_400_000;
const cases = Array.from({ length: 120 }, (_, i) => dailyCase(i, TUNING_SEED));
const withIrregularity = (name: string) => cases.filter((c) => c.irregularities.has(name as never));

describe('dailyCase', () => {
  it('is the same for the same index and seed, and differs between the tuning and held-out seeds', () => {
    expect(dailyCase(5, TUNING_SEED)).toEqual(dailyCase(5, TUNING_SEED));
    expect(dailyCase(5, HELD_OUT_SEED).rows).not.toEqual(dailyCase(5, TUNING_SEED).rows);
  });

  it('gives every row its day index, and keeps values non-negative', () => {
    for (const c of cases.slice(0, 30)) {
      const first = Date.parse(c.rows[0]?.timestamp ?? '') - (c.rowDay[0] ?? 0) * DAY_MS;
      c.rows.forEach((row, i) => {
        expect(Date.parse(row.timestamp)).toBe(first + (c.rowDay[i] ?? 0) * DAY_MS);
        expect(row.value === null || row.value >= 0).toBe(true);
      });
    }
  });

  it('drops whole days from gappy exports and splits days over rows in duplicated ones', () => {
    const missingDays = (c: (typeof cases)[number]) => c.days - new Set(c.rowDay).size;
    expect(withIrregularity('gappy').every((c) => missingDays(c) > 0)).toBe(true);
    const repeated = (c: (typeof cases)[number]) =>
      c.rows.length - new Set(c.rows.map((r) => r.timestamp)).size;
    expect(withIrregularity('duplicates').every((c) => repeated(c) > 0)).toBe(true);
  });

  it('keeps a mostly-zero series at zero on most days', () => {
    for (const c of withIrregularity('mostly-zero')) {
      const zeros = c.rows.filter((r) => r.value === 0).length;
      expect(zeros / c.rows.length).toBeGreaterThan(0.4);
    }
  });

  it('labels incidents after a warm-up, inside the series, never on a missing day', () => {
    const incidents = cases.flatMap((c) => c.incidents.map((w) => ({ c, w })));
    expect(incidents.length).toBeGreaterThan(60);
    for (const { c, w } of incidents) {
      expect(w.start).toBeGreaterThanOrEqual(20);
      expect(w.from).toBe(w.start);
      expect(w.to).toBeGreaterThan(w.from);
      expect(c.rowDay).toContain(w.start);
    }
  });

  it('dips a holiday once, however many holiday windows cover the day', () => {
    // A day in two overlapping windows against a day of the same weekday in one window only: the same
    // dip (before, the dips multiplied, to as little as a tenth of a weekday).
    const ratios: number[] = [];
    for (let i = 0; i < 400; i++) {
      const c = dailyCase(i, TUNING_SEED);
      if (!c.irregularities.has('holidays')) continue;
      const cover = new Uint8Array(c.days);
      for (const w of c.benign) for (let t = w.from; t < w.to; t++) cover[t] = (cover[t] as number) + 1;
      const valueOn = new Map<number, number>();
      c.rows.forEach((r, k) => {
        const day = c.rowDay[k] as number;
        valueOn.set(day, (valueOn.get(day) ?? 0) + (r.value ?? Number.NaN));
      });
      // No incident near, no burst or shift on the day, no empty cell.
      const quiet = (t: number) =>
        Number.isFinite(valueOn.get(t)) &&
        c.incidents.every((w) => t < w.start - 1) &&
        c.marks.every((m) => m.day !== t);
      for (let t = 0; t < c.days; t++) {
        if (cover[t] !== 2 || !quiet(t)) continue;
        const single = [t - 7, t + 7, t - 14, t + 14].find((u) => cover[u] === 1 && quiet(u));
        if (single !== undefined) ratios.push((valueOn.get(t) as number) / (valueOn.get(single) as number));
      }
    }
    ratios.sort((a, b) => a - b);
    expect(ratios.length).toBeGreaterThan(5);
    const median = ratios[ratios.length >> 1] as number;
    expect(median).toBeGreaterThan(0.9);
    expect(median).toBeLessThan(1.15);
  });

  it('makes a spike stand out of the series around it', () => {
    for (const { c, w } of cases.flatMap((c) =>
      c.incidents.filter((w) => w.kind === 'spike').map((w) => ({ c, w })),
    )) {
      // Against the same weekday one week earlier (weekly profiles make other days incomparable).
      const valueOn = (day: number) =>
        c.rows.filter((_, i) => c.rowDay[i] === day).reduce((sum, r) => sum + (r.value ?? 0), 0);
      if (!c.rowDay.includes(w.start - 7)) continue;
      expect(valueOn(w.start)).toBeGreaterThan(valueOn(w.start - 7));
    }
  });
});

describe('metricCase', () => {
  it('builds 1- or 5-minute series with incidents inside, after the first day', () => {
    for (let i = 0; i < 12; i++) {
      const c = metricCase(i, TUNING_SEED);
      expect([1, 5]).toContain(c.intervalMinutes);
      expect(c.slots).toBeGreaterThanOrEqual((3 * 1440) / c.intervalMinutes);
      for (const w of c.incidents) {
        expect(w.start).toBeGreaterThan(1440 / c.intervalMinutes);
        expect(w.to).toBeLessThanOrEqual(c.slots);
      }
      expect(c.rows.every((r) => r.value !== null && r.value >= 0)).toBe(true);
    }
  });

  it('is the same for the same index and seed', () => {
    expect(metricCase(2, TUNING_SEED)).toEqual(metricCase(2, TUNING_SEED));
  });
});
