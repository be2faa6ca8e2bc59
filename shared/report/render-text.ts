import type { ReportData } from './report-data.js';
import { type ReportTable, reportTables } from './report-tables.js';

/** A fixed column is cut past this many characters, so one long name cannot push the others off. */
const FIXED_MAX = 28;
const FLEXIBLE_MIN = 20;
const GAP = '  ';

// Control characters (ANSI escapes among them) in a tag value or a name must not reach a terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters removed
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Terminal-safe text: control characters become spaces. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL, ' ');
}

/** Cuts text to `width` at a word boundary (never inside a number), marking the cut. */
export function cutAtWord(text: string, width: number): string {
  if (text.length <= width) return text;
  const room = text.slice(0, Math.max(1, width - 1));
  const space = room.lastIndexOf(' ');
  return `${space > width / 3 ? room.slice(0, space) : room}…`;
}

function renderTable(table: ReportTable, width: number): string[] {
  const lines = [table.title, '-'.repeat(Math.min(width, table.title.length))];
  if (table.rows.length === 0) return [...lines, table.empty, ''];
  const texts = table.rows.map((row) => row.map((c) => terminalSafe(c.text)));
  const widths = table.columns.map((col, i) =>
    col.flexible
      ? 0
      : Math.min(FIXED_MAX, Math.max(col.label.length, ...texts.map((r) => (r[i] ?? '').length))),
  );
  const fixed = widths.reduce((sum, w) => sum + w, 0) + GAP.length * (widths.length - 1);
  const flexible = table.columns.findIndex((c) => c.flexible);
  if (flexible >= 0) widths[flexible] = Math.max(FLEXIBLE_MIN, width - fixed);
  const line = (cells: readonly string[]) =>
    cells
      .map((text, i) => {
        const w = widths[i] ?? 0;
        const cut = cutAtWord(text, w);
        return table.columns[i]?.numeric ? cut.padStart(w) : cut.padEnd(w);
      })
      .join(GAP)
      .trimEnd();
  lines.push(line(table.columns.map((c) => c.label.toUpperCase())));
  for (const row of texts) lines.push(line(row));
  return [...lines, ''];
}

/**
 * The report for a terminal: one table per section, `width` columns wide
 * (the summary and driver columns take what is left, cut at a word).
 */
export function renderReportText(data: ReportData, width = 100): string {
  const lines = [
    `finops-guardrails report as of ${data.asOf.slice(0, 16)}Z, from ${terminalSafe(data.source)}`,
    '',
  ];
  for (const table of reportTables(data)) lines.push(...renderTable(table, width));
  for (const note of data.notes) lines.push(`Note: ${terminalSafe(note)}`);
  return `${lines.join('\n').trimEnd()}\n`;
}
