/**
 * Strict cell parsers shared by the CSV adapters. They return `undefined`
 * instead of throwing so that the caller can name the file, line and column.
 */

// `Number('')` is 0 and `Number('0x10')` is 16: a regex keeps both out.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const TIMESTAMP =
  /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z| ?UTC|[+-]\d{2}(?::?\d{2})?)?)?)?$/i;

/** What a caller accepts beyond dates and timestamps. */
export interface TimestampForms {
  /** `YYYY-MM` as the month's first day (a monthly series); off by default, where a month is a truncated date. */
  readonly month?: boolean;
}

/**
 * Parses a plain decimal number (`12`, `-0.5`, `1e-7`).
 *
 * @returns the number, or `undefined` when the text is not a finite decimal.
 * @example parseDecimal('0.00000080000') // 8e-7
 */
export function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Why a cell is not a number, for the error: `not a number: "…"` and, when
 * the text looks like a spreadsheet's formatting, what to change.
 *
 * @example notANumber('1,234.50') // 'not a number: "1,234.50" (no thousands separators: 1234.50)'
 */
export function notANumber(raw: string | null): string {
  const text = raw ?? '';
  const quoted = `not a number: ${JSON.stringify(raw)}`;
  if (/[$€£¥]/.test(text)) return `${quoted} (no currency symbol)`;
  if (/^\s*[+-]?\d{1,3}(,\d{3})+(\.\d+)?\s*$/.test(text))
    return `${quoted} (no thousands separators: ${text.trim().replaceAll(',', '')})`;
  if (/^\s*[+-]?\d+,\d+\s*$/.test(text)) return `${quoted} (a dot for decimals, not a comma)`;
  return quoted;
}

/**
 * Why a cell is not a timestamp, for the error, with the format to use when
 * the text is a date in another common layout.
 *
 * @example notATimestamp('01/02/2025') // 'not a timestamp: "01/02/2025" (dates are YYYY-MM-DD, …)'
 */
export function notATimestamp(raw: string | null): string {
  const text = (raw ?? '').trim();
  const quoted = `not a timestamp: ${JSON.stringify(raw)}`;
  if (/^\d{4}[/.]\d{1,2}[/.]\d{1,2}\b/.test(text) || /^\d{8}$/.test(text))
    return `${quoted} (dates are YYYY-MM-DD, with dashes)`;
  if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b/.test(text))
    return `${quoted} (dates are YYYY-MM-DD: day and month order is ambiguous here)`;
  if (/^\d{9,13}(\.\d+)?$/.test(text))
    return `${quoted} (epoch numbers are not read: ISO 8601, e.g. 2025-01-31T00:00:00Z)`;
  return quoted;
}

/**
 * Parses a date or timestamp into a canonical ISO-8601 UTC string.
 *
 * Accepts `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]` and the same with `T`,
 * optionally followed by `Z`, ` UTC` (as query engines print it) or an
 * offset (`+02:00`, `+0200`, `+02`), and, when `forms.month` is set, a month
 * as `YYYY-MM` (its first day, as monthly cost reports write it). A value
 * without a zone is UTC, as FOCUS exports are.
 *
 * @returns e.g. `2024-09-18T22:00:00.000Z`, or `undefined` when invalid.
 * @example parseUtcTimestamp('2024-09-18 22:00:00') // '2024-09-18T22:00:00.000Z'
 */
export function parseUtcTimestamp(text: string, forms: TimestampForms = {}): string | undefined {
  const match = TIMESTAMP.exec(text.trim());
  if (match === null) return undefined;
  if (match[3] === undefined && forms.month !== true) return undefined;
  const [, y, mo, d = '1', h = '0', mi = '0', s = '0', fraction = '', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC rolls 2024-02-30 over into March; reject instead.
  if (new Date(local).getUTCDate() !== day) return undefined;
  const offsetMinutes = zoneOffsetMinutes(zone);
  if (offsetMinutes === undefined) return undefined;
  const utc = new Date(local - offsetMinutes * 60_000);
  return Number.isNaN(utc.getTime()) ? undefined : utc.toISOString();
}

function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (zone === undefined || /^(Z| ?UTC)$/i.test(zone)) return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}
