import type { Command } from 'commander';
import { loadConfig } from '../../shared/config/loader.js';
import { ConfigError } from '../../shared/core/errors.js';
import { type CliIo, EXIT } from '../io.js';

/** `validate-config FILE`: exit 0 when valid, 2 with one line per problem when not. */
export function registerValidateConfig(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('validate-config')
    .description('check a guardrails.config.yaml against the schema')
    .argument('<file>', 'config file')
    .action((file: string) => {
      try {
        const config = loadConfig(file);
        io.stdout.write(
          `${file}: valid (${config.workloads.length} workloads, ${config.probes.length} probes, ${config.tagPolicy?.requiredTags.length ?? 0} required tags)\n`,
        );
        setExit(EXIT.ok);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        io.stderr.write(`${error.message}\n`);
        setExit(EXIT.usage);
      }
    });
}
