/**
 * Labelled evaluation of what pages: the cost-anomaly detector followed by
 * the demand-aware classification, against a naive rolling mean ± 3σ
 * baseline, on generated cost series with paired demand, injected anomalies
 * and injected benign events (demand growth, holidays). The detector alone,
 * on irregular exports, is `anomaly-eval`.
 */
import { detectAnomalies, type SeriesPoint } from '../shared/checks/cost-anomaly/detector.js';
import { detectorOptionsOf } from '../shared/checks/cost-anomaly/evaluate.js';
import { parseConfig } from '../shared/config/loader.js';
import {
  ANOMALY_KINDS,
  BENIGN_KINDS,
  EVENT_WEIGHTS,
  type EventKind,
  labelledSeries,
  type SeriesShape,
} from './cost-series.js';
import { ScoreTally, scoreSeries } from './event-scoring.js';
import { peakRssMiB } from './memory.js';
import { NAIVE_DEFAULTS, naiveFlags } from './naive-detector.js';
import { classifyFlaggedDays } from './paging-classifier.js';
import { atLeast, type Figure, info, round, type ScenarioOptions, type ScenarioResult } from './report.js';

const SHAPE: SeriesShape = { days: 182, startDate: '2026-01-01', earliestEvent: 63, latestEvent: 150 };
/** Scoring starts once the detector's window (56 days) is full. */
const EVAL_FROM = 56;
const GROWTH_KEPT_QUIET_TARGET = 0.95;

interface Tallies {
  readonly detector: ScoreTally;
  readonly pages: ScoreTally;
  readonly naive: ScoreTally;
  readonly naiveFloored: ScoreTally;
}

const pct = (x: number) => round(x * 100);

export async function run({ quick }: ScenarioOptions): Promise<ScenarioResult> {
  const seriesCount = quick ? 400 : 4000;
  const config = parseConfig('version: 1', 'bench');
  const options = detectorOptionsOf(config.anomaly);
  const tallies: Tallies = {
    detector: new ScoreTally(),
    pages: new ScoreTally(),
    naive: new ScoreTally(),
    naiveFloored: new ScoreTally(),
  };
  const classHits = new Map<EventKind, { detected: number; right: number; classes: Map<string, number> }>();
  const started = performance.now();
  for (let i = 0; i < seriesCount; i++) {
    const series = labelledSeries(i, SHAPE);
    const points: SeriesPoint[] = series.timestamps.map((timestamp, t) => ({
      timestamp,
      value: series.cost[t] as number,
    }));
    const detected = detectAnomalies(points, options);
    const flags = detected.map((p) => p.anomaly);
    const classes = classifyFlaggedDays(
      detected,
      series.timestamps,
      series.cost,
      series.demand,
      config.anomaly,
    );
    const pageFlags = classes.map((c) => c?.pages === true);
    const { event } = series;
    tallies.detector.add(scoreSeries(flags, event, EVAL_FROM), event);
    tallies.pages.add(scoreSeries(pageFlags, event, EVAL_FROM), event);
    tallies.naive.add(scoreSeries(naiveFlags(series.cost, NAIVE_DEFAULTS), event, EVAL_FROM), event);
    tallies.naiveFloored.add(
      scoreSeries(
        naiveFlags(series.cost, {
          ...NAIVE_DEFAULTS,
          minImpact: config.anomaly.minImpactUsd,
          relativeThreshold: config.anomaly.relativeThreshold,
        }),
        event,
        EVAL_FROM,
      ),
      event,
    );
    if (event) {
      // The class the check gives on the first flagged day of the event's window.
      let first = -1;
      for (let t = event.window.from; t < event.window.to; t++) {
        if (flags[t]) {
          first = t;
          break;
        }
      }
      const hit = classHits.get(event.kind) ?? { detected: 0, right: 0, classes: new Map() };
      const dayClass = first < 0 ? null : classes[first];
      if (dayClass) {
        hit.detected++;
        if (dayClass.anomalyClass === event.expectedClass) hit.right++;
        hit.classes.set(dayClass.anomalyClass, (hit.classes.get(dayClass.anomalyClass) ?? 0) + 1);
      }
      classHits.set(event.kind, hit);
    }
  }
  const wallMs = performance.now() - started;

  const { detector, pages, naive, naiveFloored } = tallies;
  const classified = [...classHits.values()].reduce((a, h) => a + h.detected, 0);
  const classRight = [...classHits.values()].reduce((a, h) => a + h.right, 0);
  const growthQuiet = pages.keptQuiet('demand-growth');
  const figures: Figure[] = [
    info('detector precision', detector.precision),
    info('detector recall', detector.recall),
    {
      ...info('detector F1', detector.f1),
      target: `> naive F1 (${round(naive.f1)})`,
      pass: detector.f1 > naive.f1,
    },
    info('detector median detection delay', detector.medianDelay, 'days'),
    info(
      'detector false alerts per series-month (benign events included)',
      detector.falseAlertsPerSeriesMonth,
    ),
    info('  of which outside any event (noise)', detector.quietFalseAlertsPerSeriesMonth),
    info('spikes detected within 1 day', pct(detector.spikesWithinOneDayShare), '%'),
    info(
      'naive 28d mean±3σ: precision / recall / F1',
      `${round(naive.precision)} / ${round(naive.recall)} / ${round(naive.f1)}`,
    ),
    info(
      'naive false alerts per series-month (benign included / noise only)',
      `${round(naive.falseAlertsPerSeriesMonth)} / ${round(naive.quietFalseAlertsPerSeriesMonth)}`,
    ),
    info(
      'pages (detector + classify): precision / recall / F1',
      `${round(pages.precision)} / ${round(pages.recall)} / ${round(pages.f1)}`,
    ),
    info('pages: false pages per series-month', pages.falseAlertsPerSeriesMonth),
    atLeast('demand-driven growth kept from paging', pct(growthQuiet), '%', GROWTH_KEPT_QUIET_TARGET * 100),
    info('holidays kept from paging', pct(pages.keptQuiet('holiday')), '%'),
    info(
      'class accuracy (detected events, first flagged day)',
      pct(classified === 0 ? Number.NaN : classRight / classified),
      '%',
    ),
    info('wall time (all series, all detectors)', wallMs, 'ms'),
    info('peak RSS (process)', peakRssMiB(), 'MiB'),
  ];
  const detectorRows = (
    [
      ['detector (config: minImpact 25 USD, relative 0.2, z 4)', detector],
      ['detector + classifyAnomaly (pages only)', pages],
      ['naive 28d mean ± 3σ', naive],
      ['naive 28d mean ± 3σ + same floors', naiveFloored],
    ] as const
  ).map(([name, t]) => [
    name,
    round(t.precision),
    round(t.recall),
    round(t.f1),
    t.medianDelay,
    round(t.falseAlertsPerSeriesMonth),
    round(t.quietFalseAlertsPerSeriesMonth),
    pct(t.spikesWithinOneDayShare),
    pct(t.keptQuiet('demand-growth')),
    pct(t.keptQuiet('holiday')),
  ]);
  const kindRows = [...ANOMALY_KINDS, ...BENIGN_KINDS].map((kind) => {
    const total = detector.detectedByKind.get(kind)?.total ?? detector.benignByKind.get(kind)?.total ?? 0;
    const share = (t: ScoreTally) => {
      const d = t.detectedByKind.get(kind);
      if (d) return `${pct(d.detected / d.total)}% found`;
      const b = t.benignByKind.get(kind);
      return b ? `${pct(1 - b.alerted / b.total)}% quiet` : '-';
    };
    const hit = classHits.get(kind);
    const classes = hit
      ? [...hit.classes]
          .sort((a, b) => b[1] - a[1])
          .map(([c, n]) => `${c} ${n}`)
          .join(', ')
      : '';
    return [kind, total, share(detector), share(pages), share(naive), classes];
  });
  return {
    scenario: 'anomaly-pages',
    title: 'labelled evaluation of detectAnomalies + classifyAnomaly vs a naive baseline',
    sizes: {
      series: seriesCount,
      days: SHAPE.days,
      scoredFromDay: EVAL_FROM,
      anomalies: detector.anomalies,
      benignEvents: [...detector.benignByKind.values()].reduce((a, b) => a + b.total, 0),
    },
    figures,
    tables: [
      {
        title: 'detectors compared (event-level)',
        columns: [
          'detector',
          'precision',
          'recall',
          'F1',
          'median delay d',
          'false/series-month',
          'noise/series-month',
          'spikes <=1d %',
          'growth quiet %',
          'holiday quiet %',
        ],
        rows: detectorRows,
      },
      {
        title:
          'per event kind (found = detected in window; quiet = no alert/page in window); classes on the first flagged day',
        columns: ['kind', 'events', 'detector', 'pages', 'naive', 'classes given'],
        rows: kindRows,
      },
    ],
    notes: [
      `series: cost = fixed + unit cost x demand + month-start fee; demand with a weekend dip, trend and noise; levels 150-20,000 USD/day. Event mix: ${Object.entries(
        EVENT_WEIGHTS,
      )
        .map(([k, w]) => `${k} ${Math.round(w * 100)}%`)
        .join(', ')}; one event per series.`,
      'event-level match: an anomaly counts once if any day in its window is flagged (spike: its days; level shift: 14 days; drift: its ramp + 7 days; new service: 7 days). Alerts are runs of flagged days (one quiet day merges); an alert touching no anomaly window is a false alert. precision = found / (found + false alerts).',
      'classification uses the real shared/checks/cost-anomaly/classify.ts (classifyAnomaly, severityOfClass) and unit-cost.ts (unitCostChange over the episode vs the 28 days before, tolerance unitCostTolerance(0.2)), replayed per flagged day as the daily check would see it; workload mapped, SLO met (no SLO data). A page = severity above info.',
      "expected classes: spike, level shift, drift, new service -> waste; demand growth -> demand-growth; holiday -> saving. The F1 target (beat the naive baseline) is the bench's own.",
    ],
  };
}
