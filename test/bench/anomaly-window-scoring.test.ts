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
