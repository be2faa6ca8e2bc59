import { dirname, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { roleAssumer } from '../../shared/adapters/aws/assume-role.js';
import { JsonlSink } from '../../shared/adapters/file/jsonl-sink.js';
import { FileStateStore } from '../../shared/adapters/file/state-file.js';
import { MemoryStateStore } from '../../shared/adapters/memory/memory-state.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import type { CheckName } from '../../shared/core/constants.js';
import { ConfigError, InputError, LeaseHeldError } from '../../shared/core/errors.js';
import { type RunReport, runCheck } from '../../shared/core/pipeline.js';
import type { Sink, StateStore } from '../../shared/core/ports.js';
import { badInputOf } from '../../shared/core/scan-gap.js';
import { SEVERITIES, type Severity } from '../../shared/core/severity.js';
import {
  CHECK_ALIASES,
  CHECK_FACTORIES,
  type CheckBuildOptions,
  type SourceMode,
} from '../../shared/runtime/check-registry.js';
import { configuredSinks } from '../../shared/runtime/configured-sinks.js';
import { cliAwsRegion } from '../aws-region.js';
import { loadCliConfig } from '../config-hint.js';
import { failOnMessage } from '../fail-on.js';
import { type CliIo, EXIT, stderrLog } from '../io.js';
import { renderEventTable } from '../render/event-table.js';
import { runHints } from '../run-hints.js';
import { renderOptions, writeRunOutput } from '../run-output.js';
import { JsonLinesStdoutSink, TableStdoutSink } from '../stdout-sink.js';

export interface RunOptions {
  readonly config: string;
  readonly source: SourceMode;
  readonly only?: string;
  readonly state?: string;
  readonly baseline?: string;
  readonly out?: string;
  readonly json?: boolean;
  readonly failOn?: Severity;
  readonly data?: string;
  readonly now?: string;
  readonly dryRun?: boolean;
  readonly region?: string;
}

/** `run`: every selected check through the pipeline; one failing check does not stop the others. */
export function registerRun(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('run the checks and deliver their events')
    .option('-c, --config <file>', 'config file', 'guardrails.config.yaml')
    .addOption(
      new Option('--source <mode>', 'where to read the world from').choices(['file', 'aws']).default('file'),
    )
    .option('--only <checks>', 'comma-separated: tags, costs, policy, probes')
    .option('--state <file>', 'state file; without it every finding is new')
    .option('--baseline <file>', 'start from this state file but never write it (what-if runs, the demo)')
    .option('--out <file>', 'also append the events to this JSONL file')
    .option('--json', 'one event envelope per line on stdout, nothing else')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is this severe or worse').choices(SEVERITIES),
    )
    .option('--data <dir>', "directory of the local files (default: the config file's directory)")
    .option('--now <iso-time>', 'the time to judge at (default: now)')
    .option('--dry-run', 'read and judge, print the events, but deliver nowhere and change no state')
    .option(
      '--region <region>',
      'AWS mode: region of STS and of metric queries without one (default: AWS_REGION, the profile, then deployment.toolingRegion)',
    )
    .action(async (options: RunOptions) => setExit(await runCommand(options, io)));
}

/** What a caller can hand the check factories beyond the config: the demo's loopback probe targets. */
export type RunExtras = Pick<CheckBuildOptions, 'probe'> & { readonly state?: StateStore };

/** The `run` command, callable from tests and the demo. Returns the exit code. */
export async function runCommand(options: RunOptions, io: CliIo, extras: RunExtras = {}): Promise<number> {
  const log = stderrLog(io);
  let config: GuardrailsConfig;
  let checks: CheckName[];
  let now: Date;
  try {
    config = loadCliConfig(options.config);
    checks = selectChecks(options.only);
    now = parseNow(options.now);
    if (options.state && options.baseline)
      throw new ConfigError('--baseline', 'use either --state or --baseline');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
  let state: StateStore;
  try {
    state = extras.state ?? (await openState(options));
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
  // Before any AWS call: STS needs a region, and a missing one must be named, not fail as "Region is missing".
  const region = options.source === 'aws' ? await cliAwsRegion(options.region, config, log) : undefined;
  const table = new TableStdoutSink(io.stdout, (events) =>
    renderEventTable(events, renderOptions(io, config)),
  );
  const sinks: Sink[] = [options.json ? new JsonLinesStdoutSink(io.stdout) : table];
  if (!options.dryRun) {
    if (options.out) sinks.push(new JsonlSink(options.out));
    sinks.push(
      ...(await configuredSinks(config, {
        mode: options.source,
        callerAccountId: async () =>
          (
            await roleAssumer({
              purpose: 'cli',
              ...(region !== undefined && { sts: { region } }),
            }).callerIdentity()
          ).accountId,
      })),
    );
  }
  const dataDir = resolve(options.data ?? dirname(options.config));

  const reports: RunReport[] = [];
  const failures: Array<{ check: string; error: unknown }> = [];
  for (const name of checks) {
    const factory = CHECK_FACTORIES[name];
    if (!factory) continue;
    log.info(`running ${name} (${options.source}${options.dryRun ? ', dry run' : ''})`);
    try {
      const check = factory({
        mode: options.source,
        config,
        dataDir,
        log,
        ...(region !== undefined && { region }),
        ...extras,
      });
      reports.push(await runCheck(check, { config, state, sinks, now, log }));
    } catch (error) {
      if (error instanceof LeaseHeldError) {
        io.stderr.write(`error: ${error.message}\n`);
        return EXIT.locked;
      }
      failures.push({ check: name, error });
      io.stderr.write(`error: ${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }

  io.stderr.write(
    runHints({
      source: options.source,
      dataEndsOn: log.dataEndsOn(),
      now,
      reports,
      failures: failures.map((f) => (f.error instanceof Error ? f.error.message : String(f.error))),
    }),
  );
  writeRunOutput(io, {
    printed: table.events.length,
    reports,
    failed: failures.map((f) => f.check),
    config,
    json: Boolean(options.json),
    dryRun: Boolean(options.dryRun),
  });

  return exitCode(reports, failures, options.failOn, (findings, severity) => {
    const crossed = failOnMessage(findings, severity, renderOptions(io, config).width);
    if (crossed) io.stderr.write(crossed);
    return crossed !== '';
  });
}

/**
 * 3 when a check failed for another reason than bad input; else 2 when a
 * check failed on bad input or a scope failed on it (a scan gap whose input
 * is named); else 1 when a finding reached `--fail-on` (`crossed` names them
 * on stderr); else 0.
 */
function exitCode(
  reports: readonly RunReport[],
  failures: ReadonlyArray<{ check: string; error: unknown }>,
  failOn: Severity | undefined,
  crossed: (findings: RunReport['findings'], severity: Severity) => boolean,
): number {
  if (failures.some((f) => badInputOf(f.error) === undefined)) return EXIT.failed;
  if (failures.length > 0 || reports.some((r) => r.scope.failed.some((f) => f.input !== undefined)))
    return EXIT.usage;
  if (
    failOn &&
    crossed(
      reports.flatMap((r) => r.findings),
      failOn,
    )
  )
    return EXIT.findings;
  return EXIT.ok;
}

/**
 * The state a run reads and writes: the `--state` file; or memory, seeded
 * from `--baseline` (never written), or from `--state` on a dry run. A state
 * or baseline file that is not valid is an InputError naming the file.
 */
async function openState(options: RunOptions): Promise<StateStore> {
  if (options.state && !options.dryRun) {
    const store = new FileStateStore(options.state);
    await store.loadAll(); // validates the file before anything is collected or delivered
    return store;
  }
  const seed = options.baseline ?? options.state;
  return new MemoryStateStore(seed ? await new FileStateStore(seed).loadAll() : undefined);
}

function selectChecks(only: string | undefined): CheckName[] {
  const all = Object.keys(CHECK_FACTORIES) as CheckName[];
  if (!only) return all;
  const names = only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return names.map((n) => {
    const check = CHECK_ALIASES[n];
    if (!check) throw new ConfigError('--only', `unknown check "${n}" (use tags, costs, policy or probes)`);
    return check;
  });
}

const LATEST_NOW = Date.UTC(9999, 11, 31, 23, 59, 59);

function parseNow(value: string | undefined): Date {
  if (!value) return new Date();
  const time = Date.parse(value);
  // Years past 9999 parse (`+099999-…`) but no deadline or retention can be computed from them.
  if (Number.isNaN(time) || time < 0 || time > LATEST_NOW)
    throw new ConfigError('--now', `not an ISO time between 1970 and 9999: ${value}`);
  return new Date(time);
}
