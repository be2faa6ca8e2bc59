/**
 * Scenario `anomaly-blind`: the product detector and the three references
 * of issue 11 on a second, blind bench of daily cost exports
 * (bench/anomaly-blind-series.ts), calibrated on one set of seeds so the
 * references land near the issue's figures on its 120 real-like series,
 * and measured on another (docs/design/anomaly-blind-bench.md).
 */
import { DETECTOR_NAMES, DETECTORS, type DetectorName, previousDetector } from './anomaly-blind-detectors.js';
import { type ScoreSummary, type SeriesScore, scoreSeries, summarise } from './anomaly-blind-scoring.js';
import {
  BLIND_MIX,
  type BlindMix,
  type BlindSeries,
  blindSeries,
  type IncidentKind,
  type Irregularity,
} from './anomaly-blind-series.js';
import { type Figure, info, type ScenarioOptions, type ScenarioResult, type Table } from './report.js';

/** Seeds of the two sets: the mix was tuned on the first only. */
export const CALIBRATION_SEED = 1101;
export const EVALUATION_SEED = 2202;

/** The issue's figures on its 120 series, and how far from them a calibrated reference may land. */
export const ISSUE_TARGETS = [
  { detector: 'previous', metric: 'precision', value: 0.34, tolerance: 0.03 },
  { detector: 'previous', metric: 'recall', value: 70 / 71, tolerance: 0.03 },
  { detector: 'previous', metric: 'falsePerSeriesMonth', value: 0.32, tolerance: 0.04 },
  { detector: 'previous', metric: 'f1', value: 0.51, tolerance: 0.03 },
  { detector: 'naive', metric: 'f1', value: 0.41, tolerance: 0.04 },
  { detector: 'weekday-median', metric: 'f1', value: 0.8, tolerance: 0.04 },
] as const satisfies ReadonlyArray<{
  detector: DetectorName;
  metric: keyof ScoreSummary;
  value: number;
  tolerance: number;
}>;

/** Every detector's score on every series of a set. */
export type SetScores = Record<DetectorName, SeriesScore[]>;

/** Runs the four detectors on a set of series. */
export function scoreSet(series: readonly BlindSeries[]): SetScores {
  const scores = Object.fromEntries(DETECTOR_NAMES.map((n) => [n, [] as SeriesScore[]])) as SetScores;
  for (const s of series)
    for (const name of DETECTOR_NAMES)
      scores[name].push(scoreSeries(DETECTORS[name](s), s.incidents, s.days));
  return scores;
}

const fmt = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(2));

function summaryRow(label: string, name: string, s: ScoreSummary): Array<string | number> {
  return [
    label,
    name,
    s.series,
    `${s.detected}/${s.incidents}`,
    s.falseAlerts,
    fmt(s.precision),
    fmt(s.recall),
    fmt(s.falsePerSeriesMonth),
    fmt(s.f1),
    Number.isNaN(s.medianDelay) ? '–' : s.medianDelay,
  ];
}

const SUMMARY_COLUMNS = [
  'set',
  'detector',
  'series',
  'found',
  'false',
  'precision',
  'recall≤1d',
  'false/series-month',
  'F1',
  'median delay',
];

/** Summaries per irregularity tag (a series counts under each of its tags). */
function byIrregularity(series: readonly BlindSeries[], scores: SetScores): Table {
  const tags = [...new Set(series.flatMap((s) => s.irregularities))].sort() as Irregularity[];
  const rows = tags.flatMap((tag) => {
    const idx = series.flatMap((s, i) => (s.irregularities.includes(tag) ? [i] : []));
    return DETECTOR_NAMES.map((name) =>
      summaryRow(tag, name, summarise(idx.map((i) => scores[name][i] as SeriesScore))),
    );
  });
  return {
    title: 'Evaluation set, per irregularity (a series counts under each of its tags)',
    columns: ['irregularity', ...SUMMARY_COLUMNS.slice(1)],
    rows,
  };
}

/** Recall within a day per incident kind. */
function byIncidentKind(series: readonly BlindSeries[], scores: SetScores): Table {
  const kinds: IncidentKind[] = ['runaway-step', 'spike', 'doubling', 'forgotten-ramp', 'drop'];
  const rows = kinds.map((kind) => {
    let total = 0;
    const found = Object.fromEntries(DETECTOR_NAMES.map((n) => [n, 0])) as Record<DetectorName, number>;
    series.forEach((s, i) => {
      s.incidents.forEach((incident, k) => {
        if (incident.kind !== kind) return;
        total++;
        for (const name of DETECTOR_NAMES)
          if (((scores[name][i] as SeriesScore).delays[k] as number) >= 0) found[name]++;
      });
    });
    return [kind, total, ...DETECTOR_NAMES.map((n) => fmt(total ? found[n] / total : Number.NaN))];
  });
  return {
    title: 'Evaluation set, recall within a day per incident kind',
    columns: ['kind', 'incidents', ...DETECTOR_NAMES],
    rows,
  };
}

/** The benign event a false alert starts on or just after (within 2 days), else `other`. */
export function falseAlertCause(series: BlindSeries, start: number): string {
  const near = series.benign.filter((e) => start >= e.start && start <= e.end + 2);
  if (near.length > 0) return (near.at(-1) as { kind: string }).kind;
  // Absent days shift the old detector's weekday phase for weeks after them.
  if (series.benign.some((e) => e.kind === 'missing' && start > e.end && start - e.end <= 28))
    return 'after-missing';
  if (series.incidents.some((i) => start > i.end && start - i.end <= 14)) return 'after-incident';
  if (series.irregularities.includes('intermittent')) return 'intermittent';
  return 'other';
}

/** False alerts per cause for each detector. */
function falseAlertCauses(series: readonly BlindSeries[], scores: SetScores): Table {
  const counts = new Map<string, Record<DetectorName, number>>();
  series.forEach((s, i) => {
    for (const name of DETECTOR_NAMES) {
      for (const run of (scores[name][i] as SeriesScore).falseRuns) {
        const cause = falseAlertCause(s, run.start);
        const row =
          counts.get(cause) ??
          (Object.fromEntries(DETECTOR_NAMES.map((n) => [n, 0])) as Record<DetectorName, number>);
        row[name]++;
        counts.set(cause, row);
      }
    }
  });
  const rows = [...counts.entries()]
    .sort((a, b) => b[1].product - a[1].product)
    .map(([cause, row]) => [cause, ...DETECTOR_NAMES.map((n) => row[n])]);
  return {
    title: 'Evaluation set, false alerts by the benign event they start on (or just after)',
    columns: ['cause', ...DETECTOR_NAMES],
    rows,
  };
}

/** How far each reference lands from the issue's figure, on the calibration set. */
function calibrationFigures(summaries: Record<DetectorName, ScoreSummary>): Figure[] {
  return ISSUE_TARGETS.map((t) => {
    const value = summaries[t.detector][t.metric] as number;
    return {
      name: `calibration: ${t.detector} ${t.metric}`,
      value: Math.round(value * 1000) / 1000,
      unit: '',
      target: `${t.value.toFixed(2)} ± ${t.tolerance}`,
      pass: Math.abs(value - t.value) <= t.tolerance,
    };
  });
}

/** The issue's check on series with absent days: the previous detector fed rows, then the days as gaps. */
function missingDaysCheck(series: readonly BlindSeries[]): Figure[] {
  const gappy = series.filter((s) => s.irregularities.includes('missing-days'));
  const count = (insert: boolean) =>
    summarise(gappy.map((s) => scoreSeries(previousDetector(insert)(s), s.incidents, s.days))).falseAlerts;
  return [
    info('evaluation: series with absent days', gappy.length),
    info('evaluation: previous, false alerts on them (rows as given)', count(false)),
    info('evaluation: previous, false alerts on them (absent days as gaps)', count(true)),
  ];
}

export function summariesOf(scores: SetScores): Record<DetectorName, ScoreSummary> {
  return Object.fromEntries(DETECTOR_NAMES.map((n) => [n, summarise(scores[n])])) as Record<
    DetectorName,
    ScoreSummary
  >;
}

/** Runs the scenario on `count` series per set (the mix is a parameter for calibration runs). */
export async function runBlind(count: number, mix: BlindMix = BLIND_MIX): Promise<ScenarioResult> {
  const t0 = performance.now();
  const calibration = blindSeries(CALIBRATION_SEED, count, mix);
  const evaluation = blindSeries(EVALUATION_SEED, count, mix);
  const calScores = scoreSet(calibration);
  const evalScores = scoreSet(evaluation);
  const cal = summariesOf(calScores);
  const ev = summariesOf(evalScores);
  const seconds = (performance.now() - t0) / 1000;
  const overall: Table = {
    title:
      'Overall (issue 11 on its 120 series: previous P 0.34 R 0.99 0.32 false/series-month F1 0.51; naive F1 0.41; weekday-median F1 0.80)',
    columns: SUMMARY_COLUMNS,
    rows: [
      ...DETECTOR_NAMES.map((n) => summaryRow('calibration', n, cal[n])),
      ...DETECTOR_NAMES.map((n) => summaryRow('evaluation', n, ev[n])),
    ],
  };
  return {
    scenario: 'anomaly-blind',
    title: 'Blind daily-cost bench calibrated on issue 11: product vs previous, naive, weekday-median',
    sizes: {
      'series per set': count,
      'calibration incidents': cal.product.incidents,
      'evaluation incidents': ev.product.incidents,
    },
    figures: [
      ...calibrationFigures(cal),
      ...DETECTOR_NAMES.flatMap((n) => [
        info(`evaluation: ${n} F1`, ev[n].f1),
        info(`evaluation: ${n} false/series-month`, ev[n].falsePerSeriesMonth),
      ]),
      ...missingDaysCheck(evaluation),
      info('wall time (both sets, four detectors)', seconds, 's'),
    ],
    tables: [
      overall,
      byIrregularity(evaluation, evalScores),
      byIncidentKind(evaluation, evalScores),
      falseAlertCauses(evaluation, evalScores),
    ],
    notes: [
      'Blind: the generator was written from the issue and AWS billing behaviour, not from bench/anomaly-daily-series.ts; calibrated on seed 1101, reported on seed 2202.',
      'Incidents start on day 32 or later (after the 28-day warm-up); the day after an incident belongs to its window.',
      'A false alert is attributed to the benign event (burst, month-start fee, absent days, holiday…) it starts on or within 2 days of.',
    ],
  };
}

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  return runBlind(options.quick ? 200 : 1200);
}
