import type { ReportData } from './report-data.js';
import { type Raw, reportTables, type TableId } from './report-tables.js';

/**
 * One CSV field, safe to open in a spreadsheet (RFC 4180 quoting; OWASP's
 * CSV-injection advice): a text that starts with `=`, `+`, `-`, `@`, a tab
 * or a carriage return is prefixed with `'`, so Excel, LibreOffice and
 * Google Sheets show it as text instead of running it as a formula. Numbers
 * are written as numbers, so a negative saving stays a number.
 */
export function csvField(value: Raw): string {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n\t]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One table of the report as CSV (one table per file imports cleanly into a
 * spreadsheet): raw values, shares as 0–1, dollars unrounded, CRLF line ends.
 */
export function renderReportCsv(data: ReportData, table: TableId = 'findings'): string {
  const chosen = reportTables(data).find((t) => t.id === table);
  if (!chosen) throw new Error(`no table ${table}`);
  const lines = [chosen.columns.map((c) => csvField(c.label)).join(',')];
  for (const row of chosen.rows) lines.push(row.map((c) => csvField(c.raw)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
