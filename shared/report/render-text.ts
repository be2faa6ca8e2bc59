import type { ReportData } from './report-data.js';
import { type ReportTable, reportTables } from './report-tables.js';

/** A text column wider than this is cut, so one long name cannot push the others off. */
const FIXED_MAX = 28;
/** Text columns are narrowed to fit the terminal, but never below this. */
const SHRINK_MIN = 10;
/** Below this, the flexible column (the summary) goes on its own indented line under its row. */
const INLINE_MIN = 36;
const INDENT = '    ';
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

/** Wraps text into lines of at most `width`, at spaces; only a word longer than a line is broken. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > width) {
      if (line) lines.push(line);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      line = '';
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [''];
}

function renderTable(table: ReportTable, width: number): string[] {
  const lines = [table.title, '-'.repeat(Math.min(width, table.title.length))];
  if (table.rows.length === 0) return [...lines, table.empty, ''];
  const texts = table.rows.map((row) => row.map((c) => terminalSafe(c.text)));
  const flexible = table.columns.findIndex((c) => c.flexible);
  const widths = table.columns.map((col, i) =>
    col.flexible
      ? 0
      : Math.min(FIXED_MAX, Math.max(col.label.length, ...texts.map((r) => (r[i] ?? '').length))),
  );
  const fixedColumns = table.columns.map((_, i) => i).filter((i) => i !== flexible);
  const fixedWidth = () =>
    fixedColumns.reduce((sum, i) => sum + (widths[i] ?? 0), 0) + GAP.length * (fixedColumns.length - 1);
  // Narrow the widest text column (names, never numbers) until the row fits.
  while (fixedWidth() > width) {
    let widest = -1;
    for (const i of fixedColumns)
      if (
        !table.columns[i]?.numeric &&
        !table.columns[i]?.keep &&
        (widths[i] ?? 0) > SHRINK_MIN &&
        (widest < 0 || (widths[i] ?? 0) > (widths[widest] ?? 0))
      )
        widest = i;
    if (widest < 0) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  const room = width - fixedWidth() - GAP.length;
  const inline = flexible >= 0 && room >= INLINE_MIN;
  const cells = (row: readonly string[]) =>
    fixedColumns.map((i) => {
      const w = widths[i] ?? 0;
      const cut = cutAtWord(row[i] ?? '', w);
      return table.columns[i]?.numeric ? cut.padStart(w) : cut.padEnd(w);
    });
  const header = fixedColumns.map((i) => table.columns[i]?.label.toUpperCase() ?? '');
  lines.push(
    cells(header)
      .concat(inline ? [table.columns[flexible]?.label.toUpperCase() ?? ''] : [])
      .join(GAP)
      .trimEnd(),
  );
  for (const row of texts) {
    const left = cells(row).join(GAP);
    if (flexible < 0) {
      lines.push(left.trimEnd());
      continue;
    }
    // One line: a summary's first 130 characters stand alone, and the cut falls between words.
    const text = (row[flexible] ?? '').replace(/\s+/g, ' ');
    if (inline) lines.push(`${left}${GAP}${cutAtWord(text, room)}`.trimEnd());
    else lines.push(left.trimEnd(), `${INDENT}${cutAtWord(text, width - INDENT.length)}`);
  }
  return [...lines, ''];
}

/**
 * The report for a terminal: one table per section, at most `width`
 * columns wide. Names are narrowed first; numbers, ids and dates are never
 * cut. The summary (or drivers) column takes one line, cut between words:
 * beside the row when there is room, under it otherwise.
 */
export function renderReportText(data: ReportData, width = 100): string {
  const lines = [
    `finops-guardrails report as of ${data.asOf.slice(0, 16)}Z, from ${terminalSafe(data.source)}`,
    '',
  ];
  for (const table of reportTables(data)) lines.push(...renderTable(table, width));
  for (const note of data.notes) lines.push(...wrapWords(`Note: ${terminalSafe(note)}`, width));
  return `${lines.join('\n').trimEnd()}\n`;
}
