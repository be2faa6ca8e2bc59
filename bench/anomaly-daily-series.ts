/**
 * Daily cost exports as billing data really arrives, with labelled incidents:
 * the detector-alone bench for issue 11.
 *
 * Every series draws its own shape (level 5 to 50,000 USD/day, weekly
 * profile or none, noise 1 to 15%, slow trend) and, each with its own
 * probability, the irregularities real exports have:
 * - `bursty`: routine bursts (ad-hoc jobs, transfers) of a size and rate
 *   typical for that series;
 * - `gappy`: export gaps, i.e. days with no row at all, and empty values;
 * - `duplicates`: a day split over several rows that sum to its cost;
 * - `month-fee`: a recurring fee on the first of the month;
 * - `holidays`: dips on public holidays (fixed dates and movable ones);
 * - `level-shifts`: small lasting changes (a price change, a commitment);
 * - `drift`: gradual growth or decline for weeks;
 * - `new-service`: a series that starts from nothing, with a ramp-up;
 * - `mostly-zero`: sporadic charges on a series that is usually zero.
 *
 * Labelled incidents (what a FinOps engineer would want to hear about): a
 * `spike` of 1 to 3 days, a lasting `step-up`, a sudden `drop`, and the start
 * of a new service's spend. Incident sizes are drawn relative to what is
 * normal for the series (noise and routine bursts), so a label never asks
 * for the impossible. Everything is seeded: case `i` of a set is the same on
 * every run; the tuning set and the held-out set use different seeds.
 */
import { type Random, seededRandom } from './random.js';

export const DAILY_IRREGULARITIES = [
  'bursty',
  'gappy',
  'duplicates',
  'month-fee',
  'holidays',
  'level-shifts',
  'drift',
  'new-service',
  'mostly-zero',
] as const;
export type DailyIrregularity = (typeof DAILY_IRREGULARITIES)[number];

export const DAILY_INCIDENT_KINDS = ['spike', 'step-up', 'drop', 'new-service'] as const;
export type DailyIncidentKind = (typeof DAILY_INCIDENT_KINDS)[number];

/** A labelled incident. Days are indexes from the series' first day; `to` is exclusive. */
export interface LabelledIncident {
  readonly kind: string;
  /** First day (or point) the incident changes the series. */
  readonly start: number;
  /** Where an alert counts as a detection of it: `[from, to)`. */
  readonly from: number;
  readonly to: number;
  readonly detail: string;
}

/** A benign event worth reporting apart (holidays): alerts there are false, and counted there too. */
export interface BenignWindow {
  readonly kind: string;
  readonly from: number;
  readonly to: number;
}

/** One row of an export, as a CSV would carry it. `value: null` is an empty cell. */
export interface ExportRow {
  readonly timestamp: string;
  readonly value: number | null;
}

export interface DailyCase {
  readonly id: string;
  /** Rows in file order: days may be missing, split over several rows, or empty. */
  readonly rows: readonly ExportRow[];
  /** Day index (from the first day of the span) of every row. */
  readonly rowDay: Int32Array;
  /** Days spanned, first to last. */
  readonly days: number;
  readonly incidents: readonly LabelledIncident[];
  readonly benign: readonly BenignWindow[];
  readonly irregularities: ReadonlySet<DailyIrregularity>;
  /** Typical daily cost before any event (USD). */
  readonly level: number;
  /** Days where something benign but notable happens (a routine burst, an incident ending, a small shift), for diagnosis. */
  readonly marks: ReadonlyArray<{ readonly day: number; readonly kind: string }>;
}

const DAY_MS = 86_400_000;
// Seeds of the two sets: tune on one, report the other as held out.
export const TUNING_SEED = 0x7a11;
export const HELD_OUT_SEED = 0x4e1d;

/** Probability that a series has each irregularity. */
const IRREGULARITY_RATE: Readonly<Record<DailyIrregularity, number>> = {
  bursty: 0.25,
  gappy: 0.25,
  duplicates: 0.1,
  'month-fee': 0.35,
  holidays: 0.3,
  'level-shifts': 0.2,
  drift: 0.2,
  'new-service': 0.08,
  'mostly-zero': 0.08,
};

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Fixed-date holidays most billing calendars share (month, day), and a few movable ones are drawn per series. */
const FIXED_HOLIDAYS: ReadonlyArray<readonly [number, number]> = [
  [1, 1],
  [12, 24],
  [12, 25],
  [12, 26],
  [12, 31],
  [5, 1],
];

interface Shape {
  readonly level: number;
  readonly noise: number;
  readonly weekly: Float64Array;
  /** Share of the cost that follows business activity (dips on holidays). */
  readonly variable: number;
}

function drawWeekly(rng: Random): Float64Array {
  const weekly = new Float64Array(7).fill(1);
  const kind = rng.next();
  if (kind < 0.25) return weekly;
  if (kind < 0.8) {
    const weekend = rng.uniform(0.3, 0.95);
    weekly[0] = weekend;
    weekly[6] = weekend;
    return weekly;
  }
  for (let d = 0; d < 7; d++) weekly[d] = rng.uniform(0.6, 1.25);
  return weekly;
}

/** Adds `value` to `buf[from..to)`, clipped to the buffer. */
function addRange(buf: Float64Array, from: number, to: number, value: number): void {
  for (let t = Math.max(0, from); t < Math.min(buf.length, to); t++) buf[t] = (buf[t] as number) + value;
}

function mulRange(buf: Float64Array, from: number, to: number, factor: number): void {
  for (let t = Math.max(0, from); t < Math.min(buf.length, to); t++) buf[t] = (buf[t] as number) * factor;
}

/** A day index in [from, to] at least `gap` days away from every taken one, or -1. */
function freeDay(rng: Random, from: number, to: number, taken: number[], gap: number): number {
  for (let attempt = 0; attempt < 30; attempt++) {
    const day = rng.int(from, to);
    if (taken.every((t) => Math.abs(t - day) >= gap)) return day;
  }
  return -1;
}

/**
 * Case `index` of the set seeded with `seed`.
 *
 * @example
 * const c = dailyCase(3, TUNING_SEED);
 * c.rows.length <= c.days * 3; // true
 */
export function dailyCase(index: number, seed: number): DailyCase {
  const rng = seededRandom(seed + index * 7919);
  const irregularities = new Set<DailyIrregularity>();
  for (const kind of DAILY_IRREGULARITIES) if (rng.chance(IRREGULARITY_RATE[kind])) irregularities.add(kind);
  // A mostly-zero series has no new-service ramp.
  if (irregularities.has('mostly-zero')) irregularities.delete('new-service');
  const days = rng.int(90, 200);
  // Half the exports start on the first of a month, as monthly billing windows do.
  const randomStart = Date.UTC(2024, 0, 1) + rng.int(0, 900) * DAY_MS;
  const startMs = rng.chance(0.5)
    ? Date.UTC(new Date(randomStart).getUTCFullYear(), new Date(randomStart).getUTCMonth(), 1)
    : randomStart;
  const firstDow = new Date(startMs).getUTCDay();
  const shape: Shape = {
    level: rng.logUniform(5, 50_000),
    noise: rng.logUniform(0.01, 0.15),
    weekly: drawWeekly(rng),
    variable: rng.uniform(0.3, 0.9),
  };
  // Holidays dip business-driven spend: only series that are quieter at the weekend have them.
  const weekendDip = Math.min(...shape.weekly) / Math.max(...shape.weekly);
  if (weekendDip > 0.9 || irregularities.has('mostly-zero')) irregularities.delete('holidays');
  const { level } = shape;
  // Multiplier on the whole series per day (trend, shifts, holidays, drops) and additive extras.
  const factor = new Float64Array(days).fill(1);
  const extra = new Float64Array(days);
  const incidents: LabelledIncident[] = [];
  const benign: BenignWindow[] = [];
  const taken: number[] = [];
  const marks: Array<{ day: number; kind: string }> = [];

  // Slow trend for everyone; a drift segment for some.
  const growth = rng.uniform(-0.002, 0.004);
  for (let t = 0; t < days; t++) factor[t] = (1 + growth) ** t;
  if (irregularities.has('drift')) {
    const from = rng.int(10, days - 30);
    const len = rng.int(20, 60);
    const total = rng.uniform(-0.35, 0.6);
    for (let t = from; t < days; t++)
      factor[t] = (factor[t] as number) * (1 + total * Math.min(1, (t - from) / len));
  }
  if (irregularities.has('level-shifts')) {
    for (let k = rng.int(1, 2); k > 0; k--) {
      const at = rng.int(20, days - 5);
      const shift = rng.pick([-1, 1] as const) * rng.uniform(0.05, 0.15);
      mulRange(factor, at, days, 1 + shift);
      marks.push({ day: at, kind: `shift ${Math.round(shift * 100)}%` });
    }
  }

  // Holidays: fixed dates in the span and two to four movable ones (weekdays), 1 to 4 days long.
  if (irregularities.has('holidays')) {
    const starts: number[] = [];
    for (let t = 0; t < days; t++) {
      const date = new Date(startMs + t * DAY_MS);
      if (FIXED_HOLIDAYS.some(([m, d]) => date.getUTCMonth() + 1 === m && date.getUTCDate() === d))
        starts.push(t);
    }
    for (let k = rng.int(2, 4); k > 0; k--) starts.push(rng.int(15, days - 5));
    // A holiday looks like a weekend: spend falls most of the way to the weekend level.
    const dip = rng.uniform(0.5, 1) * (1 - weekendDip);
    // One dip per day: a day inside two overlapping holiday windows is still one holiday (multiplying
    // the dips took it to a tenth of a weekday, far below the weekend level meant above).
    const holiday = new Uint8Array(days);
    for (const start of starts) {
      const len = rng.int(1, 4);
      for (let t = start; t < Math.min(days, start + len); t++) {
        // Weekend days of a holiday stay as they are.
        if ((shape.weekly[(firstDow + t) % 7] as number) < Math.max(...shape.weekly) * 0.95) continue;
        holiday[t] = 1;
      }
      benign.push({ kind: 'holiday', from: start, to: Math.min(days, start + len) });
    }
    for (let t = 0; t < days; t++) if (holiday[t] === 1) factor[t] = (factor[t] as number) * (1 - dip);
  }

  const weeklyAt = (t: number) => shape.weekly[(firstDow + t) % 7] as number;
  const base = new Float64Array(days);
  for (let t = 0; t < days; t++) base[t] = level * weeklyAt(t) * (factor[t] as number);

  // Routine bursts: rate and size are the series' own.
  let burstSize = 0;
  if (irregularities.has('bursty')) {
    // Routine: every 3 to 20 days (the issue saw 6 to 8 flagged in four months).
    const rate = rng.logUniform(1 / 20, 1 / 3);
    burstSize = level * rng.logUniform(0.2, 1.5);
    for (let t = 1; t < days; t++) {
      if (!rng.chance(rate)) continue;
      const size = burstSize * Math.exp(0.4 * rng.normal());
      addRange(extra, t, t + (rng.chance(0.2) ? 2 : 1), size);
      marks.push({ day: t, kind: 'burst' });
    }
  }

  // A new service: nothing before `newStart` (zeros in half the exports, no rows at all in the other half).
  let newStart = 0;
  let rowsBeforeNewStart = true;
  if (irregularities.has('new-service')) {
    newStart = rng.int(20, Math.min(60, days - 40));
    rowsBeforeNewStart = rng.chance(0.5);
    const ramp = rng.int(1, 7);
    for (let t = newStart; t < Math.min(days, newStart + ramp); t++)
      base[t] = (base[t] as number) * ((t - newStart + 1) / ramp);
    if (rowsBeforeNewStart) {
      incidents.push({
        kind: 'new-service',
        start: newStart,
        from: newStart,
        to: newStart + 7,
        detail: `ramp ${ramp} d`,
      });
      taken.push(newStart);
    }
  }

  // Mostly zero: charges on a share of days only.
  const chargeDays = new Uint8Array(days).fill(1);
  if (irregularities.has('mostly-zero')) {
    const rate = rng.uniform(0.05, 0.4);
    for (let t = 0; t < days; t++) chargeDays[t] = rng.chance(rate) ? 1 : 0;
  }

  // Labelled incidents, sized against the series' noise and bursts.
  const noiseUsd = level * shape.noise;
  const incidentCount = rng.chance(0.35) ? 0 : rng.chance(0.7) ? 1 : 2;
  for (let k = 0; k < incidentCount; k++) {
    const start = freeDay(rng, Math.max(30, newStart + 21), days - 8, taken, 21);
    if (start < 0) break;
    taken.push(start);
    const kind = irregularities.has('mostly-zero')
      ? 'spike'
      : rng.pick(['spike', 'spike', 'step-up', 'drop'] as const);
    const local = base[start] as number;
    if (kind === 'spike') {
      const len = rng.pick([1, 1, 2, 3] as const);
      const typical = irregularities.has('mostly-zero') ? level * 1.5 : local;
      const size = Math.max(typical * rng.logUniform(0.6, 4), 8 * noiseUsd, burstSize * rng.uniform(4, 8));
      addRange(extra, start, start + len, size);
      incidents.push({
        kind,
        start,
        from: start,
        to: start + len,
        detail: `${len} d, +${Math.round((100 * size) / level)}%`,
      });
      for (let t = start; t < start + len; t++) chargeDays[t] = 1;
    } else if (kind === 'step-up') {
      const rise = Math.max(rng.logUniform(0.35, 2), (8 * noiseUsd) / level);
      const len = rng.chance(0.5) ? days : rng.int(4, 30);
      mulRange(base, start, start + len, 1 + rise);
      if (start + len < days) marks.push({ day: start + len, kind: 'step-up ends' });
      incidents.push({
        kind,
        start,
        from: start,
        to: start + 7,
        detail: `+${Math.round(rise * 100)}% for ${len >= days ? 'good' : `${len} d`}`,
      });
    } else {
      const fall = Math.max(rng.uniform(0.5, 1), Math.min(0.95, 6 * shape.noise));
      const len = rng.chance(0.6) ? days : rng.int(3, 30);
      mulRange(base, start, start + len, 1 - fall);
      if (start + len < days) marks.push({ day: start + len, kind: 'drop ends' });
      incidents.push({
        kind,
        start,
        from: start,
        to: start + 7,
        detail: `-${Math.round(fall * 100)}% for ${len >= days ? 'good' : `${len} d`}`,
      });
    }
  }

  const fee = irregularities.has('month-fee') ? level * rng.logUniform(0.1, 3) : 0;
  const cost = new Float64Array(days);
  for (let t = 0; t < days; t++) {
    if (t < newStart) continue;
    const noisy =
      (base[t] as number) * Math.exp(shape.noise * rng.normal() - (shape.noise * shape.noise) / 2);
    const value = chargeDays[t] === 1 ? noisy + (extra[t] as number) : 0;
    const monthStart = new Date(startMs + t * DAY_MS).getUTCDate() === 1;
    cost[t] = Math.max(0, value + (monthStart ? fee * Math.exp(0.05 * rng.normal()) : 0));
  }

  const keep = new Uint8Array(days);
  for (const w of incidents) for (let t = w.start; t < Math.min(days, w.start + 2); t++) keep[t] = 1;
  const { rows, rowDay } = exportRows(
    rng,
    cost,
    startMs,
    irregularities,
    rowsBeforeNewStart ? 0 : newStart,
    keep,
  );
  return {
    id: `daily-${seed.toString(16)}-${index}`,
    rows,
    rowDay,
    days,
    incidents,
    benign,
    irregularities,
    level,
    marks,
  };
}

/** The rows of an export: gaps drop days, duplicates split them, cents are rounded. */
function exportRows(
  rng: Random,
  cost: Float64Array,
  startMs: number,
  irregularities: ReadonlySet<DailyIrregularity>,
  firstRowDay: number,
  keep: Uint8Array,
): { rows: ExportRow[]; rowDay: Int32Array } {
  const days = cost.length;
  const missing = new Uint8Array(days);
  const empty = new Uint8Array(days);
  if (irregularities.has('gappy')) {
    for (let k = rng.int(1, 6); k > 0; k--) {
      const from = rng.int(firstRowDay + 1, days - 2);
      const len = Math.min(rng.chance(0.6) ? rng.int(1, 3) : rng.int(4, 10), days - 1 - from);
      for (let t = from; t < from + len; t++) missing[t] = 1;
    }
    if (rng.chance(0.3))
      for (let k = rng.int(1, 4); k > 0; k--) empty[rng.int(firstRowDay + 1, days - 1)] = 1;
  }
  const splitShare = irregularities.has('duplicates') ? rng.uniform(0.02, 0.2) : 0;
  const rows: ExportRow[] = [];
  const rowDays: number[] = [];
  const cents = (x: number) => Math.round(x * 100) / 100;
  for (let t = firstRowDay; t < days; t++) {
    // An export gap never hides an incident's first two days: a label nobody could see is not a fair test.
    if (missing[t] === 1 && keep[t] === 0) continue;
    const timestamp = isoDay(startMs + t * DAY_MS);
    const value = cost[t] as number;
    if (empty[t] === 1 && keep[t] === 0) {
      rows.push({ timestamp, value: null });
      rowDays.push(t);
    } else if (splitShare > 0 && rng.chance(splitShare)) {
      const parts = rng.int(2, 3);
      let left = value;
      for (let p = 1; p < parts; p++) {
        const part = cents(left * rng.uniform(0.2, 0.6));
        rows.push({ timestamp, value: part });
        rowDays.push(t);
        left -= part;
      }
      rows.push({ timestamp, value: cents(Math.max(0, left)) });
      rowDays.push(t);
    } else {
      rows.push({ timestamp, value: cents(value) });
      rowDays.push(t);
    }
  }
  return { rows, rowDay: Int32Array.from(rowDays) };
}
