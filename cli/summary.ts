import type { RunReport } from '../shared/core/pipeline.js';
import { SEVERITIES } from '../shared/core/severity.js';

/** A few lines per check: findings by severity, scopes, events and anything held open. */
export function renderRunSummary(reports: readonly RunReport[], failed: readonly string[]): string {
  const lines: string[] = [''];
  for (const report of reports) {
    const counts = SEVERITIES.map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`);
    const gaps = report.scope.failed.length;
    lines.push(
      `${report.check}: ${report.findings.length} findings${counts.length ? ` (${counts.join(', ')})` : ''}, ` +
        `${report.events.length} events, ${report.scope.completed.length} scopes complete` +
        (gaps ? `, ${gaps} scan gaps` : '') +
        (report.heldOpen ? `, ${report.heldOpen} held open by scan gaps` : ''),
    );
    for (const [name, value] of Object.entries(report.metrics))
      lines.push(`  ${name}: ${formatMetric(value)}`);
  }
  for (const name of failed) lines.push(`${name}: FAILED (see stderr); its state was not changed`);
  return `${lines.join('\n')}\n`;
}

function formatMetric(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(4);
}
