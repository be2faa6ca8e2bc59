import type { ReportData } from './report-data.js';
import { reportTables } from './report-tables.js';

/**
 * Text safe in a Markdown table cell: HTML is escaped (a renderer would
 * otherwise run a tag value's `<img onerror>`), Markdown punctuation is
 * backslash-escaped so a value cannot make a link or break the table, and
 * line breaks become spaces.
 */
export function markdownCell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]()|!#~])/g, '\\$1');
}

/** The report as GitHub-flavoured Markdown, for a ticket or a pull request. */
export function renderReportMarkdown(data: ReportData): string {
  const out = [
    `# finops-guardrails report`,
    '',
    `As of ${data.asOf.slice(0, 16)}Z, from ${markdownCell(data.source)}.`,
    '',
  ];
  for (const table of reportTables(data)) {
    out.push(`## ${markdownCell(table.title)}`, '');
    if (table.rows.length === 0) {
      out.push(`_${markdownCell(table.empty)}_`, '');
      continue;
    }
    out.push(`| ${table.columns.map((c) => markdownCell(c.label)).join(' | ')} |`);
    out.push(`| ${table.columns.map((c) => (c.numeric ? '---:' : '---')).join(' | ')} |`);
    for (const row of table.rows) out.push(`| ${row.map((c) => markdownCell(c.text)).join(' | ')} |`);
    out.push('');
  }
  for (const note of data.notes) out.push(`> ${markdownCell(note)}`, '');
  return `${out.join('\n').trimEnd()}\n`;
}
