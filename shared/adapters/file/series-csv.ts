import { InputError } from '../../core/errors.js';
import { type CsvSource, csvSourceName, readCsvRecords } from './csv-reader.js';
import { notANumber, notATimestamp, parseDecimal, parseUtcTimestamp } from './csv-values.js';

/** One point of a `detect` series; `value` is `null` for a gap. */
export interface SeriesPoint {
  /** ISO-8601 UTC. */
  timestamp: string;
  value: number | null;
}

/** One data row of the file, in file order, as far as it could be read. */
export interface SeriesRow {
  /** 1-based line the row starts on. */
  readonly line: number;
  /** The timestamp as written. */
  readonly rawTimestamp: string;
  /** ISO-8601 UTC, or `null` when the timestamp could not be read. */
  readonly timestamp: string | null;
  /** `null` for an empty cell, or a value that could not be read (then `error` says why). */
  readonly value: number | null;
  /** Why the row could not be read in full, as `file:line: …`. */
  readonly error?: InputError;
}

/** Every data row in file order, the points among them, and one error per row that could not be read. */
export interface SeriesCsvResult {
  rows: SeriesRow[];
  /** The rows with a timestamp, as points, in file order (duplicates and all). */
  points: SeriesPoint[];
  errors: InputError[];
}

// Header names that say "this column is the time": exact names first, then names containing these.
const TIME_NAMES = new Set(['timestamp', 'time', 'date', 'datetime', 'day', 'period', 'start']);
const TIME_WORD = /time|date/i;

/**
 * A header is a first line of two cells or more none of which reads as a
 * timestamp or a number: `timestamp,value`, `Date,Cost,Currency`. A data
 * line always holds a timestamp or a value, even a bad one's other cell.
 */
function isHeader(fields: readonly string[]): boolean {
  return (
    fields.length >= 2 &&
    fields.every((f) => parseUtcTimestamp(f, { month: true }) === undefined && parseDecimal(f) === undefined)
  );
}

/** Which columns hold the time and the value: a header name (any case) or a 1-based position. */
export interface SeriesColumns {
  readonly time?: string;
  readonly value?: string;
}

/** The columns a file's rows are read from. */
interface ColumnPick {
  readonly time: number;
  readonly value: number;
  /** The header's names, or `null` without a header. */
  readonly names: readonly string[] | null;
  /** Fields a row must have: the header's count, 2 for a bare `timestamp,value`, or `null` for "at least enough" (columns given by number). */
  readonly width: number | null;
}

/**
 * Parses the `detect` input: `timestamp,value`, header optional. An empty
 * value is a gap (`null`). Rows are kept in file order, duplicates
 * included (the detector combines them): the output of `detect` has one
 * row per input row. A row that cannot be read in full is reported as
 * `file:line: …` and kept as far as it goes: a bad value becomes a gap, a
 * bad timestamp leaves the row without a place in time.
 *
 * A file with more columns (an export's `Timestamp,Average,Unit`) needs a
 * header, or columns given by number: the time is the column named like a
 * time or date and the value the one named `value`, unless `columns` names
 * them. A file whose columns cannot be told throws an {@link InputError}
 * naming them, once, as no row of it could be read. Dates may also be
 * months (`YYYY-MM`), for monthly series.
 *
 * @example
 * const { points } = await parseSeriesCsv({ text: 'timestamp,value\n2024-09-01,12.5\n2024-09-02,\n', name: 'stdin' });
 * // [{ timestamp: '2024-09-01T00:00:00.000Z', value: 12.5 }, { timestamp: '2024-09-02T00:00:00.000Z', value: null }]
 */
export async function parseSeriesCsv(
  source: CsvSource,
  columns: SeriesColumns = {},
): Promise<SeriesCsvResult> {
  const name = csvSourceName(source);
  const rows: SeriesRow[] = [];
  const errors: InputError[] = [];
  let pick: ColumnPick | null = null;
  for await (const item of readCsvRecords(source)) {
    if ('error' in item) {
      // A record csv-parse could not read (a stray quote): still one row of the file, with nothing in it.
      rows.push({ line: item.line, rawTimestamp: '', timestamp: null, value: null, error: item.error });
      errors.push(item.error);
      continue;
    }
    if (pick === null) {
      const header = isHeader(item.fields);
      pick = pickColumns(header ? item.fields : null, columns, `${name}:${item.line}`);
      if (header) continue;
    }
    const row = toRow(item.fields, pick, item.line, `${name}:${item.line}`);
    rows.push(row);
    if (row.error) errors.push(row.error);
  }
  const points = rows.flatMap((r) =>
    r.timestamp === null ? [] : [{ timestamp: r.timestamp, value: r.value }],
  );
  return { rows, points, errors };
}

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Finds a column by 1-based position or header name (any case, spaces trimmed; a name must be unique). */
function columnIndex(
  wanted: string,
  names: readonly string[] | null,
  location: string,
  flag: string,
): number {
  const position = /^\d+$/.test(wanted.trim()) ? Number(wanted) : undefined;
  if (position !== undefined) {
    if (position < 1 || (names !== null && position > names.length))
      throw new InputError(
        location,
        `${flag} ${wanted}: no such column${names ? ` (${names.length} columns)` : ''}`,
      );
    return position - 1;
  }
  if (names === null)
    throw new InputError(
      location,
      `${flag} ${wanted}: the file has no header line to find that name in; give a column number`,
    );
  const matches = names.flatMap((n, i) => (sameName(n, wanted) ? [i] : []));
  if (matches.length === 0)
    throw new InputError(location, `${flag} ${wanted}: no such column; the header has ${names.join(', ')}`);
  if (matches.length > 1)
    throw new InputError(
      location,
      `${flag} ${wanted}: ${matches.length} columns have that name (${matches.map((i) => i + 1).join(', ')}); give a column number`,
    );
  return matches[0] as number;
}

/** The one column named `name` other than `except`, -1 for none; two of them cannot be told apart. */
function columnIndexByName(names: readonly string[], name: string, except: number, location: string): number {
  const matches = names.flatMap((n, i) => (i !== except && sameName(n, name) ? [i] : []));
  if (matches.length > 1)
    throw new InputError(
      location,
      `${matches.length} columns are named ${name} (${matches.map((i) => i + 1).join(', ')}): say which holds the value with --value-column N`,
    );
  return matches[0] ?? -1;
}

/** The header's time column other than `except`: an exact time name, else one containing time or date, else -1. */
function timeColumnOf(names: readonly string[], except: number): number {
  const exact = names.findIndex((n, i) => i !== except && TIME_NAMES.has(n.trim().toLowerCase()));
  if (exact >= 0) return exact;
  return names.findIndex((n, i) => i !== except && TIME_WORD.test(n));
}

/**
 * The time and value columns: as given, else by the header's names (the
 * time named like one, the value named `value` or the other of two), else
 * the first and second of a bare file. Throws, once, what cannot be told.
 */
function pickColumns(names: readonly string[] | null, wanted: SeriesColumns, location: string): ColumnPick {
  const width = names?.length ?? (wanted.time !== undefined || wanted.value !== undefined ? null : 2);
  const given = {
    time: wanted.time === undefined ? -1 : columnIndex(wanted.time, names, location, '--time-column'),
    value: wanted.value === undefined ? -1 : columnIndex(wanted.value, names, location, '--value-column'),
  };
  let time = given.time;
  if (time < 0) time = names === null ? (given.value === 0 ? 1 : 0) : timeColumnOf(names, given.value);
  if (time < 0 && names !== null && width === 2) time = given.value === 0 ? 1 : 0;
  let value = given.value;
  if (value < 0 && names !== null) value = columnIndexByName(names, 'value', time, location);
  if (value < 0 && width !== null && width <= 2 && time >= 0) value = time === 0 ? 1 : 0;
  if (value < 0 && names === null) value = time === 0 ? 1 : 0;
  if (time < 0 || value < 0) {
    const missing = [
      ...(value < 0 ? ['which holds the value with --value-column NAME'] : []),
      ...(time < 0 ? ['which holds the time with --time-column NAME'] : []),
    ];
    throw new InputError(location, `${width} columns (${names?.join(', ')}): say ${missing.join(' and ')}`);
  }
  if (time === value)
    throw new InputError(location, `the time and the value cannot both be column ${time + 1}`);
  return { time, value, names, width };
}

/** What a row must look like, for an error: `2 fields (timestamp,value)`, `3 fields (Date,Cost,Unit)`, `at least 4 fields`. */
function rowShape(pick: ColumnPick, width: number): string {
  if (pick.width === null) return `at least ${width} fields`;
  return `${width} fields (${pick.names?.join(',') ?? 'timestamp,value'})`;
}

function toRow(fields: readonly string[], pick: ColumnPick, line: number, location: string): SeriesRow {
  const rawTime = fields[pick.time] ?? '';
  const rawValue = fields[pick.value] ?? '';
  const timestamp = parseUtcTimestamp(rawTime, { month: true }) ?? null;
  const base = { line, rawTimestamp: rawTime, timestamp };
  const width = pick.width ?? Math.max(pick.time, pick.value) + 1;
  if (pick.width === null ? fields.length < width : fields.length !== width)
    return {
      ...base,
      value: null,
      error: new InputError(
        location,
        `expected ${rowShape(pick, width)}, found ${fields.length}${
          pick.names === null && pick.width === 2 && fields.length > 2
            ? '; say which column holds the value with --value-column N'
            : ''
        }`,
      ),
    };
  if (timestamp === null)
    return {
      ...base,
      value: null,
      error: new InputError(location, `timestamp: ${notATimestamp(rawTime)}`),
    };
  if (rawValue.trim() === '') return { ...base, value: null };
  const value = parseDecimal(rawValue);
  if (value === undefined)
    return {
      ...base,
      value: null,
      error: new InputError(location, `value: ${notANumber(rawValue)}`),
    };
  return { ...base, value };
}
