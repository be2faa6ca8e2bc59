/**
 * How many rises on a bursty series any detector could find on the days
 * recall counts without alerting on routine bursts: a rise whose larger
 * departure over its first two days is no larger than a routine burst the
 * series already showed cannot be told from one by its size. Departures are
 * read against the same weekday's median of the four weeks before (calendar
 * days, duplicate rows summed), as a share of it; the generator marks the
 * routine bursts.
 */
import type { DailyCase } from './anomaly-daily-series.js';

/** Rises of one class, and how many of them a detector flagged on their first or second day. */
export interface RiseClass {
  rises: number;
  found: number;
}

/** The rises (spikes, step-ups, new services) of bursty series, by what the series showed before them. */
export class BurstBound {
  /** Larger than every routine burst before them. */
  readonly larger: RiseClass = { rises: 0, found: 0 };
  /** No larger than a routine burst already seen: a detector quiet on routine bursts cannot flag them. */
  readonly withinBursts: RiseClass = { rises: 0, found: 0 };
  /** No routine burst before them (warm-up bursts excluded). */
  readonly noBurstBefore: RiseClass = { rises: 0, found: 0 };

  /**
   * Adds one series' rises. `flags` is the detector's verdict per day of the span.
   * Series that are not bursty, or mostly zero (no weekday median to read), are skipped.
   */
  add(c: DailyCase, flags: ArrayLike<number>, warmUpDays = 14): void {
    if (!c.irregularities.has('bursty') || c.irregularities.has('mostly-zero')) return;
    const days = dailyValues(c);
    const bursts = c.marks.filter((m) => m.kind === 'burst' && m.day >= warmUpDays);
    for (const incident of c.incidents) {
      if (incident.kind === 'drop') continue;
      const rise = Math.max(
        departure(days, incident.start) ?? Number.NEGATIVE_INFINITY,
        departure(days, incident.start + 1) ?? Number.NEGATIVE_INFINITY,
      );
      const before = bursts
        .filter((m) => m.day < incident.start)
        .map((m) => departure(days, m.day))
        .filter((d): d is number => d !== null);
      const found = flags[incident.start] === 1 || flags[incident.start + 1] === 1;
      const into =
        before.length === 0
          ? this.noBurstBefore
          : rise > Math.max(...before)
            ? this.larger
            : this.withinBursts;
      into.rises++;
      if (found) into.found++;
    }
  }

  /** The most a detector quiet on routine-sized bursts can find within a day, as a share of all rises. */
  get ceiling(): number {
    const all = this.larger.rises + this.withinBursts.rises + this.noBurstBefore.rises;
    return all === 0 ? Number.NaN : (this.larger.rises + this.noBurstBefore.rises) / all;
  }
}

/** Value per calendar day of the span (duplicate rows summed, `null` where no row has a value). */
function dailyValues(c: DailyCase): Array<number | null> {
  const days = new Array<number | null>(c.days).fill(null);
  c.rows.forEach((row, i) => {
    const d = c.rowDay[i] as number;
    if (row.value !== null) days[d] = (days[d] ?? 0) + row.value;
  });
  return days;
}

/** (value − same-weekday median of the four weeks before) / that median; `null` when either is unknown or the median is 0. */
export function departure(days: ReadonlyArray<number | null>, d: number): number | null {
  const value = days[d];
  const same: number[] = [];
  for (let w = 1; w <= 4; w++) {
    const v = days[d - 7 * w];
    if (v !== null && v !== undefined) same.push(v);
  }
  if (value === null || value === undefined || same.length === 0) return null;
  same.sort((a, b) => a - b);
  const mid = same.length >> 1;
  const median =
    same.length % 2 ? (same[mid] as number) : ((same[mid - 1] as number) + (same[mid] as number)) / 2;
  return median > 0 ? (value - median) / median : null;
}
