/**
 * Scoring of a detector's flags against labelled incident windows, on the
 * series' regular grid (day or metric interval):
 *
 * - An *alert* is a run of flagged points; runs separated by at most
 *   `mergeGap` quiet points are one alert (a blinking detector should not
 *   score twice); unobserved points (export gaps) are not quiet points. An alert that overlaps an incident window is *true*, any
 *   other is *false*. precision = true alerts / alerts.
 * - An incident is *found* when a flagged point falls in its window, and
 *   found *early* when the first one is at most `earlyWithin` points after
 *   its start. recall = found early / incidents (the issue's "within a day",
 *   or "within its first hour" for metrics).
 * - Normal points are observed points outside every incident window; the
 *   share of them flagged is the per-point false positive rate.
 * - The NAB score (Lavin & Ahmad, "Evaluating Real-time Anomaly Detection
 *   Algorithms - the Numenta Anomaly Benchmark", 2015), standard profile:
 *   the first detection in a window earns a reward that falls from about 1 at
 *   the window's start to 0 at its end (a scaled sigmoid), a missed window
 *   costs 1 and every false alert costs 0.11; normalised so that a detector
 *   that never fires scores 0 and one that fires at the start of every window
 *   and nowhere else scores 100. Here a false positive is a false alert run,
 *   not a point, so a detector is not charged 30 times for one long alarm.
 */
import type { BenignWindow, LabelledIncident } from './anomaly-daily-series.js';

export interface WindowScoringOptions {
  /** Quiet points that may separate two runs of one alert. */
  readonly mergeGap: number;
  /** Largest delay, in points from an incident's start, that counts as early. */
  readonly earlyWithin: number;
}

/** What one series contributed. */
export interface CaseScore {
  readonly incidents: number;
  readonly found: number;
  readonly foundEarly: number;
  readonly delays: readonly number[];
  readonly alerts: number;
  readonly trueAlerts: number;
  readonly falseAlerts: number;
  /** Benign events (holidays) by kind: how many, and how many had an alert on them. */
  readonly benign: ReadonlyMap<string, { readonly events: number; readonly alerted: number }>;
  readonly normalPoints: number;
  readonly normalFlagged: number;
  /** Grid points spanned (for false alerts per series-month). */
  readonly spanPoints: number;
  readonly nabRaw: number;
  readonly nabPerfect: number;
  readonly nabNull: number;
  /** Found early / incidents, by incident kind. */
  readonly byKind: ReadonlyMap<
    string,
    { readonly total: number; readonly found: number; readonly early: number }
  >;
}

const NAB_TP = 1;
const NAB_FP = 0.11;
const NAB_FN = 1;
/** NAB's scaled sigmoid of the relative position y (-1 at a window's start, 0 at its end). */
const scaledSigmoid = (y: number) => 2 / (1 + Math.exp(5 * y)) - 1;

/**
 * Runs of flagged points, merged across at most `mergeGap` quiet points: `[from, to)` pairs.
 * With `observed`, only observed points count as quiet: an alert that goes on across an export gap
 * (days with no row, which no detector can flag) is one alert, as it is in the rows `detect` prints.
 */
export function alertRuns(
  flags: ArrayLike<number | boolean>,
  mergeGap: number,
  observed?: ArrayLike<number | boolean>,
): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let open: [number, number] | null = null;
  let quiet = 0;
  for (let t = 0; t < flags.length; t++) {
    if (!flags[t]) {
      if (open && (observed === undefined || observed[t])) quiet++;
      continue;
    }
    if (open && quiet <= mergeGap) open[1] = t + 1;
    else {
      if (open) runs.push(open);
      open = [t, t + 1];
    }
    quiet = 0;
  }
  if (open) runs.push(open);
  return runs;
}

/**
 * Scores one series. `flags[t]` and `observed[t]` are per grid point.
 *
 * @example
 * scoreWindows([0, 1, 0, 0], [1, 1, 1, 1], [{ kind: 'spike', start: 1, from: 1, to: 2, detail: '' }], [], { mergeGap: 1, earlyWithin: 1 }).foundEarly; // 1
 */
export function scoreWindows(
  flags: ArrayLike<number | boolean>,
  observed: ArrayLike<number | boolean>,
  incidents: readonly LabelledIncident[],
  benignWindows: readonly BenignWindow[],
  options: WindowScoringOptions,
): CaseScore {
  const runs = alertRuns(flags, options.mergeGap, observed);
  const inWindow = new Uint8Array(flags.length);
  for (const w of incidents)
    for (let t = Math.max(0, w.from); t < Math.min(flags.length, w.to); t++) inWindow[t] = 1;
  let trueAlerts = 0;
  let falseAlerts = 0;
  for (const [from, to] of runs) {
    let hits = false;
    for (let t = from; t < to && !hits; t++) hits = inWindow[t] === 1;
    if (hits) trueAlerts++;
    else falseAlerts++;
  }
  let found = 0;
  let foundEarly = 0;
  let nabRaw = 0;
  const delays: number[] = [];
  const byKind = new Map<string, { total: number; found: number; early: number }>();
  for (const w of incidents) {
    const kind = byKind.get(w.kind) ?? { total: 0, found: 0, early: 0 };
    kind.total++;
    let first = -1;
    for (let t = Math.max(0, w.from); t < Math.min(flags.length, w.to); t++) {
      if (flags[t]) {
        first = t;
        break;
      }
    }
    if (first >= 0) {
      found++;
      kind.found++;
      const delay = first - w.start;
      delays.push(delay);
      if (delay <= options.earlyWithin) {
        foundEarly++;
        kind.early++;
      }
      nabRaw += NAB_TP * scaledSigmoid((first - (w.to - 1)) / Math.max(1, w.to - w.from));
    } else {
      nabRaw -= NAB_FN;
    }
    byKind.set(w.kind, kind);
  }
  nabRaw -= NAB_FP * falseAlerts;
  const benign = new Map<string, { events: number; alerted: number }>();
  for (const w of benignWindows) {
    const entry = benign.get(w.kind) ?? { events: 0, alerted: 0 };
    entry.events++;
    let alerted = false;
    for (let t = Math.max(0, w.from); t < Math.min(flags.length, w.to) && !alerted; t++) alerted = !!flags[t];
    if (alerted) entry.alerted++;
    benign.set(w.kind, entry);
  }
  let normalPoints = 0;
  let normalFlagged = 0;
  for (let t = 0; t < flags.length; t++) {
    if (!observed[t] || inWindow[t] === 1) continue;
    normalPoints++;
    if (flags[t]) normalFlagged++;
  }
  return {
    incidents: incidents.length,
    found,
    foundEarly,
    delays,
    alerts: runs.length,
    trueAlerts,
    falseAlerts,
    benign,
    normalPoints,
    normalFlagged,
    spanPoints: flags.length,
    nabRaw,
    // The perfect detector fires on each window's first point.
    nabPerfect: incidents.reduce(
      (sum, w) => sum + NAB_TP * scaledSigmoid((w.from - (w.to - 1)) / Math.max(1, w.to - w.from)),
      0,
    ),
    nabNull: -incidents.length * NAB_FN,
    byKind,
  };
}

/** Running totals over many series. */
export class WindowTally {
  series = 0;
  incidents = 0;
  found = 0;
  foundEarly = 0;
  alerts = 0;
  trueAlerts = 0;
  falseAlerts = 0;
  normalPoints = 0;
  normalFlagged = 0;
  spanPoints = 0;
  nabRaw = 0;
  nabPerfect = 0;
  nabNull = 0;
  readonly delays: number[] = [];
  readonly benign = new Map<string, { events: number; alerted: number }>();
  readonly byKind = new Map<string, { total: number; found: number; early: number }>();

  add(score: CaseScore): void {
    this.series++;
    this.incidents += score.incidents;
    this.found += score.found;
    this.foundEarly += score.foundEarly;
    this.alerts += score.alerts;
    this.trueAlerts += score.trueAlerts;
    this.falseAlerts += score.falseAlerts;
    this.normalPoints += score.normalPoints;
    this.normalFlagged += score.normalFlagged;
    this.spanPoints += score.spanPoints;
    this.nabRaw += score.nabRaw;
    this.nabPerfect += score.nabPerfect;
    this.nabNull += score.nabNull;
    this.delays.push(...score.delays);
    for (const [kind, b] of score.benign) {
      const entry = this.benign.get(kind) ?? { events: 0, alerted: 0 };
      entry.events += b.events;
      entry.alerted += b.alerted;
      this.benign.set(kind, entry);
    }
    for (const [kind, k] of score.byKind) {
      const entry = this.byKind.get(kind) ?? { total: 0, found: 0, early: 0 };
      entry.total += k.total;
      entry.found += k.found;
      entry.early += k.early;
      this.byKind.set(kind, entry);
    }
  }

  /** True alerts / alerts (NaN without alerts). */
  get precision(): number {
    return this.alerts === 0 ? Number.NaN : this.trueAlerts / this.alerts;
  }

  /** Incidents found early / incidents. */
  get recall(): number {
    return this.incidents === 0 ? Number.NaN : this.foundEarly / this.incidents;
  }

  /** Incidents found anywhere in their window / incidents. */
  get recallInWindow(): number {
    return this.incidents === 0 ? Number.NaN : this.found / this.incidents;
  }

  /** False alerts per `pointsPerMonth` grid points of one series. */
  falseAlertsPerSeriesMonth(pointsPerMonth: number): number {
    return this.spanPoints === 0 ? Number.NaN : this.falseAlerts / (this.spanPoints / pointsPerMonth);
  }

  /** Share of normal points flagged. */
  get normalFlaggedShare(): number {
    return this.normalPoints === 0 ? Number.NaN : this.normalFlagged / this.normalPoints;
  }

  /** NAB score, 0 (never fires) to 100 (perfect); NaN without incidents. */
  get nab(): number {
    const range = this.nabPerfect - this.nabNull;
    return range === 0 ? Number.NaN : (100 * (this.nabRaw - this.nabNull)) / range;
  }

  /** Median delay of found incidents, in points. */
  get medianDelay(): number {
    if (this.delays.length === 0) return Number.NaN;
    const sorted = [...this.delays].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  }
}
