import { type Command, InvalidArgumentError } from 'commander';
import { parseSeriesCsv } from '../../shared/adapters/file/series-csv.js';
import {
  type DetectedPoint,
  type DetectorOptions,
  detectAnomalies,
  inferPeriod,
} from '../../shared/checks/cost-anomaly/detector.js';
import { InputError } from '../../shared/core/errors.js';
import { type CliIo, EXIT } from '../io.js';

export interface DetectOptions {
  readonly input: string;
  readonly period?: number;
  readonly json?: boolean;
  readonly minImpact?: number;
  readonly relativeThreshold?: number;
  readonly zThreshold?: number;
}

const COLUMNS = ['timestamp', 'value', 'expected', 'lower', 'upper', 'score', 'anomaly'] as const;

function numberArg(kind: 'int' | 'number') {
  return (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || (kind === 'int' && !Number.isInteger(value)))
      throw new InvalidArgumentError(`not ${kind === 'int' ? 'an integer' : 'a number'}: ${raw}`);
    return value;
  };
}

/** `detect`: the anomaly detector on any `timestamp,value` series. */
export function registerDetect(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('detect')
    .description('score every point of a timestamp,value series against a seasonal baseline')
    .requiredOption('-i, --input <file>', 'CSV of timestamp,value (header optional, empty value = gap)')
    .option(
      '--period <n>',
      'points per season (default: inferred, 7 for daily, 24 for hourly)',
      numberArg('int'),
    )
    .option('--json', 'one JSON object per line instead of CSV')
    .option(
      '--min-impact <x>',
      'smallest |value - expected| to flag, in the series unit',
      numberArg('number'),
    )
    .option('--relative-threshold <x>', 'smallest |value - expected| / expected to flag', numberArg('number'))
    .option('--z-threshold <x>', 'robust sigmas beyond which a point can be flagged', numberArg('number'))
    .action(async (options: DetectOptions) => setExit(await detectCommand(options, io)));
}

/** Formats a number for the CSV: at most 4 decimals, no trailing zeros. */
function cell(value: number | null): string {
  return value === null ? '' : String(Number(value.toFixed(4)));
}

function line(point: DetectedPoint, json: boolean): string {
  const row = {
    timestamp: point.timestamp,
    value: point.value,
    expected: Number(point.expected.toFixed(4)),
    lower: Number(point.lower.toFixed(4)),
    upper: Number(point.upper.toFixed(4)),
    score: Number(point.score.toFixed(4)),
    anomaly: point.anomaly,
  };
  if (json) return JSON.stringify(row);
  return [
    row.timestamp,
    cell(row.value),
    cell(row.expected),
    cell(row.lower),
    cell(row.upper),
    cell(row.score),
    String(row.anomaly),
  ].join(',');
}

/**
 * The `detect` command, callable from tests. Bad lines go to stderr as
 * `file:line: …` and the rest is still scored. Exit 0; 2 when the input
 * cannot be read, holds no point, or had a bad line (a bad file is never a success).
 */
export async function detectCommand(options: DetectOptions, io: CliIo): Promise<number> {
  try {
    const { points, errors } = await parseSeriesCsv({ path: options.input });
    for (const error of errors) io.stderr.write(`${error.message}\n`);
    if (points.length === 0) throw new InputError(options.input, 'no point to score');
    const detectorOptions: Partial<DetectorOptions> = {
      period: options.period ?? inferPeriod(points.map((p) => p.timestamp)),
      ...(options.minImpact !== undefined && { minImpact: options.minImpact }),
      ...(options.relativeThreshold !== undefined && { relativeThreshold: options.relativeThreshold }),
      ...(options.zThreshold !== undefined && { zThreshold: options.zThreshold }),
    };
    const detected = detectAnomalies(points, detectorOptions);
    const lines = detected.map((p) => line(p, options.json === true));
    io.stdout.write(`${options.json ? '' : `${COLUMNS.join(',')}\n`}${lines.join('\n')}\n`);
    return errors.length > 0 ? EXIT.usage : EXIT.ok;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
}
