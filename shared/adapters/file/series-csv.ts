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

// A header is a first line whose first cell has no digit: `timestamp,value`, `Date,Cost,Currency`.
const HEADER_CELL = /^[^\d]*$/;
// A header name that says "this column is the time" when the file has more than two columns.
const TIME_NAME = /time|date|^day$|^period$|^start$/i;

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
 * header: the time is the column named like a time or date (else the first)
 * and the value the one named `value`, unless `columns` names them. A file
 * whose value column cannot be told throws an {@link InputError} naming its
 * columns, as no row of it could be read.
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
      const header = HEADER_CELL.test(item.fields[0] ?? '');
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

/** Finds a column by 1-based position or header name (any case, spaces trimmed). */
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
  const index = names.findIndex((n) => n.trim().toLowerCase() === wanted.trim().toLowerCase());
  if (index < 0)
    throw new InputError(location, `${flag} ${wanted}: no such column; the header has ${names.join(', ')}`);
  return index;
}

/** The time and value columns: as named, else the file's two columns, else told by the header's names. */
function pickColumns(names: readonly string[] | null, wanted: SeriesColumns, location: string): ColumnPick {
  const width = names?.length ?? (wanted.time !== undefined || wanted.value !== undefined ? null : 2);
  const time =
    wanted.time !== undefined
      ? columnIndex(wanted.time, names, location, '--time-column')
      : width === 2 || names === null
        ? 0
        : Math.max(
            0,
            names.findIndex((n) => TIME_NAME.test(n.trim())),
          );
  if (wanted.value !== undefined)
    return { time, value: columnIndex(wanted.value, names, location, '--value-column'), names, width };
  if (width === 2 || width === null) return { time, value: time === 0 ? 1 : 0, names, width };
  const named = names?.findIndex((n, i) => i !== time && n.trim().toLowerCase() === 'value') ?? -1;
  if (named >= 0) return { time, value: named, names, width };
  throw new InputError(
    location,
    `${width} columns (${names?.join(', ')}): say which holds the value with --value-column NAME (and the time with --time-column NAME if it is not ${names?.[time]})`,
  );
}

/** What a row must look like, for an error: `2 fields (timestamp,value)`, `3 fields (Date,Cost,Unit)`, `at least 4 fields`. */
function rowShape(pick: ColumnPick, width: number): string {
  if (pick.width === null) return `at least ${width} fields`;
  return `${width} fields (${pick.names?.join(',') ?? 'timestamp,value'})`;
}

function toRow(fields: readonly string[], pick: ColumnPick, line: number, location: string): SeriesRow {
  const rawTime = fields[pick.time] ?? '';
  const rawValue = fields[pick.value] ?? '';
  const timestamp = parseUtcTimestamp(rawTime) ?? null;
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
