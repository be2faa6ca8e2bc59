import type { ScenarioOptions, ScenarioResult } from './report.js';

/** A scenario's module exports `run` with this shape. */
export type ScenarioRun = (options: ScenarioOptions) => Promise<ScenarioResult>;

/**
 * Every scenario, in run order, loaded lazily so that a child process
 * imports only its own scenario (and its peak RSS is its own).
 */
export const SCENARIOS: Readonly<Record<string, () => Promise<ScenarioRun>>> = {
  'tag-evaluate': async () => (await import('./tag-evaluate.js')).run,
  'tag-evaluate-streamed': async () => {
    const { runWith } = await import('./tag-evaluate.js');
    return (options) => runWith(options, 'streamed');
  },
  'tag-org-scan': async () => (await import('./tag-org-scan.js')).run,
  'probe-round': async () => (await import('./probe-round.js')).run,
  'anomaly-eval': async () => (await import('./anomaly-eval.js')).run,
  'anomaly-blind': async () => (await import('./anomaly-blind.js')).run,
  'anomaly-metrics': async () => (await import('./anomaly-metrics.js')).run,
  'anomaly-pages': async () => (await import('./anomaly-pages.js')).run,
  'anomaly-throughput': async () => (await import('./anomaly-throughput.js')).run,
  'org-scale': async () => (await import('./org-scale.js')).run,
  'cold-start': async () => (await import('./cold-start.js')).run,
};

export const SCENARIO_NAMES = Object.keys(SCENARIOS);
