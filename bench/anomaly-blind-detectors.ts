/**
 * The four detectors of the blind bench, each fed an export the way it
 * expects it, each answering one flag per calendar day (a day is flagged
 * when any of its rows is):
 * - `product`: `detectSeries` as `detect --json` calls it (rows in file
 *   order, ISO timestamps as the CSV parser gives them, `duplicates: auto`).
 * - `previous`: the detector before issue 11, as the old `detect` fed it:
 *   rows in time order, duplicate timestamps dropped (first kept), absent
 *   days simply absent, the period inferred by its own `inferPeriod`.
 * - `naive`: rolling mean ± 3σ over the previous 28 rows, on the same rows.
 * - `weekday-median`: on calendar days, duplicate rows summed, absent days
 *   missing; the issue's settings (k 3, guard quantile 1, margin 2, 56 days).
 */
import { detectSeries } from '../shared/checks/cost-anomaly/detector.js';
import type { BlindRow, BlindSeries } from './anomaly-blind-series.js';
import { NAIVE_DEFAULTS, naiveFlags } from './naive-detector.js';
import { detectAnomalies as previousDetect } from './previous-detector/detector.js';
import { inferPeriod as previousInferPeriod } from './previous-detector/period.js';
import { WEEKDAY_MEDIAN_DEFAULTS, weekdayMedianFlags } from './weekday-median-detector.js';

export type DetectorName = 'product' | 'previous' | 'naive' | 'weekday-median';
export const DETECTOR_NAMES: readonly DetectorName[] = ['product', 'previous', 'naive', 'weekday-median'];

/** Per calendar day of the series: 1 when flagged. */
export type DayDetector = (series: BlindSeries) => Uint8Array;

const DAY_MS = 86_400_000;
const dayOf = (series: BlindSeries, row: BlindRow) =>
  Math.round((Date.parse(`${row.timestamp}T00:00:00Z`) - series.startMs) / DAY_MS);

/** `detect --json` with no option: the CLI passes `duplicates: 'auto'` (its default). */
export const productDetector: DayDetector = (series) => {
  const points = series.rows.map((r) => ({ timestamp: `${r.timestamp}T00:00:00.000Z`, value: r.value }));
  const detected = detectSeries(points, { duplicates: 'auto' });
  const flags = new Uint8Array(series.days);
  series.rows.forEach((row, i) => {
    if (detected.points[i]?.anomaly) flags[dayOf(series, row)] = 1;
  });
  return flags;
};

/** Rows as the old `detect` read them: time order (stable), first row of a timestamp kept. */
function oldCliRows(series: BlindSeries): BlindRow[] {
  const seen = new Set<string>();
  const kept: BlindRow[] = [];
  for (const row of series.rows) {
    if (seen.has(row.timestamp)) continue;
    seen.add(row.timestamp);
    kept.push(row);
  }
  // ISO dates sort as strings.
  return kept.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
}

/**
 * The previous detector; with `insertGaps`, absent days become `null` points
 * (the issue's check: "inserting the missing days as gaps leaves 3").
 */
export function previousDetector(insertGaps = false): DayDetector {
  return (series) => {
    const rows = oldCliRows(series);
    let points: Array<{ timestamp: string; value: number | null }> = rows;
    if (insertGaps) {
      const byDay = new Map(rows.map((r) => [dayOf(series, r), r.value]));
      const first = dayOf(series, rows[0] as BlindRow);
      const last = dayOf(series, rows.at(-1) as BlindRow);
      points = [];
      for (let d = first; d <= last; d++)
        points.push({
          timestamp: new Date(series.startMs + d * DAY_MS).toISOString().slice(0, 10),
          value: byDay.get(d) ?? null,
        });
    }
    const period = previousInferPeriod(points.map((p) => p.timestamp));
    const detected = previousDetect(points, { period });
    const flags = new Uint8Array(series.days);
    points.forEach((p, i) => {
      if (detected[i]?.anomaly)
        flags[Math.round((Date.parse(`${p.timestamp}T00:00:00Z`) - series.startMs) / DAY_MS)] = 1;
    });
    return flags;
  };
}

export const naiveDetector: DayDetector = (series) => {
  const rows = oldCliRows(series);
  const naive = naiveFlags(
    rows.map((r) => r.value),
    NAIVE_DEFAULTS,
  );
  const flags = new Uint8Array(series.days);
  rows.forEach((row, i) => {
    if (naive[i]) flags[dayOf(series, row)] = 1;
  });
  return flags;
};

/** The issue's settings; they are the reference's defaults, spelled out so a change there shows here. */
const WEEKDAY_MEDIAN_ISSUE_SETTINGS = {
  ...WEEKDAY_MEDIAN_DEFAULTS,
  k: 3,
  guardQuantile: 1,
  guardMargin: 2,
  residualWindow: 56,
};

export const weekdayMedianDetector: DayDetector = (series) => {
  const days = new Array<number | null>(series.days).fill(null);
  for (const row of series.rows) {
    const d = dayOf(series, row);
    days[d] = (days[d] ?? 0) + row.value;
  }
  const dayFlags = weekdayMedianFlags(days, WEEKDAY_MEDIAN_ISSUE_SETTINGS);
  return Uint8Array.from(dayFlags, (f) => (f ? 1 : 0));
};

/** Each detector by name, as the bench runs it. */
export const DETECTORS: Readonly<Record<DetectorName, DayDetector>> = {
  product: productDetector,
  previous: previousDetector(),
  naive: naiveDetector,
  'weekday-median': weekdayMedianDetector,
};
