import { describe, expect, it } from 'vitest';
import type { LabelledIncident } from '../../bench/anomaly-daily-series.js';
import { alertRuns, scoreWindows, WindowTally } from '../../bench/anomaly-window-scoring.js';

const incident = (from: number, to: number): LabelledIncident => ({
  kind: 'spike',
  start: from,
  from,
  to,
  detail: '',
});
const flagsAt = (n: number, at: number[]) => Array.from({ length: n }, (_, t) => (at.includes(t) ? 1 : 0));
const all = (n: number) => new Array<number>(n).fill(1);
const OPTIONS = { mergeGap: 1, earlyWithin: 1 };

describe('alertRuns', () => {
  it('merges runs separated by at most mergeGap quiet points', () => {
    expect(alertRuns(flagsAt(12, [1, 3, 4, 8]), 1)).toEqual([
      [1, 5],
      [8, 9],
    ]);
    expect(alertRuns(flagsAt(12, [1, 3]), 0)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('does not count unobserved points (export gaps) as quiet: an alert across a gap is one alert', () => {
    // Prepare: flags on 2 and 7; days 3 to 6 have no row.
    const flags = flagsAt(10, [2, 7]);
    const observed = Array.from({ length: 10 }, (_, t) => (t >= 3 && t <= 6 ? 0 : 1));

    // Act / Assess
    expect(alertRuns(flags, 1, observed)).toEqual([[2, 8]]);
    expect(alertRuns(flags, 1)).toEqual([
      [2, 3],
      [7, 8],
    ]);
    // An observed quiet day inside the gap still splits beyond mergeGap.
    observed[4] = 1;
    observed[5] = 1;
    expect(alertRuns(flags, 1, observed)).toEqual([
      [2, 3],
      [7, 8],
    ]);
  });
});

describe('scoreWindows', () => {
  it('counts an incident found early, its alert as true, and an alert elsewhere as false', () => {
    const score = scoreWindows(flagsAt(30, [11, 12, 25]), all(30), [incident(10, 15)], [], OPTIONS);
    expect(score).toMatchObject({
      found: 1,
      foundEarly: 1,
      delays: [1],
      alerts: 2,
      trueAlerts: 1,
      falseAlerts: 1,
    });
  });

  it('finds a late detection in the window but not early', () => {
    const score = scoreWindows(flagsAt(30, [13]), all(30), [incident(10, 15)], [], OPTIONS);
    expect(score).toMatchObject({ found: 1, foundEarly: 0, falseAlerts: 0 });
  });

  it('counts normal points flagged only where the point was observed and outside every window', () => {
    const observed = all(20);
    observed[3] = 0;
    const score = scoreWindows(flagsAt(20, [3, 5, 11]), observed, [incident(10, 12)], [], OPTIONS);
    expect(score.normalPoints).toBe(17);
    expect(score.normalFlagged).toBe(1);
  });

  it('reports benign windows that had an alert on them', () => {
    const score = scoreWindows(flagsAt(20, [6]), all(20), [], [{ kind: 'holiday', from: 5, to: 7 }], OPTIONS);
    expect(score.benign.get('holiday')).toEqual({ events: 1, alerted: 1 });
    expect(score.falseAlerts).toBe(1);
  });

  it('scores NAB from 0 (never fires) to about 100 (fires at the start of every window only)', () => {
    const windows = [incident(10, 20), incident(40, 50)];
    const tally = (flags: number[]) => {
      const t = new WindowTally();
      t.add(scoreWindows(flags, all(60), windows, [], OPTIONS));
      return t;
    };
    expect(tally(flagsAt(60, [])).nab).toBeCloseTo(0, 9);
    expect(tally(flagsAt(60, [10, 40])).nab).toBeCloseTo(100, 9);
    const late = tally(flagsAt(60, [18, 48])).nab;
    const noisy = tally(flagsAt(60, [10, 40, 2, 30])).nab;
    expect(late).toBeLessThan(100);
    expect(late).toBeGreaterThan(0);
    expect(noisy).toBeLessThan(100);
  });
});

describe('WindowTally', () => {
  it('sums series and derives precision, recall and false alerts per series-month', () => {
    const tally = new WindowTally();
    tally.add(scoreWindows(flagsAt(30, [10]), all(30), [incident(10, 12)], [], OPTIONS));
    tally.add(scoreWindows(flagsAt(30, [5]), all(30), [incident(20, 22)], [], OPTIONS));
    expect(tally.precision).toBe(0.5);
    expect(tally.recall).toBe(0.5);
    expect(tally.falseAlertsPerSeriesMonth(30)).toBe(0.5);
    expect(tally.byKind.get('spike')).toEqual({ total: 2, found: 1, early: 1 });
  });
});
