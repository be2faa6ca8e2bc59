import { type Command, InvalidArgumentError, Option } from 'commander';
import { parseSeriesCsv, type SeriesRow } from '../../shared/adapters/file/series-csv.js';
import { DAY_MS } from '../../shared/checks/cost-anomaly/detector/time-grid.js';
import {
  type DetectedPoint,
  type DetectorOptions,
  type DuplicatePolicy,
  detectSeries,
  type SeriesPoint,
} from '../../shared/checks/cost-anomaly/detector.js';
import { InputError } from '../../shared/core/errors.js';
import { type CliIo, EXIT, stderrLog } from '../io.js';

export interface DetectOptions {
  readonly input: string;
  readonly period?: number;
  readonly json?: boolean;
  readonly minImpact?: number;
  readonly relativeThreshold?: number;
  readonly zThreshold?: number;
  readonly duplicates?: DuplicatePolicy;
  readonly timeColumn?: string;
  readonly valueColumn?: string;
}

const DUPLICATE_POLICIES: readonly DuplicatePolicy[] = ['auto', 'sum', 'mean', 'last'];

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
      '--value-column <name>',
      'the column holding the value, by header name or 1-based number (needed when a file has more than two columns and none is named value)',
    )
    .option(
      '--time-column <name>',
      'the column holding the time, by header name or 1-based number (default: the column named like a time or date, else the first)',
    )
    .option(
      '--period <n>',
      'points per season (default: from the interval: 7 for daily, 24 for hourly, 288 for 5-minute data)',
      numberArg('int'),
    )
    .addOption(
      new Option(
        '--duplicates <how>',
        'rows sharing a timestamp: sum them, take their mean or the last one; auto keeps one of identical repeats (or of a set of rows delivered twice) and sums or averages differing values, whichever fits the neighbours',
      )
        .choices(DUPLICATE_POLICIES)
        .default('auto'),
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

const round4 = (value: number) => Number(value.toFixed(4));

/** One output row: a verdict, or a row that has no place in time (its timestamp could not be read). */
function line(row: SeriesRow, point: DetectedPoint | null, json: boolean): string {
  const out = point
    ? {
        timestamp: point.timestamp,
        value: point.value,
        expected: round4(point.expected),
        lower: round4(point.lower),
        upper: round4(point.upper),
        score: round4(point.score),
        anomaly: point.anomaly,
      }
    : {
        timestamp: row.rawTimestamp,
        value: null,
        expected: null,
        lower: null,
        upper: null,
        score: 0,
        anomaly: false,
      };
  if (json) return JSON.stringify(out);
  return [
    // A timestamp as written may hold a comma or a quote: quote it as CSV does.
    /[",\n]/.test(out.timestamp) ? `"${out.timestamp.replaceAll('"', '""')}"` : out.timestamp,
    cell(out.value),
    cell(out.expected),
    cell(out.lower),
    cell(out.upper),
    cell(out.score),
    String(out.anomaly),
  ].join(',');
}

/** Bad lines reported one by one, this many at most: a file bad throughout is named, not printed twice over. */
const MAX_LINE_REPORTS = 20;

/** Writes a line's problem to stderr, up to `MAX_LINE_REPORTS`; `finish` counts the rest. */
function lineReporter(io: CliIo, file: string): ((message: string) => void) & { finish(): void } {
  let count = 0;
  const report = (message: string) => {
    count++;
    if (count <= MAX_LINE_REPORTS) io.stderr.write(`${message}\n`);
  };
  return Object.assign(report, {
    finish() {
      if (count > MAX_LINE_REPORTS)
        io.stderr.write(`${file}: ${count - MAX_LINE_REPORTS} more line(s) with a problem, not shown\n`);
    },
  });
}

/** The points the detector can score, and for each row the index of its point (-1 for none). */
function pointsOf(
  rows: readonly SeriesRow[],
  report: (message: string) => void,
  file: string,
): { points: SeriesPoint[]; pointOf: Int32Array } {
  const points: SeriesPoint[] = [];
  const pointOf = new Int32Array(rows.length).fill(-1);
  rows.forEach((row, i) => {
    if (row.timestamp === null) return;
    let value = row.value;
    if (value !== null && value < 0) {
      // Negative values (credits, refunds) have no place in the detector's model: a gap, said out loud.
      report(`${file}:${row.line}: value: negative (${value}): scored as a gap`);
      value = null;
    }
    pointOf[i] = points.length;
    points.push({ timestamp: row.timestamp, value });
  });
  return { points, pointOf };
}

/**
 * The latest point's date when the series is daily (every timestamp a midnight, the latest two a day
 * apart: not a monthly series) and that point is a flagged drop.
 */
function latestDayDrop(points: readonly DetectedPoint[]): string | null {
  let latest = '';
  let before = '';
  for (const p of points) {
    if (!p.timestamp.endsWith('T00:00:00.000Z')) return null;
    if (p.timestamp > latest) [before, latest] = [latest, p.timestamp];
    else if (p.timestamp < latest && p.timestamp > before) before = p.timestamp;
  }
  if (before === '' || Date.parse(latest) - Date.parse(before) !== DAY_MS) return null;
  const point = points.find((p) => p.timestamp === latest);
  return point?.anomaly && point.direction === 'down' ? latest.slice(0, 10) : null;
}

/**
 * The `detect` command, callable from tests. It prints exactly one row per
 * input row, in input order (rows sharing a timestamp share its verdict).
 * Bad lines go to stderr as `file:line: …` and still get a row; notes on
 * the series (duplicates combined, irregular timestamps) go to stderr as
 * warnings. Exit 0; 2 when the input cannot be read, holds no point, or had
 * a bad line (a bad file is never a success).
 */
export async function detectCommand(options: DetectOptions, io: CliIo): Promise<number> {
  try {
    const { rows, errors } = await parseSeriesCsv(
      { path: options.input },
      {
        ...(options.timeColumn !== undefined && { time: options.timeColumn }),
        ...(options.valueColumn !== undefined && { value: options.valueColumn }),
      },
    );
    const report = lineReporter(io, options.input);
    for (const error of errors) report(error.message);
    const { points, pointOf } = pointsOf(rows, report, options.input);
    report.finish();
    if (points.length === 0) throw new InputError(options.input, 'no point to score');
    const detectorOptions: Partial<DetectorOptions> = {
      ...(options.period !== undefined && { period: options.period }),
      ...(options.duplicates !== undefined && { duplicates: options.duplicates }),
      ...(options.minImpact !== undefined && { minImpact: options.minImpact }),
      ...(options.relativeThreshold !== undefined && { relativeThreshold: options.relativeThreshold }),
      ...(options.zThreshold !== undefined && { zThreshold: options.zThreshold }),
    };
    const detected = detectSeries(points, detectorOptions);
    const log = stderrLog(io);
    for (const warning of detected.warnings) log.warn(`${options.input}: ${warning}`);
    const partial = latestDayDrop(detected.points);
    if (partial)
      log.warn(
        `${options.input}: the latest day, ${partial}, is flagged as a drop; billing exports fill in their latest day or two over the next 24 to 48 hours: if that day is incomplete, leave it out`,
      );
    const json = options.json === true;
    const lines = rows.map((row, i) => {
      const k = pointOf[i] as number;
      return line(row, k < 0 ? null : (detected.points[k] as DetectedPoint), json);
    });
    io.stdout.write(`${json ? '' : `${COLUMNS.join(',')}\n`}${lines.join('\n')}\n`);
    return errors.length > 0 ? EXIT.usage : EXIT.ok;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
}
