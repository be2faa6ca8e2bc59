import type { Command } from 'commander';
import { type ImportedQueueAccess, importedQueueAccess } from '../../infra/queue-access.js';
import { loadConfig } from '../../shared/config/loader.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { ConfigError } from '../../shared/core/errors.js';
import { type CliIo, EXIT } from '../io.js';

export interface QueuePolicyOptions {
  readonly config?: string;
  /** The tooling account, when the config does not name it (`organization.toolingAccountId`). */
  readonly toolingAccount?: string;
  readonly json?: boolean;
}

/** `queue-policy`: what the owner of an imported incident queue must allow, from infra/queue-access.ts. */
export function registerQueuePolicy(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('queue-policy')
    .description("print the queue and key policy statements an imported incident queue's owner must add")
    .option('-c, --config <file>', 'config file', 'guardrails.config.yaml')
    .option('--tooling-account <id>', 'the tooling account, when the config does not name it')
    .option('--json', 'print the statements as one JSON object')
    .action((options: QueuePolicyOptions) => setExit(queuePolicyCommand(options, io)));
}

/**
 * The `queue-policy` command, callable from tests: prints the statement for
 * the queue's access policy and, with `sinks.sqs.kmsKeyArn`, the one for its
 * key policy; exit 2 on a bad config, no imported queue or no tooling account.
 */
export function queuePolicyCommand(options: QueuePolicyOptions, io: CliIo): number {
  let access: ImportedQueueAccess;
  try {
    const config = loadConfig(options.config ?? 'guardrails.config.yaml');
    access = accessOf(config, options.toolingAccount);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
  if (options.json) {
    io.stdout.write(
      `${JSON.stringify(
        {
          queueArn: access.queueArn,
          queuePolicyStatement: access.queuePolicyStatement,
          keyPolicyStatement: access.keyPolicyStatement ?? null,
        },
        null,
        2,
      )}\n`,
    );
    return EXIT.ok;
  }
  const lines = [
    `# Add to the access policy of ${access.queueArn}:`,
    JSON.stringify(access.queuePolicyStatement, null, 2),
    '',
    access.keyPolicyStatement
      ? `# Add to the key policy of ${access.keyArn}:\n${JSON.stringify(access.keyPolicyStatement, null, 2)}`
      : '# No sinks.sqs.kmsKeyArn: nothing to add to a key policy (SSE-SQS or no encryption needs none).',
    '',
  ];
  io.stdout.write(lines.join('\n'));
  return EXIT.ok;
}

function accessOf(config: GuardrailsConfig, toolingOption: string | undefined): ImportedQueueAccess {
  if (!config.sinks.sqs.queueArn)
    throw new ConfigError('sinks.sqs.queueArn', 'no imported queue: the stack creates its own and grants it');
  const tooling = toolingOption ?? config.organization.toolingAccountId;
  if (!tooling || !/^\d{12}$/.test(tooling)) {
    throw new ConfigError(
      'organization.toolingAccountId',
      'the senders live in the tooling account: name it in the config or with --tooling-account',
    );
  }
  const observer = config.deployment.observer.accountId;
  return importedQueueAccess(config, { tooling, ...(observer && { observer }) });
}
