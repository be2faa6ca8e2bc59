import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { starterConfig } from '../init/starter-config.js';
import { type CliIo, EXIT } from '../io.js';

export interface InitOptions {
  readonly out: string;
  readonly force?: boolean;
}

/** `init`: writes a commented starter config, never over an existing file unless `--force`. */
export function registerInit(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('init')
    .description('write a commented starter guardrails.config.yaml')
    .option('-o, --out <file>', 'where to write it', 'guardrails.config.yaml')
    .option('--force', 'overwrite the file if it exists')
    .action((options: InitOptions) => setExit(initCommand(options, io)));
}

/** The `init` command, callable from tests. Returns the exit code. */
export function initCommand(options: InitOptions, io: CliIo): number {
  try {
    writeFileSync(options.out, starterConfig(), { flag: options.force ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr.write(
      code === 'EEXIST'
        ? `${options.out}: already exists; keep it, or pass --force to replace it with the starter\n`
        : `${options.out}: cannot be written (${code ?? (error as Error).message})\n`,
    );
    return EXIT.usage;
  }
  const flag = options.out === 'guardrails.config.yaml' ? '' : ` --config ${options.out}`;
  io.stdout.write(
    [
      `wrote ${options.out}, a starter config with comments. Next:`,
      '  1. edit organization and tagPolicy; uncomment a workload or a probe if you have one',
      `  2. check it:          finops-guardrails validate-config ${options.out}`,
      `  3. check AWS access:  finops-guardrails doctor${flag}`,
      `  4. run against AWS:   finops-guardrails run --source aws${flag}`,
      `     or on local files (accounts.json, resources.json, costs.csv, metrics.csv beside it): finops-guardrails run${flag}`,
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
