/**
 * Scenario 5: 100,000 daily series of 90 days scored by `detectAnomalies`
 * in one process, on one core: the cost check over a large organization
 * (every account x service pair) must fit a Lambda invocation.
 */
import { detectAnomalies, type SeriesPoint } from '../shared/checks/cost-anomaly/detector.js';
import { detectorOptionsOf } from '../shared/checks/cost-anomaly/evaluate.js';
import { parseConfig } from '../shared/config/loader.js';
import { dailyTimestamps, labelledSeries } from './cost-series.js';
import { collectGarbage, peakRssMiB } from './memory.js';
import { below, type Figure, info, type ScenarioOptions, type ScenarioResult } from './report.js';

const DAYS = 90;
/** Series generated, then scored, at a time: the inputs of all 100,000 need not be alive at once. */
const BATCH = 5000;
const TIME_LIMIT_MS = 10_000;

export async function run({ quick }: ScenarioOptions): Promise<ScenarioResult> {
  const seriesCount = quick ? 10_000 : 100_000;
  const options = detectorOptionsOf(parseConfig('version: 1', 'bench').anomaly);
  const shape = { days: DAYS, startDate: '2026-08-01', earliestEvent: 40, latestEvent: 80 };
  // One set of day strings shared by every series, as a query's result would share them.
  const timestamps = dailyTimestamps(shape.startDate, DAYS);
  let detectMs = 0;
  let anomalies = 0;
  const started = performance.now();
  for (let from = 0; from < seriesCount; from += BATCH) {
    const batch: SeriesPoint[][] = [];
    for (let i = from; i < Math.min(seriesCount, from + BATCH); i++) {
      const { cost } = labelledSeries(i, shape, { timestamps });
      batch.push(timestamps.map((timestamp, t) => ({ timestamp, value: cost[t] as number })));
    }
    collectGarbage();
    const t0 = performance.now();
    for (const points of batch) {
      const detected = detectAnomalies(points, options);
      for (const p of detected) if (p.anomaly) anomalies++;
    }
    detectMs += performance.now() - t0;
  }
  const wallMs = performance.now() - started;
  const figures: Figure[] = [
    below(
      `detectAnomalies time, ${seriesCount.toLocaleString('en-US')} series x ${DAYS} days`,
      detectMs,
      'ms',
      TIME_LIMIT_MS,
    ),
    info('per series', (detectMs * 1000) / seriesCount, 'µs'),
    info('points per second', (seriesCount * DAYS) / (detectMs / 1000), 'points/s'),
    info('anomalous points flagged', anomalies),
    info('wall time including series generation', wallMs, 'ms'),
    info('peak RSS (process)', peakRssMiB(), 'MiB'),
  ];
  return {
    scenario: 'anomaly-throughput',
    title: 'detectAnomalies throughput on one core',
    sizes: { series: seriesCount, days: DAYS, batch: BATCH },
    figures,
    notes: [
      'timed: detectAnomalies calls only (config options: minImpact 25 USD, relative 0.2, z 4), in batches of pre-generated series; a full GC runs before each batch, outside the timing. Node runs JavaScript on one thread.',
      quick
        ? 'QUICK run: 10,000 series; the < 10 s target is meant for 100,000.'
        : 'target < 10 s for 100,000 series.',
    ],
  };
}
