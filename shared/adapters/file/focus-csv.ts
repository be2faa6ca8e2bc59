import { InputError } from '../../core/errors.js';
import { type CsvSource, csvSourceName, readCsvRecords } from './csv-reader.js';
import { createFocusRowParser, type FocusColumns, type FocusCostColumn, type FocusRow } from './focus-row.js';

export type { ChargeCategory, FocusCostColumn, FocusRow } from './focus-row.js';
export { ChargeCategorySchema, FocusTagsSchema } from './focus-row.js';

/** Options of {@link parseFocusCsv}. */
export interface FocusCsvOptions {
  /** Default: `EffectiveCost`, or `BilledCost` when the file has no `EffectiveCost` column. */
  costColumn?: FocusCostColumn;
}

/** Rows that parsed, and one error per row that did not. */
export interface FocusCsvResult {
  rows: FocusRow[];
  errors: InputError[];
  /** The cost column actually read. */
  costColumn: FocusCostColumn;
}

/** One step of {@link readFocusCsv}: a row, or the error of a row that was skipped. */
export type FocusCsvItem = { row: FocusRow; costColumn: FocusCostColumn } | { error: InputError };

/** Columns that must be in the header, besides the cost column. */
export const FOCUS_REQUIRED_COLUMNS = [
  'ChargePeriodStart',
  'ServiceName',
  'SubAccountId',
  'RegionId',
  'ResourceId',
  'Tags',
] as const;

/**
 * Parses a FOCUS 1.0 (or later) CSV, streaming it record by record.
 *
 * Missing required columns throw an {@link InputError} naming the file and
 * the columns. A bad row is reported in `errors` as `file:line: Column: …`
 * and skipped; every other row is still returned.
 *
 * @example
 * const { rows, errors } = await parseFocusCsv({ path: 'costs.csv' });
 */
export async function parseFocusCsv(
  source: CsvSource,
  options: FocusCsvOptions = {},
): Promise<FocusCsvResult> {
  const rows: FocusRow[] = [];
  const errors: InputError[] = [];
  let costColumn: FocusCostColumn = options.costColumn ?? 'EffectiveCost';
  for await (const item of readFocusCsv(source, options, (column) => (costColumn = column))) {
    if ('error' in item) errors.push(item.error);
    else rows.push(item.row);
  }
  return { rows, errors, costColumn };
}

/**
 * The streaming form of {@link parseFocusCsv}: yields each row (or row
 * error) as it is read, so a caller can aggregate a million rows without
 * keeping them.
 *
 * @param onHeader called once with the cost column chosen from the header.
 */
export async function* readFocusCsv(
  source: CsvSource,
  options: FocusCsvOptions = {},
  onHeader?: (costColumn: FocusCostColumn) => void,
): AsyncGenerator<FocusCsvItem> {
  const name = csvSourceName(source);
  let toRow: ReturnType<typeof createFocusRowParser> | undefined;
  let costColumn: FocusCostColumn = 'EffectiveCost';
  let width = 0;
  for await (const item of readCsvRecords(source)) {
    if ('error' in item) {
      yield { error: item.error };
    } else if (toRow === undefined) {
      costColumn =
        options.costColumn ?? (item.fields.includes('EffectiveCost') ? 'EffectiveCost' : 'BilledCost');
      toRow = createFocusRowParser(indexColumns(name, item.fields, costColumn), costColumn);
      width = item.fields.length;
      onHeader?.(costColumn);
    } else if (item.fields.length !== width) {
      const message = `expected ${width} fields as in the header, found ${item.fields.length}`;
      yield { error: new InputError(`${name}:${item.line}`, message) };
    } else {
      const result = toRow(item.fields, `${name}:${item.line}`);
      yield result instanceof InputError ? { error: result } : { row: result, costColumn };
    }
  }
  if (toRow === undefined) throw new InputError(name, 'empty file: no FOCUS header');
}

function indexColumns(name: string, header: readonly string[], costColumn: FocusCostColumn): FocusColumns {
  const position = new Map(header.map((column, index) => [column.trim(), index]));
  const missing = [...FOCUS_REQUIRED_COLUMNS, costColumn].filter((column) => !position.has(column));
  if (missing.length > 0) {
    const plural = missing.length > 1 ? 's' : '';
    throw new InputError(name, `missing required FOCUS column${plural}: ${missing.join(', ')}`);
  }
  // Every required column is present now; -1 is unreachable.
  const at = (column: string): number => position.get(column) ?? -1;
  return {
    ChargePeriodStart: at('ChargePeriodStart'),
    Cost: at(costColumn),
    ServiceName: at('ServiceName'),
    SubAccountId: at('SubAccountId'),
    RegionId: at('RegionId'),
    ResourceId: at('ResourceId'),
    Tags: at('Tags'),
    ChargeCategory: position.get('ChargeCategory'),
    SkuId: position.get('SkuId'),
    ChargeDescription: position.get('ChargeDescription'),
    ConsumedUnit: position.get('ConsumedUnit'),
    ProviderName: position.get('ProviderName'),
  };
}
