import * as z from 'zod/mini';
import { InputError } from '../../core/errors.js';
import '../../core/zod-locale.js';
import { notANumber, notATimestamp, parseDecimal, parseUtcTimestamp } from './csv-values.js';

/**
 * The largest cost one row may carry. A trillion dollars is beyond any real
 * line item, and keeps sums of millions of rows far from overflow (the
 * detector refuses values over 1e100 and would fail the whole check).
 */
export const MAX_ROW_COST_USD = 1e12;

/** FOCUS 1.0 `ChargeCategory` values. */
export const ChargeCategorySchema = z.enum(['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment']);
/** A FOCUS charge category. */
export type ChargeCategory = z.infer<typeof ChargeCategorySchema>;

/**
 * FOCUS `Tags`: a JSON object in KeyValueFormat. Values may be strings,
 * numbers, booleans or null (a key without a value); all become strings.
 */
export const FocusTagsSchema = z.pipe(
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  z.transform((tags): Readonly<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(tags)) out[key] = value === null ? '' : String(value);
    return Object.freeze(out);
  }),
);

/** Which cost column to read. */
export type FocusCostColumn = 'EffectiveCost' | 'BilledCost';

/** One charge row of a FOCUS CSV, reduced to what the checks use. */
export interface FocusRow {
  /** Start of the charge period, ISO-8601 UTC (`2024-09-18T22:00:00.000Z`). */
  chargePeriodStart: string;
  /** Value of the chosen cost column. */
  cost: number;
  serviceName: string | null;
  subAccountId: string | null;
  regionId: string | null;
  resourceId: string | null;
  /** Frozen, and shared between rows with the same tags; `{}` when the row has none. */
  tags: Readonly<Record<string, string>>;
  chargeCategory: ChargeCategory | null;
  skuId: string | null;
  chargeDescription: string | null;
  consumedUnit: string | null;
  providerName: string | null;
}

/** Position of each used column in the header; optional columns may be absent. */
export interface FocusColumns {
  ChargePeriodStart: number;
  Cost: number;
  ServiceName: number;
  SubAccountId: number;
  RegionId: number;
  ResourceId: number;
  Tags: number;
  ChargeCategory?: number | undefined;
  SkuId?: number | undefined;
  ChargeDescription?: number | undefined;
  ConsumedUnit?: number | undefined;
  ProviderName?: number | undefined;
}

const NO_TAGS: Readonly<Record<string, string>> = Object.freeze({});

// Past this many distinct values a column is not repetitive; stop remembering it.
const MEMO_LIMIT = 50_000;

/**
 * Hourly exports repeat the same accounts, services, hours and tag sets on
 * every row. Parsing each distinct value once, and sharing the result, keeps
 * a million rows in about half the memory and skips repeated JSON.parse.
 */
function memoize<T>(make: (raw: string) => T): (raw: string) => T {
  const seen = new Map<string, T>();
  return (raw) => {
    const known = seen.get(raw);
    if (known !== undefined) return known;
    const value = make(raw);
    if (seen.size < MEMO_LIMIT) seen.set(raw, value);
    return value;
  };
}

/** FOCUS writes nulls as `NULL` or as an empty field. */
function cell(fields: readonly string[], index: number | undefined): string | null {
  if (index === undefined) return null;
  const value = fields[index];
  return value === undefined || value === '' || value === 'NULL' ? null : value;
}

function parseTags(raw: string): Readonly<Record<string, string>> | Error {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    return new Error(`invalid JSON: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const tags = FocusTagsSchema.safeParse(json);
  return tags.success ? tags.data : new Error('not a JSON object of scalar values');
}

/**
 * Builds the converter from one CSV record to a {@link FocusRow}, for one
 * file: it remembers repeated values across that file's rows.
 *
 * @returns a function giving the row, or an InputError at `location` naming the column.
 */
export function createFocusRowParser(
  columns: FocusColumns,
  costColumn: FocusCostColumn,
): (fields: readonly string[], location: string) => FocusRow | InputError {
  const timestamp = memoize(parseUtcTimestamp);
  const tagsOf = memoize(parseTags);
  const shared = memoize((raw) => raw);
  const text = (fields: readonly string[], index: number | undefined): string | null => {
    const value = cell(fields, index);
    return value === null ? null : shared(value);
  };

  return (fields, location) => {
    const rawStart = cell(fields, columns.ChargePeriodStart);
    const chargePeriodStart = rawStart === null ? undefined : timestamp(rawStart);
    if (chargePeriodStart === undefined) {
      return new InputError(location, `ChargePeriodStart: ${notATimestamp(rawStart)}`);
    }
    const rawCost = cell(fields, columns.Cost);
    const cost = rawCost === null ? undefined : parseDecimal(rawCost);
    if (cost === undefined) {
      return new InputError(location, `${costColumn}: ${notANumber(rawCost)}`);
    }
    if (Math.abs(cost) > MAX_ROW_COST_USD) {
      return new InputError(location, `${costColumn}: ${rawCost} is beyond any bill line (at most 1e12)`);
    }
    const rawTags = cell(fields, columns.Tags);
    const tags = rawTags === null ? NO_TAGS : tagsOf(rawTags);
    if (tags instanceof Error) return new InputError(location, `Tags: ${tags.message}`, { cause: tags });
    const rawCategory = cell(fields, columns.ChargeCategory);
    const category = rawCategory === null ? null : ChargeCategorySchema.safeParse(rawCategory);
    if (category?.success === false) {
      return new InputError(location, `ChargeCategory: unknown value ${JSON.stringify(rawCategory)}`);
    }
    return {
      chargePeriodStart,
      cost,
      serviceName: text(fields, columns.ServiceName),
      subAccountId: text(fields, columns.SubAccountId),
      regionId: text(fields, columns.RegionId),
      // Resource ids are nearly all distinct: remembering them would only cost memory.
      resourceId: cell(fields, columns.ResourceId),
      tags,
      chargeCategory: category?.data ?? null,
      skuId: text(fields, columns.SkuId),
      chargeDescription: text(fields, columns.ChargeDescription),
      consumedUnit: text(fields, columns.ConsumedUnit),
      providerName: text(fields, columns.ProviderName),
    };
  };
}
