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

// A header is a first line whose first cell has no digit: `timestamp,value`, `date,cost`.
const HEADER_CELL = /^[^\d]*$/;

/**
 * Parses the `detect` input: `timestamp,value`, header optional. An empty
 * value is a gap (`null`). Rows are kept in file order, duplicates
 * included (the detector combines them): the output of `detect` has one
 * row per input row. A row that cannot be read in full is reported as
 * `file:line: …` and kept as far as it goes: a bad value becomes a gap, a
 * bad timestamp leaves the row without a place in time.
 *
 * @example
 * const { points } = await parseSeriesCsv({ text: 'timestamp,value\n2024-09-01,12.5\n2024-09-02,\n', name: 'stdin' });
 * // [{ timestamp: '2024-09-01T00:00:00.000Z', value: 12.5 }, { timestamp: '2024-09-02T00:00:00.000Z', value: null }]
 */
export async function parseSeriesCsv(source: CsvSource): Promise<SeriesCsvResult> {
  const name = csvSourceName(source);
  const rows: SeriesRow[] = [];
  const errors: InputError[] = [];
  let first = true;
  for await (const item of readCsvRecords(source)) {
    if ('error' in item) {
      // A record csv-parse could not read (a stray quote): still one row of the file, with nothing in it.
      rows.push({ line: item.line, rawTimestamp: '', timestamp: null, value: null, error: item.error });
      errors.push(item.error);
      continue;
    }
    const [rawTime = '', rawValue = ''] = item.fields;
    if (first && item.fields.length === 2 && HEADER_CELL.test(rawTime)) {
      first = false;
      continue;
    }
    first = false;
    const row = toRow(item.fields, rawTime, rawValue, item.line, `${name}:${item.line}`);
    rows.push(row);
    if (row.error) errors.push(row.error);
  }
  const points = rows.flatMap((r) =>
    r.timestamp === null ? [] : [{ timestamp: r.timestamp, value: r.value }],
  );
  return { rows, points, errors };
}

function toRow(
  fields: readonly string[],
  rawTime: string,
  rawValue: string,
  line: number,
  location: string,
): SeriesRow {
  const timestamp = parseUtcTimestamp(rawTime) ?? null;
  const base = { line, rawTimestamp: rawTime, timestamp };
  if (fields.length !== 2)
    return {
      ...base,
      value: null,
      error: new InputError(location, `expected 2 fields (timestamp,value), found ${fields.length}`),
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
