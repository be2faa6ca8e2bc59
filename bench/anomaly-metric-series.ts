/**
 * High-frequency metric series (1- and 5-minute CloudWatch-style exports)
 * with labelled incident windows: the second half of the issue-11 bench.
 *
 * Each series draws a metric kind with its own noise law:
 * - `cpu`: utilisation in percent, Gaussian noise, bounded to [0, 100];
 * - `requests`: counts per interval, Poisson noise (many zeros at night on
 *   small services);
 * - `network`: bytes, log-normal noise with a heavy tail;
 * - `disk`: operations, spiky, with a scheduled job at a fixed time of day.
 * It has a daily profile (business hours or a smooth cycle, in a random
 * time zone), a weekend effect, and, each with its own probability:
 * `gappy` (missing points and whole outages of the exporter), `duplicates`
 * (rows exported twice, or split), `bursty` (routine short bursts),
 * `deploys` (small lasting level changes), `jitter` (timestamps off the grid
 * by seconds).
 *
 * Labelled incidents: `spike` (a surge for 10 minutes to 2 hours),
 * `saturation` / `step-up` (a lasting rise for 30 minutes to 6 hours), `outage`
 * (a fall towards zero), and `ramp` (a leak that climbs for 30 minutes to 3
 * hours). An incident's window is the incident itself plus a short tail.
 */

import type { ExportRow, LabelledIncident } from './anomaly-daily-series.js';
import { type Random, seededRandom } from './random.js';

export const METRIC_KINDS = ['cpu', 'requests', 'network', 'disk'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

export const METRIC_IRREGULARITIES = ['gappy', 'duplicates', 'bursty', 'deploys', 'jitter'] as const;
export type MetricIrregularity = (typeof METRIC_IRREGULARITIES)[number];

export const METRIC_INCIDENT_KINDS = ['spike', 'step-up', 'outage', 'ramp'] as const;

export interface MetricCase {
  readonly id: string;
  readonly kind: MetricKind;
  readonly intervalMinutes: number;
  /** Rows in file order (points may be missing, doubled, or off the grid by seconds). */
  readonly rows: readonly ExportRow[];
  /** Grid index (from the first point) of every row. */
  readonly rowSlot: Int32Array;
  /** Grid points spanned. */
  readonly slots: number;
  readonly incidents: readonly LabelledIncident[];
  readonly irregularities: ReadonlySet<MetricIrregularity>;
}

const MINUTE_MS = 60_000;
const RATE: Readonly<Record<MetricIrregularity, number>> = {
  gappy: 0.35,
  duplicates: 0.25,
  bursty: 0.3,
  deploys: 0.3,
  jitter: 0.25,
};

/** The daily profile at minute-of-day `m`: business hours, or a smooth cycle. */
function dailyProfile(rng: Random): (minuteOfDay: number) => number {
  const amplitude = rng.logUniform(0.2, 3);
  const peak = rng.uniform(9, 17) * 60;
  const width = rng.uniform(2, 5) * 60;
  if (rng.chance(0.5)) {
    return (m) => {
      const d = Math.min(Math.abs(m - peak), 1440 - Math.abs(m - peak));
      return 1 + amplitude * Math.exp(-(d * d) / (2 * width * width));
    };
  }
  return (m) => 1 + (amplitude / 2) * (1 + Math.cos((2 * Math.PI * (m - peak)) / 1440));
}

/**
 * Case `index` of the set seeded with `seed`.
 *
 * @example
 * const c = metricCase(0, 0x7a11);
 * c.intervalMinutes; // 1 or 5
 */
export function metricCase(index: number, seed: number): MetricCase {
  const rng = seededRandom(seed + index * 104_729);
  const kind = rng.pick(METRIC_KINDS);
  const irregularities = new Set<MetricIrregularity>();
  for (const name of METRIC_IRREGULARITIES) if (rng.chance(RATE[name])) irregularities.add(name);
  const intervalMinutes = rng.chance(0.35) ? 1 : 5;
  const perDay = 1440 / intervalMinutes;
  const days = intervalMinutes === 1 ? rng.int(3, 7) : rng.int(10, 28);
  const slots = days * perDay;
  const startMs =
    Date.UTC(2025, 0, 1) +
    rng.int(0, 500) * 1440 * MINUTE_MS +
    rng.int(0, perDay - 1) * intervalMinutes * MINUTE_MS;
  const profile = dailyProfile(rng);
  const weekend = rng.chance(0.7) ? rng.uniform(0.3, 0.95) : 1;
  const tz = rng.int(-12, 12) * 60;

  const noise =
    kind === 'cpu'
      ? rng.uniform(0.5, 4)
      : kind === 'network'
        ? rng.uniform(0.1, 0.5)
        : rng.uniform(0.05, 0.3);
  const level =
    kind === 'cpu'
      ? rng.uniform(3, 35)
      : kind === 'requests'
        ? rng.logUniform(0.5, 3000)
        : rng.logUniform(1e4, 1e9);
  const shape = new Float64Array(slots);
  for (let t = 0; t < slots; t++) {
    const ms = startMs + t * intervalMinutes * MINUTE_MS;
    const local = new Date(ms + tz * MINUTE_MS);
    const dow = local.getUTCDay();
    const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
    const business = profile(minute);
    shape[t] = level * (dow === 0 || dow === 6 ? 1 + (business - 1) * weekend : business);
  }
  if (kind === 'cpu') {
    // Utilisation peaks below 70% on a normal day, so an incident has room to show.
    let peak = 0;
    for (let t = 0; t < slots; t++) peak = Math.max(peak, shape[t] as number);
    if (peak > 70) for (let t = 0; t < slots; t++) shape[t] = ((shape[t] as number) * 70) / peak;
  }
  // Disk: a scheduled job at a fixed time of day, every day (seasonal, not an incident).
  if (kind === 'disk') {
    const at = rng.int(0, perDay - 1);
    const len = Math.max(1, Math.round(rng.uniform(5, 30) / intervalMinutes));
    const size = rng.uniform(2, 6);
    for (let day = 0; day < days; day++)
      for (let k = 0; k < len; k++) {
        const t = day * perDay + at + k;
        if (t < slots) shape[t] = (shape[t] as number) * size;
      }
  }
  if (irregularities.has('deploys')) {
    for (let k = rng.int(1, 3); k > 0; k--) {
      const at = rng.int(perDay, slots - 1);
      const f = 1 + rng.pick([-1, 1] as const) * rng.uniform(0.08, 0.25);
      for (let t = at; t < slots; t++) shape[t] = (shape[t] as number) * f;
    }
  }
  // Routine bursts: short, of a size usual for the series.
  const extra = new Float64Array(slots);
  const burstFactor = rng.uniform(0.5, 2);
  if (irregularities.has('bursty')) {
    const perDayBursts = rng.uniform(0.5, 6);
    for (let t = 0; t < slots; t++) {
      if (!rng.chance(perDayBursts / perDay)) continue;
      const len = rng.int(1, Math.max(1, Math.round(15 / intervalMinutes)));
      const size = (shape[t] as number) * burstFactor * Math.exp(0.3 * rng.normal());
      for (let k = t; k < Math.min(slots, t + len); k++) extra[k] = (extra[k] as number) + size;
    }
  }

  // Labelled incidents, after the first day, at least 6 hours apart.
  const incidents: LabelledIncident[] = [];
  const factor = new Float64Array(slots).fill(1);
  const override = new Float64Array(slots).fill(Number.NaN);
  const count = rng.chance(0.25) ? 0 : rng.int(1, Math.min(4, days - 1));
  const taken: number[] = [];
  for (let k = 0; k < count; k++) {
    let start = -1;
    for (let attempt = 0; attempt < 30 && start < 0; attempt++) {
      const s = rng.int(perDay + 1, slots - Math.round(240 / intervalMinutes));
      if (taken.every((t) => Math.abs(t - s) > 360 / intervalMinutes)) start = s;
    }
    if (start < 0) break;
    const local = shape[start] as number;
    const incident = rng.pick(
      kind === 'cpu' || (kind === 'requests' && local < 5)
        ? (['spike', 'step-up', 'ramp'] as const)
        : METRIC_INCIDENT_KINDS,
    );
    taken.push(start);
    const minutes =
      incident === 'spike'
        ? rng.uniform(10, 120)
        : incident === 'ramp'
          ? rng.uniform(30, 180)
          : rng.uniform(30, 360);
    const len = Math.max(2, Math.round(minutes / intervalMinutes));
    const end = Math.min(slots, start + len);
    // At least clearly above the series' noise (and its routine bursts), so the label is fair.
    const visible =
      kind === 'requests'
        ? 1 + 6 / Math.sqrt(Math.max(local, 0.5))
        : kind === 'cpu'
          ? 1 + (8 * noise) / Math.max(local, 1)
          : kind === 'network'
            ? Math.exp(5 * noise)
            : 1 + 6 * noise;
    const strength =
      Math.max(rng.logUniform(1.5, 6), visible) * (irregularities.has('bursty') ? 1 + burstFactor : 1);
    for (let t = start; t < end; t++) {
      if (incident === 'outage') factor[t] = rng.uniform(0, 0.15);
      else if (incident === 'ramp') factor[t] = 1 + (strength - 1) * ((t - start + 1) / len);
      else if (kind === 'cpu') override[t] = Math.min(100, Math.max(85, (shape[t] as number) * strength));
      else factor[t] = strength;
    }
    const tail = Math.max(2, Math.round(len / 10));
    incidents.push({
      kind: incident,
      start,
      from: start,
      to: Math.min(slots, end + tail),
      detail: `${Math.round(minutes)} min, x${strength.toFixed(1)}`,
    });
  }

  const values = new Float64Array(slots);
  for (let t = 0; t < slots; t++) {
    const mean = ((shape[t] as number) + (extra[t] as number)) * (factor[t] as number);
    let v: number;
    if (kind === 'cpu')
      v = Math.min(
        100,
        Math.max(
          0,
          Number.isNaN(override[t] as number)
            ? mean + noise * rng.normal()
            : (override[t] as number) + noise * rng.normal(),
        ),
      );
    else if (kind === 'requests') v = poisson(rng, mean);
    else if (kind === 'network') v = mean * Math.exp(noise * rng.normal() - (noise * noise) / 2);
    else v = Math.max(0, mean * (1 + noise * rng.normal()));
    values[t] = kind === 'requests' ? v : Math.round(v * 100) / 100;
  }
  const { rows, rowSlot } = exportMetricRows(rng, values, startMs, intervalMinutes, irregularities, kind);
  return {
    id: `metric-${seed.toString(16)}-${index}`,
    kind,
    intervalMinutes,
    rows,
    rowSlot,
    slots,
    incidents,
    irregularities,
  };
}

/** Poisson draw: Knuth for small means, a normal approximation above. */
function poisson(rng: Random, mean: number): number {
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng.next(); p > limit; p *= rng.next()) k++;
  return k;
}

function exportMetricRows(
  rng: Random,
  values: Float64Array,
  startMs: number,
  intervalMinutes: number,
  irregularities: ReadonlySet<MetricIrregularity>,
  kind: MetricKind,
): { rows: ExportRow[]; rowSlot: Int32Array } {
  const slots = values.length;
  const missing = new Uint8Array(slots);
  if (irregularities.has('gappy')) {
    const sporadic = rng.uniform(0.001, 0.02);
    for (let t = 1; t < slots; t++) if (rng.chance(sporadic)) missing[t] = 1;
    for (let k = rng.int(0, 3); k > 0; k--) {
      const from = rng.int(1, slots - 2);
      const len = Math.round(rng.logUniform(10, 360) / intervalMinutes);
      for (let t = from; t < Math.min(slots - 1, from + len); t++) missing[t] = 1;
    }
  }
  const duplicateShare = irregularities.has('duplicates') ? rng.uniform(0.005, 0.05) : 0;
  // Counts and bytes can arrive split over rows that sum; gauges (CPU) are exported twice, unchanged.
  const splits = kind !== 'cpu' && rng.chance(0.3);
  const jitterMs = irregularities.has('jitter') ? rng.uniform(1, 20) * 1000 : 0;
  const rows: ExportRow[] = [];
  const rowSlot: number[] = [];
  for (let t = 0; t < slots; t++) {
    if (missing[t] === 1) continue;
    const ms =
      startMs +
      t * intervalMinutes * MINUTE_MS +
      (jitterMs > 0 ? Math.round(rng.uniform(-jitterMs, jitterMs)) : 0);
    const timestamp = new Date(ms).toISOString();
    const value = values[t] as number;
    if (duplicateShare > 0 && rng.chance(duplicateShare)) {
      if (splits) {
        const part = Math.round(value * rng.uniform(0.2, 0.8) * 100) / 100;
        rows.push({ timestamp, value: part }, { timestamp, value: Math.round((value - part) * 100) / 100 });
      } else {
        rows.push({ timestamp, value }, { timestamp, value });
      }
      rowSlot.push(t, t);
    } else {
      rows.push({ timestamp, value });
      rowSlot.push(t);
    }
  }
  return { rows, rowSlot: Int32Array.from(rowSlot) };
}
