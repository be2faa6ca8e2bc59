import type { Command } from 'commander';
import type { CliIo } from './io.js';

/** What every command module exports: adds its command, fully defined, to the program. */
export type RegisterCommand = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/**
 * One command as the top-level help lists it, and how to load it. Only the
 * command being run is loaded, so `--help`, `--version` and light commands
 * never evaluate the AWS SDK, zod schemas or the CloudFormation type list.
 */
export interface CommandEntry {
  readonly name: string;
  /** The command's own `.description()`; a test keeps the two equal. */
  readonly summary: string;
  /** How the help lists it: name, `[options]` and arguments (commander's own term; a test checks). */
  readonly term: string;
  readonly load: () => Promise<RegisterCommand>;
}

/** Every command, in the order the help lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    summary: 'run the checks and deliver their events',
    term: 'run [options]',
    load: async () => (await import('./commands/run.js')).registerRun,
  },
  {
    name: 'demo',
    summary: 'run every check on the bundled example organization (no AWS account needed)',
    term: 'demo [options]',
    load: async () => (await import('./commands/demo.js')).registerDemo,
  },
  {
    name: 'report',
    summary: 'show open findings, coverage, anomalies and probes from a state or events file (reads only)',
    term: 'report [options]',
    load: async () => (await import('./commands/report.js')).registerReport,
  },
  {
    name: 'init',
    summary: 'write a commented starter guardrails.config.yaml',
    term: 'init [options]',
    load: async () => (await import('./commands/init.js')).registerInit,
  },
  {
    name: 'doctor',
    summary: 'check that AWS mode can run: region, credentials, roles, cost allocation tags',
    term: 'doctor [options]',
    load: async () => (await import('./commands/doctor.js')).registerDoctor,
  },
  {
    name: 'validate-config',
    summary: 'check a guardrails.config.yaml against the schema',
    term: 'validate-config <file>',
    load: async () => (await import('./commands/validate-config.js')).registerValidateConfig,
  },
  {
    name: 'detect',
    summary: 'score every point of a timestamp,value series against a seasonal baseline',
    term: 'detect [options]',
    load: async () => (await import('./commands/detect.js')).registerDetect,
  },
  {
    name: 'probe',
    summary: 'probe the config targets, or the URLs given, from this machine (exit 1 if any fails)',
    term: 'probe [options] [urls...]',
    load: async () => (await import('./commands/probe.js')).registerProbe,
  },
  {
    name: 'check-template',
    summary:
      'check CloudFormation templates (JSON, YAML, SAM or a cdk.out directory) against the tag and cost policies',
    term: 'check-template [options] <files...>',
    load: async () => (await import('./commands/check-template.js')).registerCheckTemplate,
  },
  {
    name: 'cost-estimate',
    summary: 'estimate the monthly AWS cost of running the guardrails, worked out from the config',
    term: 'cost-estimate [options]',
    load: async () => (await import('./commands/cost-estimate.js')).registerCostEstimate,
  },
  {
    name: 'queue-policy',
    summary: "print the queue and key policy statements an imported incident queue's owner must add",
    term: 'queue-policy [options]',
    load: async () => (await import('./commands/queue-policy.js')).registerQueuePolicy,
  },
];

/**
 * The command an argument vector names: the first word after the program
 * that is not an option (`help run` names `run`). The program's own options
 * (`--help`, `--version`) take no value, so the first bare word is the command.
 *
 * @example
 * commandNamed(['node', 'fg', '--help']); // undefined
 * commandNamed(['node', 'fg', 'help', 'run']); // 'run'
 */
export function commandNamed(argv: readonly string[]): string | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}
