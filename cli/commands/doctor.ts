import { type Command, InvalidArgumentError } from 'commander';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { ConfigError } from '../../shared/core/errors.js';
import { loadCliConfig } from '../config-hint.js';
import { type DoctorOptions, runDoctor } from '../doctor/doctor-checks.js';
import { renderDoctor } from '../doctor/render-doctor.js';
import { type CliIo, EXIT } from '../io.js';
import { outputWidth } from '../render/terminal-width.js';

export interface DoctorCommandOptions {
  readonly config: string;
  readonly maxAccounts: number;
}

/** Member accounts whose role `doctor` assumes unless told otherwise. */
export const DEFAULT_MAX_ACCOUNTS = 20;

/** `doctor`: checks that AWS mode can run, and says for each problem what to do. */
export function registerDoctor(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('doctor')
    .description('check that AWS mode can run: region, credentials, roles, cost allocation tags')
    .option('-c, --config <file>', 'config file', 'guardrails.config.yaml')
    .option(
      '--max-accounts <n>',
      `member accounts whose role is assumed (default ${DEFAULT_MAX_ACCOUNTS}; 0 for all)`,
      (raw: string) => {
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('not a whole number of 0 or more');
        return n;
      },
      DEFAULT_MAX_ACCOUNTS,
    )
    .action(async (options: DoctorCommandOptions) => setExit(await doctorCommand(options, io)));
}

/**
 * The `doctor` command, callable from tests. Exit 0 when AWS mode can run
 * (warnings allowed), 1 when a check failed, 2 on a bad config.
 */
export async function doctorCommand(
  options: DoctorCommandOptions,
  io: CliIo,
  deps: Pick<DoctorOptions, 'resolveRegion'> = {},
): Promise<number> {
  let config: GuardrailsConfig;
  try {
    config = loadCliConfig(options.config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
  io.stderr.write(`Checking AWS mode for ${options.config}…\n`);
  const results = await runDoctor(config, { maxAccounts: options.maxAccounts, ...deps });
  io.stdout.write(renderDoctor(results, outputWidth(io.columns, process.env)));
  return results.some((r) => r.status === 'fail') ? EXIT.findings : EXIT.ok;
}
