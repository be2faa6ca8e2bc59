import type { ReportSnapshot } from '../../../core/report-snapshot.js';
import type { WaiverStatus } from '../waivers.js';

/** Resource ids listed per waiver in the report; the count says how many there were. */
const LISTED = 20;

/** One `costPolicy.waivers` entry as the report shows it: what it says and what it did in the last complete run. */
export interface WaiverEntry {
  /** Its config path, `costPolicy.waivers[2]`. */
  readonly path: string;
  readonly rule: string;
  readonly resource: string;
  readonly reason: string;
  readonly expires: string;
  readonly status: WaiverStatus['status'];
  readonly waivedCount: number;
  /** The first {@link LISTED} resources it waived (or would have, if expired). */
  readonly waived: readonly string[];
  readonly asOf: string;
}

/**
 * Every waiver, with its status, for the report ("every waiver shows in the
 * report"). Written only when every rule was judged: a partial run knows
 * only some waivers' fates, so the last complete picture is kept instead.
 */
export function costPolicyReport(statuses: readonly WaiverStatus[], now: Date): ReportSnapshot {
  const latest = new Map<string, WaiverEntry>();
  for (const s of [...statuses].sort((a, b) => a.index - b.index)) {
    const key = `waiver/${s.index}`;
    const known = latest.get(key);
    // A waiver judged in several rule groups: the one where it did something wins.
    if (known && rank(known.status) >= rank(s.status)) continue;
    latest.set(key, {
      path: `costPolicy.waivers[${s.index}]`,
      rule: s.waiver.rule,
      resource: s.waiver.resource,
      reason: s.waiver.reason,
      expires: s.waiver.expires,
      status: s.status,
      waivedCount: s.waived.length,
      waived: s.waived.slice(0, LISTED),
      asOf: now.toISOString(),
    });
  }
  return { latest, complete: ['waiver/'] };
}

/** Which of two statuses of one waiver says more: one that waived something beats one that found nothing. */
function rank(status: WaiverStatus['status']): number {
  return ['unknown-rule', 'no-matching-resource', 'unused', 'expired', 'applied'].indexOf(status);
}
