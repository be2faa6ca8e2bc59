import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { FileStateStore } from '../../shared/adapters/file/state-file.js';
import { MemoryStateStore } from '../../shared/adapters/memory/memory-state.js';
import { probeTargetSchema } from '../../shared/checks/probe/types.js';
import { reportFromState } from '../../shared/report/from-state.js';
import { renderReportHtml } from '../../shared/report/html/render-html.js';
import { loadStates } from '../../shared/report/load-states.js';
import type { CliIo } from '../io.js';
import { packageRoot } from '../package-root.js';
import { runCommand } from './run.js';

/** The bundled example organization, and the moment its data is judged at. */
export const DEMO_DIR = join(packageRoot(), 'examples', 'demo-org');
export const DEMO_NOW = '2026-11-20T06:00:00Z';

export interface DemoOptions {
  readonly json?: boolean;
  readonly only?: string;
  /** Where the HTML report goes; `false` (`--no-report`) writes none. Default `report.html`. */
  readonly report?: string | false;
}

/**
 * `demo`: runs every check on the example organization (what `npm start`
 * does). Cost and tag data are judged as of DEMO_NOW from a baseline state,
 * so the output is the same on every machine; the probes reach three
 * loopback targets that the demo starts and stops itself. Then writes the
 * HTML report of the resulting state (the baseline holds past days, so the
 * trends have history) and says where.
 */
export function registerDemo(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description('run every check on the bundled example organization (no AWS account needed)')
    .option('--json', 'one event envelope per line on stdout, nothing else')
    .option('--only <checks>', 'comma-separated: tags, costs, policy, probes')
    .option('--report <file>', 'write the HTML report here', 'report.html')
    .option('--no-report', 'write no HTML report')
    .action(async (options: DemoOptions) => setExit(await demoCommand(options, io)));
}

export async function demoCommand(options: DemoOptions, io: CliIo): Promise<number> {
  // Imported here: the demo's certificate generator is a development dependency.
  const { startDemoProbeTargets } = await import('../../examples/demo-org/probe-targets.js');
  const demo = await startDemoProbeTargets();
  // The baseline is read, never written: the run's state lives in memory, and the report is made from it.
  const state = new MemoryStateStore(
    await new FileStateStore(join(DEMO_DIR, 'baseline-state.json')).loadAll(),
  );
  let code: number;
  try {
    code = await runCommand(
      {
        config: join(DEMO_DIR, 'guardrails.config.yaml'),
        source: 'file',
        now: DEMO_NOW,
        ...(options.json && { json: true }),
        ...(options.only && { only: options.only }),
      },
      io,
      { probe: { targets: demo.targets.map((t) => probeTargetSchema.parse(t)), ca: demo.ca }, state },
    );
  } finally {
    await demo.close();
  }
  if (options.report === false) return code;
  const path = resolve(options.report ?? 'report.html');
  const data = reportFromState(await loadStates(state), {
    asOf: new Date(DEMO_NOW),
    source: 'the example organization (examples/demo-org) after this run',
  });
  writeFileSync(path, renderReportHtml(data));
  // With --json stdout carries events only.
  (options.json ? io.stderr : io.stdout).write(`Report: ${path} (open it in a browser)\n`);
  return code;
}
