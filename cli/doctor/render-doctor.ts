import { pad, wrapText } from '../render/text-wrap.js';
import type { DoctorResult } from './doctor-checks.js';

const LABEL = { ok: 'ok', warn: 'warn', fail: 'FAIL', skip: 'skip' } as const;

/**
 * The doctor's report, wrapped to `width`: one line per check (status, name,
 * detail), what to do under each that is not ok, and a closing verdict.
 */
export function renderDoctor(results: readonly DoctorResult[], width: number): string {
  const nameWidth = Math.max(...results.map((r) => r.check.length));
  const indent = 4 + 2 + nameWidth + 2;
  const lines: string[] = [];
  for (const r of results) {
    const [first = '', ...rest] = wrapText(r.detail, Math.max(20, width - indent));
    lines.push(`${pad(LABEL[r.status], 4)}  ${pad(r.check, nameWidth)}  ${first}`);
    for (const line of rest) lines.push(' '.repeat(indent) + line);
    if (r.fix)
      for (const line of wrapText(`→ ${r.fix}`, Math.max(20, width - indent)))
        lines.push(' '.repeat(indent) + line);
  }
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  const verdict =
    failed > 0
      ? `${failed} problem${failed === 1 ? '' : 's'} to fix before \`finops-guardrails run --source aws\`.`
      : `Ready for \`finops-guardrails run --source aws\`${warned ? ` (${warned} warning${warned === 1 ? '' : 's'} above)` : ''}.`;
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n\n${verdict}\n`;
}
