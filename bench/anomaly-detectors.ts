/**
 * The detectors the anomaly benches compare, each as `detect` would run it
 * on an export's rows: one flag per row, in row order.
 *
 * - `current`: today's `detectAnomalies` (regular time, duplicates combined).
 * - `previous`: the detector before issue 11 (bench/previous-detector), fed
 *   the way the old `detect` fed it: rows sorted by time, duplicate
 *   timestamps dropped (first kept), missing rows not inserted, the period
 *   from `inferPeriod`.
 * - `naive`: rolling mean ± 3σ over the previous 28 rows (gaps skipped).
 * - `weekdayMedian`: the reference, a same-weekday median with a
 *   residual quantile guard (bench/weekday-median-detector.ts), on calendar
 *   days with duplicate rows summed.
 */
import { type DetectorOptions, detectAnomalies } from '../shared/checks/cost-anomaly/detector.js';
import type { ExportRow } from './anomaly-daily-series.js';
import { NAIVE_DEFAULTS, naiveFlags } from './naive-detector.js';
import { detectAnomalies as previousDetect } from './previous-detector/detector.js';
import { inferPeriod as previousInferPeriod } from './previous-detector/period.js';
import { WEEKDAY_MEDIAN_DEFAULTS, weekdayMedianFlags } from './weekday-median-detector.js';

/** Flags one export, one entry (0 or 1) per row. */
export type RowDetector = (rows: readonly ExportRow[]) => Uint8Array;

/** The current detector with the given options (`detect`'s defaults when empty). */
export function currentDetector(options: Partial<DetectorOptions> = {}): RowDetector {
  return (rows) => {
    const detected = detectAnomalies(rows, options);
    const flags = new Uint8Array(rows.length);
    for (let i = 0; i < rows.length; i++) flags[i] = detected[i]?.anomaly ? 1 : 0;
    return flags;
  };
}

const toMs = (timestamp: string) =>
  Date.parse(timestamp.length === 10 ? `${timestamp}T00:00:00Z` : timestamp);

/** Row order after the old `detect`'s parsing: sorted by time, duplicate timestamps dropped. */
function previousRowOrder(rows: readonly ExportRow[]): number[] {
  const seen = new Set<string>();
  const kept: number[] = [];
  rows.forEach((row, i) => {
    if (seen.has(row.timestamp)) return;
    seen.add(row.timestamp);
    kept.push(i);
  });
  return kept.sort((a, b) => toMs((rows[a] as ExportRow).timestamp) - toMs((rows[b] as ExportRow).timestamp));
}

/** The pre-issue-11 detector, as the old `detect` ran it (detect's defaults unless options are given). */
export function previousDetector(options: { minImpact?: number } = {}): RowDetector {
  return (rows) => {
    const order = previousRowOrder(rows);
    const points = order.map((i) => rows[i] as ExportRow);
    const flags = new Uint8Array(rows.length);
    if (points.length === 0) return flags;
    const period = previousInferPeriod(points.map((p) => p.timestamp));
    const detected = previousDetect(points, { period, ...options });
    order.forEach((row, k) => {
      flags[row] = detected[k]?.anomaly ? 1 : 0;
    });
    return flags;
  };
}

/** The naive rolling mean ± 3σ over the previous 28 observed rows, in time order. */
export function naiveDetector(): RowDetector {
  return (rows) => {
    const order = previousRowOrder(rows).filter((i) => rows[i]?.value !== null);
    const values = order.map((i) => (rows[i] as ExportRow).value as number);
    const naive = naiveFlags(values, NAIVE_DEFAULTS);
    const flags = new Uint8Array(rows.length);
    order.forEach((row, k) => {
      flags[row] = naive[k] ? 1 : 0;
    });
    return flags;
  };
}

const DAY_MS = 86_400_000;

/** The weekday-median reference on calendar days: duplicate rows summed, a day with no value missing. */
export function weekdayMedianDetector(): RowDetector {
  return (rows) => {
    const flags = new Uint8Array(rows.length);
    const rowDay = rows.map((row) => Math.floor(toMs(row.timestamp) / DAY_MS));
    const first = Math.min(...rowDay);
    const days = new Array<number | null>(Math.max(...rowDay) - first + 1).fill(null);
    rows.forEach((row, i) => {
      const d = (rowDay[i] as number) - first;
      if (row.value !== null) days[d] = (days[d] ?? 0) + row.value;
    });
    const dayFlags = weekdayMedianFlags(days, WEEKDAY_MEDIAN_DEFAULTS);
    rows.forEach((row, i) => {
      flags[i] = row.value !== null && dayFlags[(rowDay[i] as number) - first] ? 1 : 0;
    });
    return flags;
  };
}

/** Per grid point: 1 where any row on it is flagged. */
export function flagsOnGrid(rowFlags: Uint8Array, rowSlot: Int32Array, slots: number): Uint8Array {
  const grid = new Uint8Array(slots);
  for (let i = 0; i < rowFlags.length; i++) if (rowFlags[i] === 1) grid[rowSlot[i] as number] = 1;
  return grid;
}

/** Per grid point: 1 where a row with a value lies on it. */
export function observedOnGrid(rows: readonly ExportRow[], rowSlot: Int32Array, slots: number): Uint8Array {
  const grid = new Uint8Array(slots);
  rows.forEach((row, i) => {
    if (row.value !== null) grid[rowSlot[i] as number] = 1;
  });
  return grid;
}
