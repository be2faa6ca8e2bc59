import { addDays } from './slo.js';

/** Runs of consecutive days shown before the rest are only counted. */
const SHOWN_RUNS = 4;

/**
 * Days (`YYYY-MM-DD`, any order) as short text for a scan gap or a
 * summary: consecutive days as one `first..last` run, at most four runs,
 * then how many more days.
 *
 * @example
 * describeDays(['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-01']); // '2026-11-01, 2026-11-17..2026-11-19'
 */
export function describeDays(days: readonly string[]): string {
  const sorted = [...new Set(days)].sort();
  const runs: Array<{ first: string; last: string; count: number }> = [];
  for (const day of sorted) {
    const run = runs[runs.length - 1];
    if (run && addDays(run.last, 1) === day) {
      run.last = day;
      run.count++;
    } else runs.push({ first: day, last: day, count: 1 });
  }
  const shown = runs.slice(0, SHOWN_RUNS).map((r) => (r.count === 1 ? r.first : `${r.first}..${r.last}`));
  const rest = runs.slice(SHOWN_RUNS).reduce((n, r) => n + r.count, 0);
  return rest > 0 ? `${shown.join(', ')} and ${rest} more day${rest === 1 ? '' : 's'}` : shown.join(', ');
}
