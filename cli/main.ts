import { Command, CommanderError } from 'commander';
import { registerCheckTemplate } from './commands/check-template.js';
import { registerCostEstimate } from './commands/cost-estimate.js';
import { registerDemo } from './commands/demo.js';
import { registerDetect } from './commands/detect.js';
import { registerProbe } from './commands/probe.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerValidateConfig } from './commands/validate-config.js';
import { type CliIo, EXIT, processIo } from './io.js';

/** Builds the `finops-guardrails` program. */
export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('finops-guardrails')
    .description('FinOps and guardrail checks for AWS Organizations, delivered to one incident queue')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerRun(program, io, setExit);
  registerDetect(program, io, setExit);
  registerValidateConfig(program, io, setExit);
  registerProbe(program, io, setExit);
  registerCheckTemplate(program, io, setExit);
  registerCostEstimate(program, io, setExit);
  registerDemo(program, io, setExit);
  registerReport(program, io, setExit);
  return program;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
  return code;
}
