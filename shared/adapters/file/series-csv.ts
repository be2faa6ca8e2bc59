import { InputError } from '../../core/errors.js';
import { type CsvSource, csvSourceName, readCsvRecords } from './csv-reader.js';
import { parseDecimal, parseUtcTimestamp } from './csv-values.js';

/** One point of a `detect` series; `value` is `null` for a gap. */
export interface SeriesPoint {
  /** ISO-8601 UTC. */
  timestamp: string;
  value: number | null;
}

/** The series sorted by time, and one error per bad line. */
export interface SeriesCsvResult {
  points: SeriesPoint[];
  errors: InputError[];
}

// A header is a first line whose first cell has no digit: `timestamp,value`, `date,cost`.
const HEADER_CELL = /^[^\d]*$/;

/**
 * Parses the `detect` input: `timestamp,value`, header optional. An empty
 * value is a gap (`null`). A bad line, or a timestamp already seen, is
 * reported as `file:line: …` and skipped; the first occurrence is kept.
 *
 * @example
 * const { points } = await parseSeriesCsv({ text: 'timestamp,value\n2024-09-01,12.5\n2024-09-02,\n', name: 'stdin' });
 * // [{ timestamp: '2024-09-01T00:00:00.000Z', value: 12.5 }, { timestamp: '2024-09-02T00:00:00.000Z', value: null }]
 */
export async function parseSeriesCsv(source: CsvSource): Promise<SeriesCsvResult> {
  const name = csvSourceName(source);
  const points: SeriesPoint[] = [];
  const errors: InputError[] = [];
  const seen = new Map<string, number>();
  let first = true;
  for await (const item of readCsvRecords(source)) {
    if ('error' in item) {
      errors.push(item.error);
      continue;
    }
    const [rawTime = '', rawValue = ''] = item.fields;
    if (first && item.fields.length === 2 && HEADER_CELL.test(rawTime)) {
      first = false;
      continue;
    }
    first = false;
    const point = toPoint(item.fields, rawTime, rawValue, `${name}:${item.line}`);
    if (point instanceof InputError) {
      errors.push(point);
      continue;
    }
    const firstLine = seen.get(point.timestamp);
    if (firstLine !== undefined) {
      errors.push(new InputError(`${name}:${item.line}`, `timestamp: duplicate of line ${firstLine}`));
      continue;
    }
    seen.set(point.timestamp, item.line);
    points.push(point);
  }
  points.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  return { points, errors };
}

function toPoint(
  fields: readonly string[],
  rawTime: string,
  rawValue: string,
  location: string,
): SeriesPoint | InputError {
  if (fields.length !== 2)
    return new InputError(location, `expected 2 fields (timestamp,value), found ${fields.length}`);
  const timestamp = parseUtcTimestamp(rawTime);
  if (timestamp === undefined)
    return new InputError(location, `timestamp: not a timestamp: ${JSON.stringify(rawTime)}`);
  if (rawValue.trim() === '') return { timestamp, value: null };
  const value = parseDecimal(rawValue);
  if (value === undefined)
    return new InputError(location, `value: not a number: ${JSON.stringify(rawValue)}`);
  return { timestamp, value };
}
