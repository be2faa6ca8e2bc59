import { describe, expect, it } from 'vitest';
import type { InjectedEvent } from '../../bench/cost-series.js';
import { alertsOf, median, ScoreTally, scoreSeries } from '../../bench/event-scoring.js';

const spike = (from: number, to: number): InjectedEvent => ({
  kind: 'spike',
  anomalous: true,
  start: from,
  end: to,
  window: { from, to },
  expectedClass: 'waste',
  detail: '',
});
const growth = (from: number, to: number): InjectedEvent => ({
  ...spike(from, to),
  kind: 'demand-growth',
  anomalous: false,
  expectedClass: 'demand-growth',
});
const flagsAt = (length: number, days: number[]) => Array.from({ length }, (_, t) => days.includes(t));

describe('alertsOf', () => {
  it('merges flagged days separated by one quiet day into one alert', () => {
    // Prepare
    const flags = flagsAt(10, [2, 4, 8]);
    // Act
    const alerts = alertsOf(flags);
    // Assess
    expect(alerts).toEqual([
      { from: 2, to: 5 },
      { from: 8, to: 9 },
    ]);
  });

  it('ignores flags before the first scored day', () => {
    expect(alertsOf(flagsAt(10, [1, 7]), 5)).toEqual([{ from: 7, to: 8 }]);
  });
});

describe('scoreSeries', () => {
  it('counts an anomaly once however many of its days are flagged, with the delay to the first', () => {
    // Prepare
    const flags = flagsAt(20, [11, 12, 13]);
    // Act
    const score = scoreSeries(flags, spike(10, 14), 0);
    // Assess
    expect(score).toMatchObject({ detected: true, delay: 1, falseAlerts: 0 });
  });

  it('misses an anomaly whose flags fall outside its window and counts them as false alerts', () => {
    const score = scoreSeries(flagsAt(20, [16]), spike(10, 12), 0);
    expect(score).toMatchObject({ detected: false, delay: null, falseAlerts: 1, benignAlerts: 0 });
  });

  it('counts an alert on a benign event as a false alert and as a benign alert', () => {
    const score = scoreSeries(flagsAt(20, [10]), growth(9, 15), 0);
    expect(score).toMatchObject({ detected: null, falseAlerts: 1, benignAlerts: 1 });
  });
});

describe('ScoreTally', () => {
  it('computes precision, recall and F1 at the event level', () => {
    // Prepare: two anomalies, one found; one false alert on a clean series.
    const tally = new ScoreTally();
    const found = spike(10, 12);
    const missed = spike(10, 12);
    // Act
    tally.add(scoreSeries(flagsAt(30, [10, 11]), found, 0), found);
    tally.add(scoreSeries(flagsAt(30, []), missed, 0), missed);
    tally.add(scoreSeries(flagsAt(30, [20]), null, 0), null);
    // Assess
    expect(tally.precision).toBe(0.5);
    expect(tally.recall).toBe(0.5);
    expect(tally.f1).toBe(0.5);
    expect(tally.falseAlertsPerSeriesMonth).toBeCloseTo(1 / 3);
    expect(tally.spikesWithinOneDayShare).toBe(0.5);
  });

  it('reports the share of benign events kept quiet', () => {
    const tally = new ScoreTally();
    const loud = growth(5, 10);
    const quiet = growth(5, 10);
    tally.add(scoreSeries(flagsAt(20, [6]), loud, 0), loud);
    tally.add(scoreSeries(flagsAt(20, []), quiet, 0), quiet);
    expect(tally.keptQuiet('demand-growth')).toBe(0.5);
    expect(tally.quietFalseAlertsPerSeriesMonth).toBe(0);
  });
});

describe('median', () => {
  it('averages the middle pair of an even list and is NaN for none', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
