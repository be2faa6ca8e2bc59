import { join } from 'node:path';
import type { Command } from 'commander';
import { probeTargetSchema } from '../../shared/checks/probe/types.js';
import type { CliIo } from '../io.js';
import { packageRoot } from '../package-root.js';
import { runCommand } from './run.js';

/** The bundled example organization, and the moment its data is judged at. */
export const DEMO_DIR = join(packageRoot(), 'examples', 'demo-org');
export const DEMO_NOW = '2026-11-20T06:00:00Z';

/**
 * `demo`: runs every check on the example organization (what `npm start`
 * does). Cost and tag data are judged as of DEMO_NOW from a baseline state,
 * so the output is the same on every machine; the probes reach three
 * loopback targets that the demo starts and stops itself.
 */
export function registerDemo(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description('run every check on the bundled example organization (no AWS account needed)')
    .option('--json', 'one event envelope per line on stdout, nothing else')
    .option('--only <checks>', 'comma-separated: tags, costs, probes')
    .action(async (options: { json?: boolean; only?: string }) => setExit(await demoCommand(options, io)));
}

export async function demoCommand(options: { json?: boolean; only?: string }, io: CliIo): Promise<number> {
  // Imported here: the demo's certificate generator is a development dependency.
  const { startDemoProbeTargets } = await import('../../examples/demo-org/probe-targets.js');
  const demo = await startDemoProbeTargets();
  try {
    return await runCommand(
      {
        config: join(DEMO_DIR, 'guardrails.config.yaml'),
        source: 'file',
        baseline: join(DEMO_DIR, 'baseline-state.json'),
        now: DEMO_NOW,
        ...(options.json && { json: true }),
        ...(options.only && { only: options.only }),
      },
      io,
      { probe: { targets: demo.targets.map((t) => probeTargetSchema.parse(t)), ca: demo.ca } },
    );
  } finally {
    await demo.close();
  }
}
