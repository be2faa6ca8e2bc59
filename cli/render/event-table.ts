import { EVENT_TYPE_PREFIX } from '../../shared/core/constants.js';
import type { Envelope } from '../../shared/core/envelope.js';
import { severityRank } from '../../shared/core/severity.js';
import { usd } from './figures.js';
import { columnsOf, pad, printable, truncate, wrapText } from './text-wrap.js';

export interface EventTableOptions {
  /** Terminal columns; every line fits. */
  readonly width: number;
  /**
   * Team shown for events that carry no owner: probes without one and scan
   * gaps go to `organization.defaultOwner` (the team running the guardrails).
   */
  readonly defaultOwner: string;
  /** Print the column names. Default true. */
  readonly header?: boolean;
}

/** Below this many columns for the summary, each event gets its own block instead of a row. */
export const MIN_SUMMARY_COLUMNS = 36;
const OWNER_MAX = 14;
/** A summary's first 130 characters stand alone (DESIGN §3); the table shows at least those. */
export const SUMMARY_STANDALONE = 130;
const GAP = '  ';

interface Row {
  readonly severity: string;
  readonly type: string;
  readonly account: string;
  readonly owner: string;
  readonly usdPerMonth: string;
  readonly summary: string;
}

const COLUMNS = [
  { key: 'severity', title: 'SEVERITY', align: 'left' },
  { key: 'type', title: 'TYPE', align: 'left' },
  { key: 'account', title: 'ACCOUNT', align: 'left' },
  { key: 'owner', title: 'OWNER', align: 'left' },
  { key: 'usdPerMonth', title: '$/MONTH', align: 'right' },
] as const;

/**
 * The events as a table that fits `width`: severity, type, account, owner,
 * dollars a month and the summary, wrapped at word boundaries, most severe
 * and most expensive first. When the summary would get fewer than
 * {@link MIN_SUMMARY_COLUMNS}, each event becomes a line of its figures with
 * the summary wrapped beneath it. Pure: same events and width, same text.
 */
export function renderEventTable(events: readonly Envelope[], options: EventTableOptions): string {
  if (events.length === 0) return 'No new events.\n';
  const rows = [...events].sort(byImportance).map((e) => rowOf(e, options.defaultOwner));
  const widths = COLUMNS.map((c) => Math.max(columnsOf(c.title), ...rows.map((r) => columnsOf(r[c.key]))));
  const fixed = widths.reduce((sum, w) => sum + w + GAP.length, 0);
  const summaryWidth = options.width - fixed;
  const lines =
    summaryWidth >= MIN_SUMMARY_COLUMNS
      ? tableLines(rows, widths, summaryWidth, options.header !== false)
      : blockLines(rows, options.width);
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
}

function tableLines(rows: readonly Row[], widths: readonly number[], summaryWidth: number, header: boolean) {
  const cells = (values: readonly string[]) =>
    COLUMNS.map((c, i) => pad(values[i] ?? '', widths[i] ?? 0, c.align)).join(GAP) + GAP;
  const indent = ' '.repeat(widths.reduce((sum, w) => sum + w + GAP.length, 0));
  const lines = header ? [`${cells(COLUMNS.map((c) => c.title))}SUMMARY`] : [];
  for (const row of rows) {
    const [first = '', ...rest] = summaryLines(row.summary, summaryWidth);
    lines.push(cells(COLUMNS.map((c) => row[c.key])) + first, ...rest.map((l) => indent + l));
  }
  return lines;
}

/** Narrow terminals: the figures on one line (wrapped if need be), the summary indented below. */
function blockLines(rows: readonly Row[], width: number) {
  const lines: string[] = [];
  for (const row of rows) {
    const figures = [
      row.severity,
      row.type,
      row.account === '-' ? '' : `account ${row.account}`,
      `owner ${row.owner}`,
      row.usdPerMonth === '-' ? '' : `${row.usdPerMonth}/month`,
    ]
      .filter(Boolean)
      .join(' · ');
    if (lines.length > 0) lines.push('');
    lines.push(...wrapText(figures, width), ...summaryLines(row.summary, width - 2).map((l) => `  ${l}`));
  }
  return lines;
}

/**
 * The summary wrapped to `width`: the lines that hold its standalone first
 * {@link SUMMARY_STANDALONE} characters, then ` …` when more is left (the
 * whole text is in `--json` and in the event). Cut between words only.
 */
export function summaryLines(summary: string, width: number): string[] {
  const lines = wrapText(summary, width);
  let covered = 0;
  let keep = 0;
  while (keep < lines.length && covered < SUMMARY_STANDALONE) covered += columnsOf(lines[keep++] ?? '') + 1;
  if (keep >= lines.length) return lines;
  const kept = lines.slice(0, keep);
  const last = kept.pop() ?? '';
  if (columnsOf(last) + 2 <= width) return [...kept, `${last} …`];
  const space = last.lastIndexOf(' ');
  return space > 0 ? [...kept, `${last.slice(0, space)} …`] : [...kept, last, '…'];
}

function rowOf(event: Envelope, defaultOwner: string): Row {
  const { data } = event;
  const reason = event.action === 'trigger' ? (data.evidence as { trigger?: unknown }).trigger : undefined;
  const note = typeof reason === 'string' && reason !== 'new' ? `(${TRIGGER_NOTES[reason] ?? reason}) ` : '';
  const impact = data.impact?.usdPerMonth;
  return {
    severity: event.severity,
    type: typeLabel(event.type),
    account: accountLabel(data.resource?.accountId, event.subject),
    owner: truncate(printable(data.owner?.team ?? defaultOwner), OWNER_MAX),
    usdPerMonth: impact === undefined ? '-' : usd(impact),
    summary: note + data.summary,
  };
}

const TRIGGER_NOTES: Readonly<Record<string, string>> = {
  reopened: 'reopened',
  escalated: 'escalated',
  renotify: 'reminder',
};

/** `tag.violation`, `scan-gap`: the CloudEvents type without the project prefix. */
export function typeLabel(type: string): string {
  return type.replace(EVENT_TYPE_PREFIX, '').replace(/^guardrail\./, '');
}

/**
 * The account a finding or event is about: its resource's, `org` for an
 * organization-wide one, the account a scan gap's scope names, else `-`.
 */
export function accountLabel(accountId: string | undefined, subject: string): string {
  if (accountId) return accountId;
  if (subject === 'organization') return 'org';
  return /^(\d{12})(\/|$)/.exec(subject)?.[1] ?? '-';
}

function byImportance(a: Envelope, b: Envelope): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    Number(a.action === 'resolve') - Number(b.action === 'resolve') ||
    Math.abs(b.data.impact?.usdPerMonth ?? 0) - Math.abs(a.data.impact?.usdPerMonth ?? 0) ||
    a.type.localeCompare(b.type) ||
    a.data.summary.localeCompare(b.data.summary)
  );
}
