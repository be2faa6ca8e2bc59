import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { readEventsJsonl } from '../../shared/adapters/file/events-jsonl.js';
import { FileStateStore } from '../../shared/adapters/file/state-file.js';
import { ConfigError, InputError } from '../../shared/core/errors.js';
import { reportFromEvents } from '../../shared/report/from-events.js';
import { reportFromState } from '../../shared/report/from-state.js';
import { REPORT_FORMATS, type ReportFormat, renderReport } from '../../shared/report/render-report.js';
import type { ReportData } from '../../shared/report/report-data.js';
import { TABLE_IDS, type TableId } from '../../shared/report/report-tables.js';
import { type CliIo, EXIT } from '../io.js';

export interface ReportOptions {
  readonly state?: string;
  readonly events?: string;
  readonly format: ReportFormat;
  readonly out?: string;
  readonly table?: TableId;
  readonly now?: string;
  /** Terminal width for `--format table`; default the terminal's, else 100. */
  readonly width?: number;
}

/** `report`: renders a state or an events file; reads only, never changes state. */
export function registerReport(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('report')
    .description(
      'show open findings, coverage, anomalies and probes from a state or events file (reads only)',
    )
    .option('--state <file>', 'state file written by `run --state` (full scorecards and trends)')
    .option(
      '--events <file>',
      'JSONL events file written by `run --out` (open findings from their lifecycle)',
    )
    .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMATS).default('table'))
    .option('--out <file>', 'write to this file instead of stdout')
    .addOption(new Option('--table <table>', 'the table a CSV holds').choices(TABLE_IDS).default('findings'))
    .option('--now <iso-time>', 'count ages to this time (default: now)')
    .action(async (options: ReportOptions) => setExit(await reportCommand(options, io)));
}

/** The `report` command, callable from tests. Returns the exit code. */
export async function reportCommand(options: ReportOptions, io: CliIo): Promise<number> {
  let data: ReportData;
  try {
    data = await loadReport(options);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
  const width = options.width ?? (io.stdout as { columns?: number }).columns ?? 100;
  const text = renderReport(data, options.format, { width, ...(options.table && { table: options.table }) });
  if (options.out) {
    const path = resolve(options.out);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    io.stderr.write(`report written to ${path}\n`);
  } else {
    io.stdout.write(text);
  }
  return EXIT.ok;
}

/** The report's data from `--state` or `--events`. Bad usage or input is an InputError. */
export async function loadReport(
  options: Pick<ReportOptions, 'state' | 'events' | 'now'>,
): Promise<ReportData> {
  if (options.state && options.events)
    throw new ConfigError('report', 'use either --state or --events, not both');
  const asOf = options.now ? new Date(options.now) : new Date();
  if (Number.isNaN(asOf.getTime())) throw new ConfigError('--now', `not an ISO time: ${options.now}`);
  if (options.events) {
    return reportFromEvents(readEventsJsonl(options.events), {
      asOf,
      source: `events file ${options.events}`,
    });
  }
  if (!options.state)
    throw new ConfigError(
      'report',
      'give --state FILE (written by `run --state`) or --events FILE.jsonl (written by `run --out`); `npm start` writes the example report.html',
    );
  if (!existsSync(options.state)) throw new InputError(options.state, 'state file not found');
  const states = await new FileStateStore(options.state).loadAll();
  return reportFromState(states, { asOf, source: `state file ${options.state}` });
}
