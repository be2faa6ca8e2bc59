import type { GuardrailsConfig } from '../shared/config/schema.js';
import type { RunReport } from '../shared/core/pipeline.js';
import type { CliIo } from './io.js';
import { renderCheckSummaries, renderRunLine, runTotals } from './render/run-summary.js';
import { outputWidth } from './render/terminal-width.js';

/** What a run hands to its human output. */
export interface RunOutput {
  /** Events the table sink printed as the checks delivered them. */
  readonly printed: number;
  readonly reports: readonly RunReport[];
  /** Checks that failed to run. */
  readonly failed: readonly string[];
  readonly config: GuardrailsConfig;
  /** `--json`: stdout carries envelopes only, so the closing line goes to a terminal's stderr. */
  readonly json: boolean;
  /** Where the report was written, once there is one. */
  readonly reportPath?: string;
  /** `--dry-run`: nothing was delivered. */
  readonly dryRun?: boolean;
}

/** The layout options the renderers take, from the terminal and the config. */
export function renderOptions(io: CliIo, config: GuardrailsConfig) {
  return {
    width: outputWidth(io.columns, process.env),
    defaultOwner: config.organization.defaultOwner.team,
    context: { ...(config.tagPolicy && { coverageObjective: config.tagPolicy.coverageObjective }) },
  };
}

/**
 * The end of a run, after the table sink printed each check's events: a few
 * lines per check and the closing line (checks run, events sent, findings
 * open and new, scan gaps, the report). With `--json` only the closing line
 * is written, to stderr when it is a terminal.
 */
export function writeRunOutput(io: CliIo, run: RunOutput): void {
  const options = renderOptions(io, run.config);
  const line = renderRunLine(runTotals(run.reports, run.failed), {
    ...(run.reportPath !== undefined && { reportPath: run.reportPath }),
    ...(run.dryRun && { dryRun: true }),
  });
  if (run.json) {
    if (io.stderrIsTty) io.stderr.write(line);
    return;
  }
  const nothing = run.printed === 0 ? 'No new events.\n' : '';
  io.stdout.write(`${nothing}${renderCheckSummaries(run.reports, run.failed, options)}\n${line}`);
}
