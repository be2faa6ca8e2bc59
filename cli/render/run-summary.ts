import type { RunReport } from '../../shared/core/pipeline.js';
import { SEVERITIES } from '../../shared/core/severity.js';
import { describeMetrics, type MetricContext } from './metric-lines.js';
import { wrapText } from './text-wrap.js';

/** The counts of a run's closing line. */
export interface RunTotals {
  readonly checks: number;
  readonly failed: readonly string[];
  /** Events delivered, re-sent ones of an interrupted run included. */
  readonly eventsSent: number;
  /** Findings that are open now, scan gaps excluded. */
  readonly open: number;
  /** Of this run's events, problems that are new or came back. */
  readonly fresh: number;
  readonly scanGaps: number;
}

const SCAN_GAP = 'guardrail.scan-gap';

/** Adds up the reports of a run. */
export function runTotals(reports: readonly RunReport[], failed: readonly string[]): RunTotals {
  const findings = reports.flatMap((r) => r.findings);
  const events = reports.flatMap((r) => r.events);
  return {
    checks: reports.length + failed.length,
    failed,
    eventsSent: events.length + reports.reduce((n, r) => n + r.replayed.length, 0),
    open: findings.filter((f) => f.type !== SCAN_GAP).length,
    fresh: events.filter((e) => {
      const reason = (e.data.evidence as { trigger?: unknown }).trigger;
      return (
        e.action === 'trigger' &&
        e.type !== `finops-guardrails.${SCAN_GAP}` &&
        (reason === 'new' || reason === 'reopened')
      );
    }).length,
    scanGaps: findings.filter((f) => f.type === SCAN_GAP).length,
  };
}

/**
 * A few lines per check, wrapped to `width`: its findings by severity, its
 * events and scopes, then its figures in words (see {@link describeMetrics}).
 */
export function renderCheckSummaries(
  reports: readonly RunReport[],
  failed: readonly string[],
  options: { readonly width: number; readonly context: MetricContext },
): string {
  const lines: string[] = [];
  for (const report of reports) {
    const counts = SEVERITIES.map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .reverse()
      .map(([s, n]) => `${n} ${s}`);
    const gaps = report.scope.failed.length;
    const head =
      `${report.check}: ${plural(report.findings.length, 'finding')}${counts.length ? ` (${counts.join(', ')})` : ''}, ` +
      `${plural(report.events.length, 'event')}, ${report.scope.completed.length} scopes read completely` +
      (gaps ? `, ${plural(gaps, 'scan gap')}` : '') +
      (report.heldOpen ? `, ${report.heldOpen} findings held open by scan gaps` : '');
    lines.push(...hanging(head, options.width));
    const figures = describeMetrics(report.metrics, options.context);
    if (figures.length > 0) lines.push(...hanging(figures.join('; '), options.width, 2));
  }
  for (const name of failed)
    lines.push(...hanging(`${name}: FAILED (see stderr); its state was not changed`, options.width));
  return lines.length ? `\n${lines.join('\n')}\n` : '';
}

/**
 * The line a run ends with: checks run, events sent, findings open and new,
 * scan gaps, and where the report is when one was written. A dry run says
 * its events were printed, not sent.
 *
 * @example
 * renderRunLine(runTotals(reports, []), { reportPath: 'report.html' });
 * // '3 checks run: 14 events sent; 14 findings open, 14 new; 0 scan gaps. Report: report.html\n'
 */
export function renderRunLine(
  totals: RunTotals,
  options: { readonly reportPath?: string; readonly dryRun?: boolean } = {},
): string {
  const failed = totals.failed.length
    ? ` ${totals.failed.length} failed: ${totals.failed.join(', ')} (see stderr).`
    : '';
  const report = options.reportPath ? ` Report: ${options.reportPath}` : '';
  return (
    `${plural(totals.checks, 'check')} run: ${plural(totals.eventsSent, 'event')} ${options.dryRun ? 'printed, none delivered (dry run)' : 'sent'}; ` +
    `${plural(totals.open, 'finding')} open, ${totals.fresh} new; ${plural(totals.scanGaps, 'scan gap')}.${failed}${report}\n`
  );
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Wraps a paragraph: the first line indented `indent`, the others four, under the check's name. */
function hanging(text: string, width: number, indent = 0): string[] {
  const [first = '', ...rest] = wrapText(text, width - indent);
  const more = rest.length ? wrapText(rest.join(' '), width - 4) : [];
  return [' '.repeat(indent) + first, ...more.map((l) => `    ${l}`)];
}
