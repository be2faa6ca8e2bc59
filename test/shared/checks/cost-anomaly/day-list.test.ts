import { describe, expect, it } from 'vitest';
import { describeDays } from '../../../../shared/checks/cost-anomaly/day-list.js';

describe('describeDays', () => {
  it('joins consecutive days into runs, in order, once each', () => {
    expect(describeDays(['2026-11-19', '2026-11-01', '2026-11-17', '2026-11-18', '2026-11-18'])).toBe(
      '2026-11-01, 2026-11-17..2026-11-19',
    );
  });

  it('shows four runs and counts the days of the rest', () => {
    const days = [
      '2026-11-01',
      '2026-11-03',
      '2026-11-05',
      '2026-11-07',
      '2026-11-09',
      '2026-11-11',
      '2026-11-12',
    ];
    expect(describeDays(days)).toBe('2026-11-01, 2026-11-03, 2026-11-05, 2026-11-07 and 3 more days');
    expect(describeDays(days.slice(0, 5))).toBe(
      '2026-11-01, 2026-11-03, 2026-11-05, 2026-11-07 and 1 more day',
    );
  });
});
