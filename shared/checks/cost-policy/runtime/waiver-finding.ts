import type { GuardrailsConfig } from '../../../config/schema.js';
import { clampSummary, type FindingInput } from '../../../core/finding.js';
import { describeWaiverStatus, type WaiverStatus } from '../waivers.js';
import { WAIVERS_SCOPE } from './observations.js';

/** Waiver fates worth telling the config's owner about: they no longer do anything. */
const STALE = new Set<WaiverStatus['status']>(['unused', 'unknown-rule', 'no-matching-resource']);

/**
 * One finding for the waivers that no longer do anything (their rule is
 * gone, nothing matches their pattern, or what they name complies), for
 * the owner of the config rather than of any resource: it is the config
 * that needs the change. Expired waivers are not listed here: what they
 * waived is a violation again and shows in its owner's digest.
 */
export function staleWaiversFinding(
  statuses: readonly WaiverStatus[],
  defaultOwner: GuardrailsConfig['organization']['defaultOwner'],
): FindingInput | undefined {
  const stale = statuses.filter((s) => STALE.has(s.status)).sort((a, b) => a.index - b.index);
  if (stale.length === 0) return undefined;
  const first = stale[0];
  return {
    check: 'cost-policy',
    rule: 'stale-waivers',
    type: 'guardrail.policy',
    identity: ['waivers'],
    scope: WAIVERS_SCOPE,
    severity: 'info',
    category: 'guardrail',
    subject: 'costPolicy.waivers',
    origin: 'org',
    summary: clampSummary(
      `${stale.length === 1 ? '1 cost-policy waiver does' : `${stale.length} cost-policy waivers do`} nothing and can be removed from the config. First: costPolicy.waivers[${first?.index}]: ${first ? describeWaiverStatus(first) : ''}.`,
    ),
    owner: { ...defaultOwner, source: 'config' },
    evidence: {
      waivers: stale.slice(0, 100).map((s) => ({
        path: `costPolicy.waivers[${s.index}]`,
        rule: s.waiver.rule,
        resource: s.waiver.resource,
        expires: s.waiver.expires,
        status: s.status,
        detail: describeWaiverStatus(s).slice(0, 1024),
      })),
      omitted: Math.max(0, stale.length - 100),
    },
  };
}
