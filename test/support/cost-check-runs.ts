import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MemoryStateStore } from '../../shared/adapters/memory/memory-state.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { type RunReport, runCheck } from '../../shared/core/pipeline.js';
import { costAnomalyFactory } from '../../shared/runtime/cost-anomaly-wiring.js';

const silent = { info: () => {}, warn: () => {} };

/**
 * Runs the cost-anomaly check in file mode, through the whole pipeline, on
 * the given `costs.csv` and `metrics.csv` contents (written to `dir`).
 */
export function runCostFiles(
  input: { dir: string; config: GuardrailsConfig; now: Date; state: MemoryStateStore },
  costs: string,
  metrics: string,
): Promise<RunReport> {
  const { dir, config, now, state } = input;
  writeFileSync(join(dir, 'costs.csv'), costs);
  writeFileSync(join(dir, 'metrics.csv'), metrics);
  const check = costAnomalyFactory({ mode: 'file', config, dataDir: dir, log: silent });
  return runCheck(check, { config, state, sinks: [], now, log: silent });
}

/** Events of a report as `action type subject`, sorted: what a consumer would see. */
export function eventLines(report: RunReport): string[] {
  return report.events
    .map((e) => `${e.action} ${e.type.replace('finops-guardrails.', '')} ${e.subject}`)
    .sort();
}
