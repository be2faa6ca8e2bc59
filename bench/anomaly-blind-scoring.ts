/**
 * The blind bench's scorer, written from issue 11's metric definitions:
 * - an alert is a run of flagged days; runs separated by one quiet day merge;
 * - an incident is detected when a day in [start, start + 1] is flagged
 *   (recall within a day), its delay is the first such day minus start;
 * - precision = alert runs touching an incident window / all alert runs,
 *   the window being the incident's days plus the day after it (the return
 *   to normal belongs to the incident: a flag there reports its end);
 * - false alerts per series-month = false runs / (series days / 30.4).
 */

/** Days `start`..`end`, inclusive. */
export interface DayRun {
  readonly start: number;
  readonly end: number;
}

/** Quiet days allowed inside one alert: runs separated by this many merge. */
const MERGE_QUIET_DAYS = 1;
/** Days an incident may start before it must be flagged: the start day and the next. */
const DETECTION_DAYS = 2;
/** Days after an incident's last day that still belong to its window. */
const RECOVERY_DAYS = 1;
/** Days in a series-month. */
export const DAYS_PER_MONTH = 30.4;

/**
 * Alert runs of per-day flags.
 *
 * @example
 * alertRuns([1, 0, 1, 0, 0, 1]); // [{ start: 0, end: 2 }, { start: 5, end: 5 }]
 */
export function alertRuns(flags: ArrayLike<number | boolean>): DayRun[] {
  const runs: DayRun[] = [];
  let start = -1;
  let last = -1;
  for (let d = 0; d < flags.length; d++) {
    if (!flags[d]) continue;
    if (start >= 0 && d - last - 1 <= MERGE_QUIET_DAYS) last = d;
    else {
      if (start >= 0) runs.push({ start, end: last });
      start = d;
      last = d;
    }
  }
  if (start >= 0) runs.push({ start, end: last });
  return runs;
}

/** One series' counts under one detector. */
export interface SeriesScore {
  readonly days: number;
  readonly alerts: number;
  readonly falseRuns: readonly DayRun[];
  readonly incidents: number;
  /** Per incident (in the order given): delay in days, or -1 when missed. */
  readonly delays: readonly number[];
}

/** Scores one series' per-day flags against its incidents. */
export function scoreSeries(
  flags: ArrayLike<number | boolean>,
  incidents: readonly DayRun[],
  days: number = flags.length,
): SeriesScore {
  const runs = alertRuns(flags);
  const falseRuns = runs.filter(
    (run) => !incidents.some((i) => run.start <= i.end + RECOVERY_DAYS && run.end >= i.start),
  );
  const delays = incidents.map((i) => {
    for (let d = i.start; d < i.start + DETECTION_DAYS && d < flags.length; d++)
      if (flags[d]) return d - i.start;
    return -1;
  });
  return { days, alerts: runs.length, falseRuns, incidents: incidents.length, delays };
}

/** Figures over many series. `precision` is NaN when there is no alert, `recall` when no incident. */
export interface ScoreSummary {
  readonly series: number;
  readonly incidents: number;
  readonly detected: number;
  readonly alerts: number;
  readonly falseAlerts: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly falsePerSeriesMonth: number;
  readonly medianDelay: number;
}

/** Pools series scores: the figures over a set of series. */
export function summarise(scores: readonly SeriesScore[]): ScoreSummary {
  let incidents = 0;
  let alerts = 0;
  let falseAlerts = 0;
  let days = 0;
  const delays: number[] = [];
  for (const s of scores) {
    incidents += s.incidents;
    alerts += s.alerts;
    falseAlerts += s.falseRuns.length;
    days += s.days;
    for (const d of s.delays) if (d >= 0) delays.push(d);
  }
  const precision = alerts === 0 ? Number.NaN : (alerts - falseAlerts) / alerts;
  const recall = incidents === 0 ? Number.NaN : delays.length / incidents;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  delays.sort((a, b) => a - b);
  return {
    series: scores.length,
    incidents,
    detected: delays.length,
    alerts,
    falseAlerts,
    precision,
    recall,
    f1,
    falsePerSeriesMonth: days === 0 ? 0 : falseAlerts / (days / DAYS_PER_MONTH),
    medianDelay: delays.length === 0 ? Number.NaN : (delays[(delays.length - 1) >> 1] as number),
  };
}
