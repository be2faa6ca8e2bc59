import { describeWaiverStatus } from '../../shared/checks/cost-policy/waivers.js';
import type { GateFinding, GateResult } from './gate-result.js';

/**
 * One line per finding, `file:line: LogicalId (Type): rule-id: what (fix: how)`,
 * then one per waiver that did not simply apply.
 */
export function renderText(result: GateResult): string {
  const lines = result.findings.map(findingLine);
  for (const status of result.waivers) {
    if (status.status === 'applied') continue;
    lines.push(`${result.configFile}: costPolicy.waivers[${status.index}]: ${describeWaiverStatus(status)}`);
  }
  return lines.map((line) => `${line}\n`).join('');
}

function findingLine(f: GateFinding): string {
  const where = `${f.file}${f.line === undefined ? '' : `:${f.line}`}: ${f.logicalId} (${f.type})`;
  if (f.status === 'not-judged') return `${where}: ${f.message}`;
  const what =
    f.status === 'waived' && f.waiver
      ? `waived until ${f.waiver.expires} (${f.waiver.reason}): ${f.message}`
      : f.status === 'unresolved' && f.candidates?.length
        ? `unresolved: ${f.message}: ${f.candidates.map((c) => `${c.value} ${c.status}${c.reason ? ` (${c.reason})` : ''}`).join('; ')}`
        : f.status === 'unresolved' && !f.message.startsWith('unresolved')
          ? `unresolved: ${f.message}`
          : f.message;
  const info = f.status === 'violation' && !f.blocking ? ' [info]' : '';
  return `${where}: ${f.ruleId}: ${what}${f.status === 'violation' && f.fix ? ` (fix: ${f.fix})` : ''}${info}`;
}

/** The stderr summary. */
export function summaryLine(result: GateResult): string {
  const count = (status: GateFinding['status']) => result.findings.filter((f) => f.status === status).length;
  const blocking = result.findings.filter((f) => f.blocking).length;
  const resources = result.templates.reduce((n, t) => n + t.resources.length, 0);
  const stale = result.waivers.filter((w) => w.status !== 'applied' && w.status !== 'unused').length;
  return (
    `${result.templates.length} templates, ${resources} resources: ${blocking} blocking violations, ` +
    `${count('violation') - blocking} informational, ${count('unresolved')} unresolved at synth, ` +
    `${count('waived')} waived, ${count('not-judged')} not judged; ${result.waivers.length} waivers (${stale} expired or stale)\n`
  );
}
