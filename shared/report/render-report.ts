import { renderReportHtml } from './html/render-html.js';
import { renderReportCsv } from './render-csv.js';
import { renderReportMarkdown } from './render-markdown.js';
import { renderReportText } from './render-text.js';
import type { ReportData } from './report-data.js';
import type { TableId } from './report-tables.js';

export const REPORT_FORMATS = ['table', 'markdown', 'csv', 'json', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderOptions {
  /** Terminal width for `table`. */
  readonly width?: number;
  /** The one table a CSV holds. */
  readonly table?: TableId;
}

/** The report in one format, as text. */
export function renderReport(data: ReportData, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'table':
      return renderReportText(data, options.width);
    case 'markdown':
      return renderReportMarkdown(data);
    case 'csv':
      return renderReportCsv(data, options.table);
    case 'json':
      return `${JSON.stringify(data, null, 2)}\n`;
    case 'html':
      return renderReportHtml(data);
  }
}
