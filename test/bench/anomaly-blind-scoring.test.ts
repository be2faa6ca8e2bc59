import { describe, expect, it } from 'vitest';
import { alertRuns, DAYS_PER_MONTH, scoreSeries, summarise } from '../../bench/anomaly-blind-scoring.js';

/** Per-day flags from the flagged days. */
const flagsAt = (days: number, flagged: readonly number[]) => {
  const flags = new Uint8Array(days);
  for (const d of flagged) flags[d] = 1;
  return flags;
};

describe('alertRuns', () => {
  it('merges runs separated by one quiet day and splits at two', () => {
    // Prepare: 2 and 4 are one quiet day apart; 4 and 7 are two apart.
    const flags = flagsAt(10, [2, 4, 7, 8]);
    // Act
    const runs = alertRuns(flags);
    // Assess
    expect(runs).toEqual([
      { start: 2, end: 4 },
      { start: 7, end: 8 },
    ]);
  });

  it('finds no alert in a quiet series', () => {
    expect(alertRuns(new Uint8Array(30))).toEqual([]);
  });
});

describe('scoreSeries', () => {
  it('detects an incident flagged on its start or the next day, and not two days late', () => {
    const incidents = [
      { start: 10, end: 12 },
      { start: 40, end: 41 },
      { start: 70, end: 70 },
    ];
    const score = scoreSeries(flagsAt(100, [11, 42, 70]), incidents);
    expect(score.delays).toEqual([1, -1, 0]);
  });

  it('counts a run touching the day after an incident as true, a run two days after as false', () => {
    const incidents = [{ start: 10, end: 12 }];
    expect(scoreSeries(flagsAt(60, [13]), incidents).falseRuns).toEqual([]);
    expect(scoreSeries(flagsAt(60, [14]), incidents).falseRuns).toEqual([{ start: 14, end: 14 }]);
  });

  it('counts a run that starts before an incident and runs into it as true', () => {
    const score = scoreSeries(flagsAt(60, [8, 9, 10]), [{ start: 10, end: 15 }]);
    expect(score.alerts).toBe(1);
    expect(score.falseRuns).toHaveLength(0);
  });
});

describe('summarise', () => {
  it('pools precision, recall, F1 and false alerts per series-month by the issue definitions', () => {
    // Prepare: series A (61 days): incident found, plus one false run; series B (91.2 days): incident missed, two false runs.
    const a = scoreSeries(flagsAt(61, [30, 31, 50]), [{ start: 30, end: 33 }]);
    const b = scoreSeries(flagsAt(92, [10, 60]), [{ start: 40, end: 45 }], 91.2);
    // Act
    const s = summarise([a, b]);
    // Assess: 4 runs, 1 true; 1 of 2 incidents; 3 false runs over (61 + 91.2) / 30.4 = 5.007 months.
    expect(s.alerts).toBe(4);
    expect(s.falseAlerts).toBe(3);
    expect(s.precision).toBeCloseTo(0.25, 10);
    expect(s.recall).toBeCloseTo(0.5, 10);
    expect(s.f1).toBeCloseTo((2 * 0.25 * 0.5) / 0.75, 10);
    expect(s.falsePerSeriesMonth).toBeCloseTo(3 / ((61 + 91.2) / DAYS_PER_MONTH), 10);
    expect(s.medianDelay).toBe(0);
  });

  it('leaves precision undefined (NaN) when nothing is flagged, and F1 at 0', () => {
    const s = summarise([scoreSeries(new Uint8Array(40), [{ start: 35, end: 36 }])]);
    expect(s.precision).toBeNaN();
    expect(s.recall).toBe(0);
    expect(s.f1).toBe(0);
  });
});
