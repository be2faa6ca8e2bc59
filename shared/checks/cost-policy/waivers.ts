import type { CostPolicy, CostWaiver } from '../../config/cost-policy-schema.js';
import { globMatch } from './glob.js';
import type { CostResource } from './model.js';

const DAY_MS = 86_400_000;

/** What became of one waiver in a run. */
export interface WaiverStatus {
  readonly waiver: CostWaiver;
  /** Its position in `costPolicy.waivers`, for the config path. */
  readonly index: number;
  /**
   * - `applied`: it waived at least one violation and is in force;
   * - `expired`: its last day has passed (what it waived is a violation again);
   * - `unused`: it matches resources, but none breaks its rule;
   * - `unknown-rule`: no rule has its id (the rule was removed or renamed);
   * - `no-matching-resource`: no resource in scope matches its pattern (the resource is gone).
   */
  readonly status: 'applied' | 'expired' | 'unused' | 'unknown-rule' | 'no-matching-resource';
  /** Ids of the resources whose violations it waived (or would have, if expired). */
  readonly waived: readonly string[];
}

/**
 * True from the day after `expires` (UTC): a waiver holds through its last day.
 * @example waiverExpired({ expires: '2026-11-19', … }, new Date('2026-11-20T00:00:00Z')) // true
 */
export function waiverExpired(waiver: CostWaiver, now: Date): boolean {
  return now.getTime() >= Date.parse(`${waiver.expires}T00:00:00Z`) + DAY_MS;
}

/**
 * True when the waiver's pattern names the resource: an `arn:` pattern
 * matches the ARN; anything else the logical id or the resource id.
 */
export function waiverMatches(waiver: CostWaiver, resource: CostResource): boolean {
  if (waiver.resource.startsWith('arn:'))
    return resource.arn !== undefined && globMatch(waiver.resource, resource.arn);
  return [resource.logicalId, resource.id].some((id) => id !== undefined && globMatch(waiver.resource, id));
}

/** The first waiver of the rule that names the resource, in config order. */
export function matchingWaiver(
  waivers: readonly CostWaiver[],
  ruleId: string,
  resource: CostResource,
): CostWaiver | undefined {
  return waivers.find((w) => w.rule === ruleId && waiverMatches(w, resource));
}

/** Every waiver's fate, given what it waived in this run. */
export function waiverStatuses(
  policy: CostPolicy,
  resources: readonly CostResource[],
  waived: ReadonlyArray<{ readonly waiver: CostWaiver; readonly resource: CostResource }>,
  now: Date,
): WaiverStatus[] {
  const ruleIds = new Set(policy.rules.map((r) => r.id));
  return policy.waivers.map((waiver, index) => {
    const used = waived.filter((w) => w.waiver === waiver).map((w) => w.resource.id);
    const status: WaiverStatus['status'] = !ruleIds.has(waiver.rule)
      ? 'unknown-rule'
      : !resources.some((r) => waiverMatches(waiver, r))
        ? 'no-matching-resource'
        : waiverExpired(waiver, now)
          ? 'expired'
          : used.length
            ? 'applied'
            : 'unused';
    return { waiver, index, status, waived: used };
  });
}

/** One line for a waiver's fate, as `check-template` prints it. */
export function describeWaiverStatus(status: WaiverStatus): string {
  const { waiver } = status;
  const what = `waiver for ${waiver.rule} on ${waiver.resource} (until ${waiver.expires}: ${waiver.reason})`;
  switch (status.status) {
    case 'applied':
      return `${what}: waives ${status.waived.join(', ')}`;
    case 'expired':
      return `${what}: expired${status.waived.length ? `; ${status.waived.join(', ')} ${status.waived.length === 1 ? 'violates' : 'violate'} again` : ''}`;
    case 'unused':
      return `${what}: waives nothing; the resources it names comply`;
    case 'unknown-rule':
      return `${what}: no rule has the id ${waiver.rule}`;
    case 'no-matching-resource':
      return `${what}: no resource matches ${waiver.resource}`;
  }
}
