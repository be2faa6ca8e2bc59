import { describe, expect, it } from 'vitest';
import type { ExportRow } from '../../bench/anomaly-daily-series.js';
import {
  currentDetector,
  flagsOnGrid,
  naiveDetector,
  observedOnGrid,
  previousDetector,
} from '../../bench/anomaly-detectors.js';

const rows: ExportRow[] = Array.from({ length: 60 }, (_, i) => ({
  timestamp: new Date(Date.UTC(2025, 0, 6 + i)).toISOString().slice(0, 10),
  value: i === 50 ? 500 : 100 + (i % 3),
}));

describe('bench detectors', () => {
  it('flag one entry per row, the spike among them, whatever the row order', () => {
    const reversed = [...rows].reverse();
    for (const detect of [currentDetector(), previousDetector(), naiveDetector()]) {
      const flags = detect(reversed);
      expect(flags).toHaveLength(60);
      expect(flags[9]).toBe(1);
    }
  });

  it('run the previous detector as the old detect did: a duplicate timestamp is dropped, not scored', () => {
    const doubled = [...rows, { timestamp: rows[50]?.timestamp ?? '', value: 100 }];
    const flags = previousDetector()(doubled);
    expect(flags[50]).toBe(1);
    expect(flags[60]).toBe(0);
  });

  it('map row flags and observations onto the grid', () => {
    expect([...flagsOnGrid(Uint8Array.of(1, 0, 1), Int32Array.of(0, 0, 3), 4)]).toEqual([1, 0, 0, 1]);
    expect([
      ...observedOnGrid(
        [
          { timestamp: 'a', value: null },
          { timestamp: 'b', value: 2 },
        ],
        Int32Array.of(0, 2),
        3,
      ),
    ]).toEqual([0, 0, 1]);
  });
});
