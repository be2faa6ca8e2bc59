import type { Finding } from '../shared/core/finding.js';
import { type Severity, severityRank } from '../shared/core/severity.js';
import { accountLabel, typeLabel } from './render/event-table.js';
import { usd } from './render/figures.js';
import { columnsOf, pad, printable, wrapText } from './render/text-wrap.js';

/** Findings named in full before "and N more". */
const NAMED_MAX = 10;

/** The findings at or above `threshold`, most severe first. */
export function findingsAtOrAbove(findings: readonly Finding[], threshold: Severity): Finding[] {
  const rank = severityRank(threshold);
  const impact = (f: Finding) => Math.abs(f.impact?.usdPerMonth ?? 0);
  return findings
    .filter((f) => severityRank(f.severity) >= rank)
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || impact(b) - impact(a));
}

/**
 * Why `--fail-on` made the run exit 1: the findings that crossed the
 * threshold, one line each (severity, type, account, dollars, the start of
 * the summary), at most {@link NAMED_MAX} of them. Empty when none did.
 *
 * @example
 * failOnMessage(findings, 'error', 100);
 * // '--fail-on error: 2 findings are error or worse:\n  error  cost.anomaly  456789012345  $9,251/month  nightly-etl: waste …'
 */
export function failOnMessage(findings: readonly Finding[], threshold: Severity, width: number): string {
  const crossed = findingsAtOrAbove(findings, threshold);
  if (crossed.length === 0) return '';
  const named = crossed.slice(0, NAMED_MAX);
  const cells = named.map((f) => [
    f.severity,
    typeLabel(f.type),
    accountLabel(f.resource?.accountId, f.subject),
    f.impact ? `${usd(f.impact.usdPerMonth)}/month` : '-',
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...cells.map((c) => columnsOf(c[i] ?? ''))));
  const lines = named.map((f, n) => {
    const head = `  ${(cells[n] ?? []).map((c, i) => pad(c, widths[i] ?? 0, i === 3 ? 'right' : 'left')).join('  ')}  `;
    const [first = '', ...more] = wrapText(printable(f.summary), Math.max(20, width - columnsOf(head) - 2));
    return `${head}${first}${more.length ? ' …' : ''}`;
  });
  const more = crossed.length > NAMED_MAX ? [`  and ${crossed.length - NAMED_MAX} more`] : [];
  const noun = crossed.length === 1 ? 'finding is' : 'findings are';
  const worse = threshold === 'critical' ? '' : ' or worse';
  return `--fail-on ${threshold}: ${crossed.length} ${noun} ${threshold}${worse}:\n${[...lines, ...more].join('\n')}\n`;
}
