import type { CheckName } from '../core/constants.js';
import type { Severity } from '../core/severity.js';
import { severityRank } from '../core/severity.js';
import type { OpenFinding } from './report-data.js';

const DAY_MS = 86_400_000;

/** What an open finding is made from, whether an incident record or a trigger event. */
export interface FindingParts {
  readonly dedupkey: string;
  readonly check: CheckName;
  readonly type: string;
  readonly severity: Severity;
  readonly owner?: string;
  readonly accountId?: string;
  readonly origin?: string;
  readonly usdPerMonth?: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly deadline?: string;
  readonly subject: string;
  readonly summary: string;
  readonly console?: string;
}

/** Who acts on a finding that names no owner: on-call for a probe, the guardrails' own team for a scan gap. */
function ownerOf(parts: FindingParts): string {
  if (parts.owner) return parts.owner;
  if (parts.type === 'probe.failure') return 'on-call';
  if (parts.type === 'guardrail.scan-gap') return 'guardrails';
  return 'unowned';
}

/** A row of the findings table, its age counted to `asOf`. */
export function openFinding(parts: FindingParts, asOf: Date): OpenFinding {
  const account = parts.accountId ?? (/^\d{12}$/.test(parts.origin ?? '') ? parts.origin : undefined);
  const age = Math.max(0, Math.floor((asOf.getTime() - Date.parse(parts.firstSeen)) / DAY_MS));
  return {
    dedupkey: parts.dedupkey,
    check: parts.check,
    type: parts.type,
    severity: parts.severity,
    owner: ownerOf(parts),
    ...(account && { account }),
    ...(parts.usdPerMonth !== undefined && { usdPerMonth: parts.usdPerMonth }),
    firstSeen: parts.firstSeen,
    lastSeen: parts.lastSeen,
    ...(parts.deadline && { deadline: parts.deadline }),
    ageDays: age,
    subject: parts.subject,
    summary: parts.summary,
    ...(parts.console && { console: parts.console }),
  };
}

/** Worst first, then the largest $/month, then the oldest. */
export function byUrgency(a: OpenFinding, b: OpenFinding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    Math.abs(b.usdPerMonth ?? 0) - Math.abs(a.usdPerMonth ?? 0) ||
    (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : 0) ||
    (a.dedupkey < b.dedupkey ? -1 : 1)
  );
}
