/**
 * A second, blind generator of labelled daily cost series, written from
 * issue 11's description of real billing exports and from how AWS billing
 * data looks (Cost Explorer / CUR daily unblended cost of one service), not
 * from the project's own bench. Its mix (`BLIND_MIX`) was calibrated so the
 * three reference detectors land near the issue's figures
 * (docs/design/anomaly-blind-bench.md).
 *
 * A series is a true daily cost (`truth`), the export of it (`rows`: what
 * `detect --input` reads, with its artefacts: absent days, split and
 * re-delivered rows), the labelled incidents and the benign events a
 * detector may mistake for one.
 */
import { type Random, seededRandom } from './random.js';

/** What a series carries besides noise; a series has any number of these (`plain` when none). */
export type Irregularity =
  | 'weekly-cycle'
  | 'month-start-fee'
  | 'growth'
  | 'deploy-step'
  | 'new-service'
  | 'commitment-expiry'
  | 'holiday'
  | 'routine-bursts'
  | 'mild-blips'
  | 'intermittent'
  | 'missing-days'
  | 'duplicates'
  | 'plain';

/** Labelled incidents: spend nobody meant to incur, or spend that stopped when it should not have. */
export type IncidentKind = 'runaway-step' | 'spike' | 'doubling' | 'forgotten-ramp' | 'drop';

/** Days that are unusual but routine or planned: never labelled, named so false alerts can be traced. */
export type BenignKind =
  | 'burst'
  | 'month-start'
  | 'deploy-step'
  | 'new-service'
  | 'commitment-expiry'
  | 'holiday'
  | 'missing'
  | 'identical-repeat';

/** A labelled incident: calendar days `start`..`end` (inclusive) are abnormal. */
export interface BlindIncident {
  readonly kind: IncidentKind;
  readonly start: number;
  readonly end: number;
}

/** A benign event on days `start`..`end` (inclusive). */
export interface BenignEvent {
  readonly kind: BenignKind;
  readonly start: number;
  readonly end: number;
}

/** One exported row, as `detect` reads it (`YYYY-MM-DD`, a non-negative cost). */
export interface BlindRow {
  readonly timestamp: string;
  readonly value: number;
}

export interface BlindSeries {
  readonly id: string;
  /** Calendar days covered, first to last. */
  readonly days: number;
  /** UTC midnight of day 0, in ms. */
  readonly startMs: number;
  /** True daily cost per calendar day (before the export's artefacts). */
  readonly truth: Float64Array;
  /** The export: rows in file order, duplicates and absent days included. */
  readonly rows: readonly BlindRow[];
  readonly incidents: readonly BlindIncident[];
  readonly benign: readonly BenignEvent[];
  readonly irregularities: readonly Irregularity[];
}

/** Probabilities and sizes the generator draws from: the knobs calibration turned. */
export interface BlindMix {
  /** Share of exports that cover whole calendar months (start on the 1st); the rest start any day. */
  readonly wholeMonths: number;
  /** Probability that an export covers five months rather than four. */
  readonly fiveMonths: number;
  /** Day-to-day noise, coefficient of variation, log-uniform in [min, max]. */
  readonly noiseCv: readonly [number, number];
  readonly weekly: number;
  /** Weekend cost as a share of weekdays (dev/test stopped, less traffic). */
  readonly weekendFactor: readonly [number, number];
  /** Share of usage series that carry an RI fee on the 1st. */
  readonly monthStartFee: number;
  readonly growth: number;
  readonly deployStep: number;
  readonly newService: number;
  readonly commitmentExpiry: number;
  /** Share of weekly (business-driven) series whose spend dips on public holidays. */
  readonly holidayDip: number;
  /** How far a holiday dips, as a share of the weekend dip, uniform in [min, max]. */
  readonly holidayDepth: readonly [number, number];
  /** Share of series that are a monthly fee line alone (Support, Tax): a charge on the 1st, little else. */
  readonly feeOnly: number;
  readonly bursts: number;
  /** Mean days between routine bursts, uniform in [min, max]. */
  readonly burstEvery: readonly [number, number];
  /** Burst size as a multiple of the day's level, log-uniform. */
  readonly burstSize: readonly [number, number];
  /** Incident size multiplier on bursty series: a labeller marks only what stands out from routine bursts. */
  readonly burstyIncidentBoost: number;
  /** Share of series with mild routine departures (a small job, a backup): under the 20% any sane detector needs. */
  readonly blips: number;
  /** Their size, as a share of the day's cost, uniform in [min, max]. */
  readonly blipSize: readonly [number, number];
  readonly intermittent: number;
  readonly missingDays: number;
  /** Blocks of absent days in a series with missing days. */
  readonly missingBlocks: readonly [number, number];
  readonly duplicates: number;
  /** Of the series with duplicates, share that also has re-delivered identical rows. */
  readonly identicalRepeats: number;
  /** Incidents per series: probability of 0, 1, 2. */
  readonly incidentsPerSeries: readonly [number, number, number];
  readonly incidentKinds: Readonly<Record<IncidentKind, number>>;
  /** Incident size multiplier applied to every kind's drawn magnitude (calibration knob). */
  readonly incidentScale: number;
}

/** The calibrated mix (see docs/design/anomaly-blind-bench.md for each step). */
export const BLIND_MIX: BlindMix = {
  wholeMonths: 0.7,
  fiveMonths: 0.6,
  noiseCv: [0.005, 0.08],
  weekly: 0.4,
  weekendFactor: [0.35, 0.85],
  monthStartFee: 0.05,
  growth: 0.25,
  deployStep: 0.35,
  newService: 0.02,
  commitmentExpiry: 0.02,
  holidayDip: 0.05,
  holidayDepth: [0.3, 1],
  feeOnly: 0.02,
  bursts: 0.13,
  burstEvery: [10, 20],
  burstSize: [0.6, 4],
  burstyIncidentBoost: 2,
  blips: 0.8,
  blipSize: [0.06, 0.14],
  intermittent: 0.03,
  missingDays: 0.11,
  missingBlocks: [2, 5],
  duplicates: 0.4,
  identicalRepeats: 0.08,
  incidentsPerSeries: [0.42, 0.55, 0.03],
  incidentKinds: { 'runaway-step': 0.3, spike: 0.25, doubling: 0.2, 'forgotten-ramp': 0.12, drop: 0.13 },
  incidentScale: 1.5,
};

const DAY_MS = 86_400_000;
/** Incidents start after the product's 28-day warm-up and a few days of margin. */
export const FIRST_INCIDENT_DAY = 32;
// Export start dates range over two and a half years, so holidays and month lengths vary.
const FIRST_START_MS = Date.UTC(2023, 0, 2);
const START_SPAN_DAYS = 900;

/** `YYYY-MM-DD` of a UTC midnight. */
export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** US federal and year-end holidays on which business-driven spend dips. */
function isHoliday(ms: number): boolean {
  const d = new Date(ms);
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  const weekday = d.getUTCDay();
  const nth = Math.ceil(day / 7);
  if ((month === 0 && day === 1) || (month === 6 && day === 4)) return true;
  if (month === 11 && (day === 24 || day === 25 || day === 31)) return true;
  if (month === 0 && weekday === 1 && nth === 3) return true; // MLK day
  if (month === 4 && weekday === 1 && day > 24) return true; // Memorial day
  if (month === 8 && weekday === 1 && nth === 1) return true; // Labor day
  if (month === 10 && ((weekday === 4 && nth === 4) || (weekday === 5 && day >= 23 && day <= 29)))
    return true; // Thanksgiving and the day after
  return false;
}

/** The export's first day and length: four or five months, usually from the 1st of a month. */
function exportSpan(rng: Random, mix: BlindMix): { days: number; startMs: number } {
  let startMs = FIRST_START_MS + rng.int(0, START_SPAN_DAYS) * DAY_MS;
  const first = new Date(startMs);
  const months = rng.chance(mix.fiveMonths) ? 5 : 4;
  if (rng.chance(mix.wholeMonths)) startMs = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), 1);
  const start = new Date(startMs);
  const endMs = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, start.getUTCDate());
  return { days: Math.round((endMs - startMs) / DAY_MS), startMs };
}

/** Number of incidents for one series. */
function incidentCount(rng: Random, mix: BlindMix): number {
  const u = rng.next();
  const [p0, p1] = mix.incidentsPerSeries;
  return u < p0 ? 0 : u < p0 + p1 ? 1 : 2;
}

function pickWeighted<K extends string>(rng: Random, weights: Readonly<Record<K, number>>): K {
  const entries = Object.entries(weights) as Array<[K, number]>;
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let u = rng.next() * total;
  for (const [key, w] of entries) {
    u -= w;
    if (u < 0) return key;
  }
  return (entries.at(-1) as [K, number])[0];
}

/** Incident starts: after the warm-up, at least 14 days apart, room for a day of detection. */
function placeIncidents(rng: Random, days: number, count: number): number[] {
  const starts: number[] = [];
  for (let tries = 0; starts.length < count && tries < 50; tries++) {
    const start = rng.int(FIRST_INCIDENT_DAY, days - 3);
    if (starts.every((s) => Math.abs(s - start) >= 14)) starts.push(start);
  }
  return starts.sort((a, b) => a - b);
}

/** Draws one incident's duration (days) and how it bends the day's cost. */
function drawIncident(
  rng: Random,
  kind: IncidentKind,
  scale: number,
): { duration: number; apply: (cost: number, level: number, k: number) => number } {
  switch (kind) {
    case 'runaway-step': {
      // A resource left running or scaled out by mistake: a sustained extra cost.
      const extra = rng.uniform(0.5, 2.5) * scale;
      return { duration: rng.int(3, 21), apply: (cost, level) => cost + extra * level };
    }
    case 'spike': {
      // A runaway job or a traffic storm: a few days, then gone.
      const extra = rng.logUniform(1, 6) * scale;
      return { duration: rng.int(1, 3), apply: (cost, level) => cost + extra * level };
    }
    case 'doubling': {
      // A misconfiguration (double-deployed fleet, replication on twice): the service's cost times f.
      const factor = 1 + rng.uniform(0.8, 2) * scale;
      return { duration: rng.int(2, 14), apply: (cost) => cost * factor };
    }
    case 'forgotten-ramp': {
      // A forgotten resource whose cost grows (unbounded logs, snapshots): a jump, then more each day.
      const first = rng.uniform(0.5, 1) * scale;
      const slope = rng.uniform(0.03, 0.1) * scale;
      return { duration: rng.int(7, 30), apply: (cost, level, k) => cost + (first + slope * k) * level };
    }
    case 'drop': {
      // An outage or a broken pipeline: the service stops spending.
      const keep = rng.uniform(0.05, 0.45) / Math.max(1, scale);
      return { duration: rng.int(1, 7), apply: (cost) => cost * keep };
    }
  }
}

/** Multiplicative noise with mean 1. */
const noise = (rng: Random, cv: number) => Math.exp(cv * rng.normal() - (cv * cv) / 2);

const cents = (value: number) => Math.round(value * 100) / 100;

interface Plan {
  readonly irregularities: Set<Irregularity>;
  readonly benign: BenignEvent[];
}

/** The regular series: level, growth, steps, weekly cycle, fees, bursts. */
function regularCost(
  rng: Random,
  mix: BlindMix,
  days: number,
  startMs: number,
  plan: Plan,
): { base: Float64Array; level: Float64Array; cv: number } {
  const { irregularities: tags, benign } = plan;
  const level0 = rng.logUniform(1, 50_000);
  const cv = rng.logUniform(mix.noiseCv[0], mix.noiseCv[1]);
  const level = new Float64Array(days);
  const growth = rng.chance(mix.growth) ? rng.uniform(0.002, 0.008) : 0;
  if (growth > 0) tags.add('growth');
  const steps: Array<{ day: number; factor: number }> = [];
  if (rng.chance(mix.deployStep)) {
    tags.add('deploy-step');
    for (let n = rng.int(1, 2); n > 0; n--) {
      const up = rng.chance(0.6);
      const size = rng.uniform(0.05, 0.18);
      const day = rng.int(FIRST_INCIDENT_DAY - 4, days - 5);
      steps.push({ day, factor: up ? 1 + size : 1 - size });
      benign.push({ kind: 'deploy-step', start: day, end: day });
    }
  }
  if (rng.chance(mix.commitmentExpiry)) {
    // A Savings Plan or RI term ends (or promotional credits run out): covered usage goes on-demand.
    tags.add('commitment-expiry');
    const day = rng.int(FIRST_INCIDENT_DAY, days - 5);
    steps.push({ day, factor: rng.uniform(1.25, 1.7) });
    benign.push({ kind: 'commitment-expiry', start: day, end: day });
  }
  let rampStart = -1;
  let rampDays = 0;
  if (rng.chance(mix.newService)) {
    // The export starts when the service does: zero, then a ramp to its working level.
    tags.add('new-service');
    rampStart = rng.int(0, 20);
    rampDays = rng.int(7, 28);
    benign.push({ kind: 'new-service', start: rampStart, end: rampStart + rampDays });
  }
  for (let t = 0; t < days; t++) {
    let value = level0 * (1 + growth) ** t;
    for (const step of steps) if (t >= step.day) value *= step.factor;
    if (rampStart >= 0) value *= t < rampStart ? 0 : Math.min(1, (t - rampStart + 1) / rampDays);
    level[t] = value;
  }
  const base = Float64Array.from(level);
  if (rng.chance(mix.weekly)) {
    tags.add('weekly-cycle');
    const weekend = rng.uniform(mix.weekendFactor[0], mix.weekendFactor[1]);
    const holidays = rng.chance(mix.holidayDip);
    const holiday = 1 - rng.uniform(mix.holidayDepth[0], mix.holidayDepth[1]) * (1 - weekend);
    for (let t = 0; t < days; t++) {
      const ms = startMs + t * DAY_MS;
      const weekday = new Date(ms).getUTCDay();
      if (weekday === 0 || weekday === 6) base[t] = (base[t] as number) * weekend;
      else if (holidays && isHoliday(ms)) {
        base[t] = (base[t] as number) * holiday;
        if (t >= 28) {
          tags.add('holiday');
          benign.push({ kind: 'holiday', start: t, end: t });
        }
      }
    }
  }
  return { base, level, cv };
}

/**
 * An RI fee in a usage series: the recurring monthly charge of Partial or No
 * Upfront reservations (discounted hourly rate × hours in the month) lands on
 * the 1st in unblended cost, while the covered usage costs nothing.
 */
function addRiFees(rng: Random, base: Float64Array, level: Float64Array, startMs: number, plan: Plan): void {
  const fee = rng.uniform(3, 20) * (level[0] as number);
  plan.irregularities.add('month-start-fee');
  for (let t = 0; t < base.length; t++) {
    if (new Date(startMs + t * DAY_MS).getUTCDate() !== 1) continue;
    base[t] = (base[t] as number) + fee * rng.uniform(0.99, 1.01);
    if (t >= 14) plan.benign.push({ kind: 'month-start', start: t, end: t });
  }
}

/** A monthly fee line alone (Support, Tax): a charge on the 1st that follows spend, pennies otherwise. */
function feeOnlyCost(
  rng: Random,
  days: number,
  startMs: number,
  plan: Plan,
): { base: Float64Array; level: Float64Array } {
  const fee = rng.logUniform(20, 50_000);
  const drift = rng.uniform(-0.05, 0.15);
  const base = new Float64Array(days);
  let month = 0;
  for (let t = 0; t < days; t++) {
    if (new Date(startMs + t * DAY_MS).getUTCDate() === 1) {
      base[t] = fee * (1 + drift) ** month++ * rng.uniform(0.97, 1.03);
      if (t >= 14) plan.benign.push({ kind: 'month-start', start: t, end: t });
    }
  }
  plan.irregularities.add('month-start-fee');
  return { base, level: new Float64Array(days).fill(fee / 30) };
}

/** Routine ad-hoc bursts (batch jobs, data transfer, re-processing) of 1 to 3 days. */
function addBursts(rng: Random, mix: BlindMix, base: Float64Array, level: Float64Array, plan: Plan): void {
  plan.irregularities.add('routine-bursts');
  const every = rng.uniform(mix.burstEvery[0], mix.burstEvery[1]);
  const sizeMax = rng.uniform(mix.burstSize[0] * 1.5, mix.burstSize[1]);
  for (
    let t = rng.int(0, Math.round(every));
    t < base.length;
    t += Math.max(2, Math.round(every * -Math.log(1 - rng.next())))
  ) {
    const duration = rng.chance(0.7) ? 1 : rng.int(2, 3);
    const size = rng.logUniform(mix.burstSize[0], sizeMax);
    for (let k = 0; k < duration && t + k < base.length; k++) {
      base[t + k] =
        (base[t + k] as number) + size * (level[t + k] as number) * (k === 0 ? 1 : rng.uniform(0.3, 1));
    }
    plan.benign.push({ kind: 'burst', start: t, end: Math.min(base.length - 1, t + duration - 1) });
  }
}

/** Mild departures on a few days a month, up or down: real costs have more of them than a normal law. */
function addBlips(rng: Random, mix: BlindMix, base: Float64Array, plan: Plan): void {
  plan.irregularities.add('mild-blips');
  const rate = rng.uniform(0.03, 0.1);
  for (let t = 0; t < base.length; t++) {
    if (!rng.chance(rate)) continue;
    const size = rng.uniform(mix.blipSize[0], mix.blipSize[1]);
    base[t] = (base[t] as number) * (rng.chance(0.7) ? 1 + size : 1 - size);
  }
}

/** A mostly-zero service: small charges on some days (a few API calls, a snapshot copy). */
function intermittentCost(rng: Random, days: number): { base: Float64Array; level: Float64Array } {
  const charge = rng.logUniform(0.5, 200);
  const share = rng.uniform(0.03, 0.1);
  const base = new Float64Array(days);
  for (let t = 0; t < days; t++) if (rng.chance(share)) base[t] = charge * Math.exp(0.8 * rng.normal());
  // Incidents on such a series are a resource left on: sized against a typical charge.
  return { base, level: new Float64Array(days).fill(charge) };
}

/** The export of the true costs: absent days, split rows, re-delivered identical rows. */
function exportRows(
  rng: Random,
  mix: BlindMix,
  truth: Float64Array,
  startMs: number,
  incidents: readonly BlindIncident[],
  plan: Plan,
): BlindRow[] {
  const days = truth.length;
  const absent = new Uint8Array(days);
  if (rng.chance(mix.missingDays)) {
    const blocks = rng.int(mix.missingBlocks[0], mix.missingBlocks[1]);
    for (let b = 0; b < blocks; b++) {
      const length = rng.chance(0.75) ? 1 : rng.int(2, 3);
      const start = rng.int(10, days - length - 1);
      // Keep labels measurable: no absent day on an incident's first days.
      if (incidents.some((i) => start + length >= i.start - 1 && start <= i.start + 1)) continue;
      for (let k = 0; k < length; k++) absent[start + k] = 1;
      plan.irregularities.add('missing-days');
      plan.benign.push({ kind: 'missing', start, end: start + length - 1 });
    }
  }
  const split = rng.chance(mix.duplicates) ? rng.uniform(0.05, 0.6) : 0;
  const rows: BlindRow[] = [];
  for (let t = 0; t < days; t++) {
    if (absent[t]) continue;
    const timestamp = isoDay(startMs + t * DAY_MS);
    const value = truth[t] as number;
    if (split > 0 && value > 0 && rng.chance(split)) {
      // The day in two line items (usage, then a small tax or another usage type): they sum to the day.
      const main = cents(value * rng.uniform(0.85, 0.97));
      rows.push({ timestamp, value: main }, { timestamp, value: cents(Math.max(0, value - main)) });
      plan.irregularities.add('duplicates');
    } else rows.push({ timestamp, value: cents(value) });
  }
  if (split > 0 && rng.chance(mix.identicalRepeats)) {
    // An export job re-run appends days it already wrote, row for row.
    const from = rng.int(FIRST_INCIDENT_DAY, days - 6);
    const length = rng.int(1, 5);
    const repeated = rows.filter((r) => {
      const t = Math.round((Date.parse(`${r.timestamp}T00:00:00Z`) - startMs) / DAY_MS);
      return t >= from && t < from + length;
    });
    rows.push(...repeated);
    plan.irregularities.add('duplicates');
    plan.benign.push({ kind: 'identical-repeat', start: from, end: from + length - 1 });
  }
  return rows;
}

/** One labelled series; `index` names it (`<seed>-<index>`). */
export function blindSeriesAt(seed: number, index: number, mix: BlindMix = BLIND_MIX): BlindSeries {
  const rng = seededRandom((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const { days, startMs } = exportSpan(rng, mix);
  const plan: Plan = { irregularities: new Set(), benign: [] };
  let base: Float64Array;
  let level: Float64Array;
  let cv = 0;
  const u = rng.next();
  const intermittent = u < mix.intermittent;
  const feeOnly = !intermittent && u < mix.intermittent + mix.feeOnly;
  if (intermittent) {
    plan.irregularities.add('intermittent');
    ({ base, level } = intermittentCost(rng, days));
  } else if (feeOnly) {
    ({ base, level } = feeOnlyCost(rng, days, startMs, plan));
  } else {
    ({ base, level, cv } = regularCost(rng, mix, days, startMs, plan));
    if (rng.chance(mix.monthStartFee)) addRiFees(rng, base, level, startMs, plan);
    if (rng.chance(mix.bursts)) addBursts(rng, mix, base, level, plan);
    if (rng.chance(mix.blips)) addBlips(rng, mix, base, plan);
  }
  const incidents: BlindIncident[] = [];
  const truth = Float64Array.from(base);
  // A fee line has no incident of its own: its service's incidents show in the usage series.
  for (const start of placeIncidents(rng, days, feeOnly ? 0 : incidentCount(rng, mix))) {
    // A mostly-zero service can only go wrong upwards: a resource left on, far above its trickle.
    const kind = intermittent ? 'runaway-step' : pickWeighted(rng, mix.incidentKinds);
    const scale =
      mix.incidentScale *
      (intermittent ? 6 : plan.irregularities.has('routine-bursts') ? mix.burstyIncidentBoost : 1);
    const { duration, apply } = drawIncident(rng, kind, scale);
    const end = Math.min(days - 1, start + duration - 1);
    for (let t = start; t <= end; t++) truth[t] = apply(truth[t] as number, level[t] as number, t - start);
    incidents.push({ kind, start, end });
  }
  if (!intermittent && !feeOnly)
    for (let t = 0; t < days; t++) truth[t] = (truth[t] as number) * noise(rng, cv);
  const rows = exportRows(rng, mix, truth, startMs, incidents, plan);
  const irregularities = [...plan.irregularities];
  const tagged = irregularities.filter((i) => i !== 'weekly-cycle');
  return {
    id: `${seed}-${index}`,
    days,
    startMs,
    truth,
    rows,
    incidents,
    benign: plan.benign.sort((a, b) => a.start - b.start),
    irregularities: tagged.length === 0 ? [...irregularities, 'plain'] : irregularities,
  };
}

/**
 * `count` labelled series from `seed` (series i is the same whatever `count` is).
 *
 * @example
 * const series = blindSeries(1, 1200);
 * series[0].rows[0]; // { timestamp: '2024-…', value: … }
 */
export function blindSeries(seed: number, count: number, mix: BlindMix = BLIND_MIX): BlindSeries[] {
  return Array.from({ length: count }, (_, i) => blindSeriesAt(seed, i, mix));
}
