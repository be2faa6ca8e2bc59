/**
 * Event-level scoring of a detector against injected events.
 *
 * - An *alert* is a run of flagged days; runs separated by one quiet day are
 *   one alert (a detector that blinks should not score twice).
 * - An anomalous event is *detected* when any flagged day falls in its
 *   window; it counts once however many days are flagged (a true positive).
 * - An alert that touches no anomalous event's window is a *false alert*,
 *   including alerts on benign events (demand growth, holidays), which are
 *   also counted apart.
 * - precision = TP / (TP + false alerts), recall = TP / anomalous events.
 */
import type { EventKind, InjectedEvent } from './cost-series.js';

export interface Alert {
  readonly from: number;
  /** Exclusive. */
  readonly to: number;
}

/** Runs of flagged days at or after `fromDay`, merged across single-day gaps. */
export function alertsOf(flags: ArrayLike<boolean>, fromDay = 0): Alert[] {
  const alerts: Alert[] = [];
  let open: { from: number; to: number } | null = null;
  for (let t = fromDay; t < flags.length; t++) {
    if (!flags[t]) continue;
    if (open && t - open.to <= 1) open.to = t + 1;
    else {
      if (open) alerts.push(open);
      open = { from: t, to: t + 1 };
    }
  }
  if (open) alerts.push(open);
  return alerts;
}

const overlaps = (alert: Alert, window: { from: number; to: number }) =>
  alert.from < window.to && window.from < alert.to;

/** What one series contributed. */
export interface SeriesScore {
  readonly detected: boolean | null;
  /** Days from the event's start to the first flagged day in its window; null if not detected. */
  readonly delay: number | null;
  readonly falseAlerts: number;
  /** False alerts touching a benign event's window. */
  readonly benignAlerts: number;
  readonly evaluatedDays: number;
}

/**
 * Scores one series' flags against its event (or none).
 *
 * @example
 * scoreSeries([false, true, true, false], { ...spike, window: { from: 1, to: 2 } }, 0).detected; // true
 */
export function scoreSeries(
  flags: ArrayLike<boolean>,
  event: InjectedEvent | null,
  fromDay: number,
): SeriesScore {
  const alerts = alertsOf(flags, fromDay);
  let detected: boolean | null = null;
  let delay: number | null = null;
  if (event?.anomalous) {
    detected = false;
    for (let t = Math.max(event.window.from, fromDay); t < event.window.to; t++) {
      if (flags[t]) {
        detected = true;
        delay = t - event.start;
        break;
      }
    }
  }
  let falseAlerts = 0;
  let benignAlerts = 0;
  for (const alert of alerts) {
    if (event && overlaps(alert, event.window)) {
      if (event.anomalous) continue;
      benignAlerts++;
    }
    falseAlerts++;
  }
  return { detected, delay, falseAlerts, benignAlerts, evaluatedDays: Math.max(0, flags.length - fromDay) };
}

/** Running totals over many series. */
export class ScoreTally {
  truePositives = 0;
  anomalies = 0;
  falseAlerts = 0;
  /** False alerts that touched a benign event's window (the rest hit quiet stretches). */
  benignAlerts = 0;
  evaluatedDays = 0;
  readonly delays: number[] = [];
  readonly detectedByKind = new Map<EventKind, { detected: number; total: number }>();
  readonly benignByKind = new Map<EventKind, { alerted: number; total: number }>();
  spikes = 0;
  spikesWithinOneDay = 0;

  add(score: SeriesScore, event: InjectedEvent | null): void {
    this.falseAlerts += score.falseAlerts;
    this.benignAlerts += score.benignAlerts;
    this.evaluatedDays += score.evaluatedDays;
    if (!event) return;
    if (event.anomalous) {
      this.anomalies++;
      const byKind = this.detectedByKind.get(event.kind) ?? { detected: 0, total: 0 };
      byKind.total++;
      if (score.detected) {
        this.truePositives++;
        byKind.detected++;
        if (score.delay !== null) this.delays.push(score.delay);
      }
      this.detectedByKind.set(event.kind, byKind);
      if (event.kind === 'spike') {
        this.spikes++;
        if (score.detected && score.delay !== null && score.delay <= 1) this.spikesWithinOneDay++;
      }
    } else {
      const byKind = this.benignByKind.get(event.kind) ?? { alerted: 0, total: 0 };
      byKind.total++;
      if (score.benignAlerts > 0) byKind.alerted++;
      this.benignByKind.set(event.kind, byKind);
    }
  }

  get precision(): number {
    const flagged = this.truePositives + this.falseAlerts;
    return flagged === 0 ? Number.NaN : this.truePositives / flagged;
  }

  get recall(): number {
    return this.anomalies === 0 ? Number.NaN : this.truePositives / this.anomalies;
  }

  get f1(): number {
    const { precision, recall } = this;
    return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }

  get medianDelay(): number {
    return median(this.delays);
  }

  /** False alerts per 30 evaluated days of one series. */
  get falseAlertsPerSeriesMonth(): number {
    return this.evaluatedDays === 0 ? Number.NaN : this.falseAlerts / (this.evaluatedDays / 30);
  }

  /** False alerts outside any event's window, per 30 evaluated days of one series. */
  get quietFalseAlertsPerSeriesMonth(): number {
    return this.evaluatedDays === 0
      ? Number.NaN
      : (this.falseAlerts - this.benignAlerts) / (this.evaluatedDays / 30);
  }

  get spikesWithinOneDayShare(): number {
    return this.spikes === 0 ? Number.NaN : this.spikesWithinOneDay / this.spikes;
  }

  /** Share of benign events of `kind` with no alert in their window. */
  keptQuiet(kind: EventKind): number {
    const byKind = this.benignByKind.get(kind);
    return !byKind || byKind.total === 0 ? Number.NaN : 1 - byKind.alerted / byKind.total;
  }
}

/** Median of a list (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
