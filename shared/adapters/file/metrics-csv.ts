import { InputError } from '../../core/errors.js';
import { type CsvSource, csvSourceName, readCsvRecords } from './csv-reader.js';
import { notANumber, notATimestamp, parseDecimal, parseUtcTimestamp } from './csv-values.js';

/** The largest metric value a row may carry: far past any count, byte total or latency, far from overflow. */
export const MAX_METRIC_VALUE = 1e30;

/** One datapoint of a metric query. */
export interface MetricPoint {
  /** ISO-8601 UTC. */
  timestamp: string;
  value: number;
}

/** Datapoints per query id, each series sorted by time, and one error per bad line. */
export interface MetricsCsvResult {
  series: Map<string, MetricPoint[]>;
  errors: InputError[];
}

const COLUMNS = ['Timestamp', 'Id', 'Value'] as const;

/**
 * Parses `metrics.csv` (`Timestamp,Id,Value`), where `Id` names a metric
 * query in the config as a `GetMetricData` query id does. Header names are
 * matched case-insensitively, in any order.
 *
 * A bad line, or a second value for the same id and timestamp, is reported as
 * `file:line: Column: …` and skipped.
 *
 * @throws InputError when the header lacks a column or the file is empty.
 * @example
 * const { series } = await parseMetricsCsv({ path: 'metrics.csv' });
 * series.get('requests'); // [{ timestamp: '2024-09-01T00:00:00.000Z', value: 1200 }, …]
 */
export async function parseMetricsCsv(source: CsvSource): Promise<MetricsCsvResult> {
  const name = csvSourceName(source);
  const series = new Map<string, MetricPoint[]>();
  const seen = new Map<string, number>();
  const errors: InputError[] = [];
  let index: Record<(typeof COLUMNS)[number], number> | undefined;
  for await (const item of readCsvRecords(source)) {
    if ('error' in item) {
      errors.push(item.error);
      continue;
    }
    if (index === undefined) {
      index = indexHeader(name, item.fields);
      continue;
    }
    const location = `${name}:${item.line}`;
    const [rawTime = '', id = '', rawValue = ''] = [
      item.fields[index.Timestamp],
      item.fields[index.Id],
      item.fields[index.Value],
    ];
    const timestamp = parseUtcTimestamp(rawTime);
    const value = parseDecimal(rawValue);
    if (timestamp === undefined)
      errors.push(new InputError(location, `Timestamp: ${notATimestamp(rawTime)}`));
    else if (id.trim() === '') errors.push(new InputError(location, 'Id: empty'));
    else if (value === undefined) errors.push(new InputError(location, `Value: ${notANumber(rawValue)}`));
    else if (Math.abs(value) > MAX_METRIC_VALUE)
      errors.push(new InputError(location, `Value: ${rawValue} is out of range (at most 1e30)`));
    else {
      const key = `${id}\u0000${timestamp}`;
      const firstLine = seen.get(key);
      if (firstLine !== undefined) {
        errors.push(
          new InputError(location, `Timestamp: duplicate of line ${firstLine} for Id ${JSON.stringify(id)}`),
        );
        continue;
      }
      seen.set(key, item.line);
      const points = series.get(id) ?? [];
      points.push({ timestamp, value });
      series.set(id, points);
    }
  }
  if (index === undefined) throw new InputError(name, 'empty file: expected a Timestamp,Id,Value header');
  for (const points of series.values()) points.sort(byTimestamp);
  return { series, errors };
}

function indexHeader(name: string, header: readonly string[]): Record<(typeof COLUMNS)[number], number> {
  const lower = header.map((column) => column.trim().toLowerCase());
  const find = (column: string): number => lower.indexOf(column.toLowerCase());
  const missing = COLUMNS.filter((column) => find(column) === -1);
  if (missing.length > 0)
    throw new InputError(name, `missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  return { Timestamp: find('Timestamp'), Id: find('Id'), Value: find('Value') };
}

function byTimestamp(a: MetricPoint, b: MetricPoint): number {
  return a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0;
}
