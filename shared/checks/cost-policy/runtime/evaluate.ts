import type { CostPolicy, CostRule } from '../../../config/cost-policy-schema.js';
import { durationMs } from '../../../config/duration.js';
import type { FindingInput } from '../../../core/finding.js';
import type { EvaluateContext, Evaluation } from '../../../core/ports.js';
import type { ReportSnapshot } from '../../../core/report-snapshot.js';
import { type Severity, severityRank } from '../../../core/severity.js';
import { type GraceJudgement, judgeGrace } from '../../tag-coverage/grace.js';
import { type OwnerRef, resolveOwner } from '../../tag-coverage/owner.js';
import type { AccountInfo } from '../../tag-coverage/types.js';
import { type CostFinding, evaluateCostPolicy } from '../evaluate.js';
import type { CostResource } from '../model.js';
import type { WaiverStatus } from '../waivers.js';
import { type PolicyViolation, policyDigestFinding } from './digest.js';
import { type CostPolicyCollected, ruleAccountScope, WAIVERS_SCOPE } from './observations.js';
import { costPolicyReport } from './report-snapshot.js';
import { staleWaiversFinding } from './waiver-finding.js';

/** Memory keys of first-seen dates: `policy-first:<rule id>:<resource>`. */
const MEMORY_PREFIX = 'policy-first:';
/** The tag policy's defaults, when the config has no tag policy to share them with. */
const DEFAULT_GRACE = '7d';
const DEFAULT_ESCALATE = '30d';

interface FirstSeenMemory {
  readonly firstSeen: string;
  readonly accountId: string;
  readonly rule: string;
}

/**
 * The runtime cost-policy judgement over AWS Config items: each rule group
 * is judged by {@link evaluateCostPolicy} with `resource-limit` counted per
 * account, and every violation goes into one digest per (account, owner,
 * rule), with the tag policy's grace period and escalation driven by
 * first-seen dates kept in memory. Digests are raised only for (account,
 * rule) scopes read completely; waivers that no longer do anything are
 * reported once. Pure: no SDK, no clock, no I/O.
 */
export function evaluateCostPolicyRuntime(
  observations: CostPolicyCollected,
  ctx: EvaluateContext,
): Evaluation {
  const policy = ctx.config.costPolicy;
  if (!policy) return { findings: [] };
  const { organization } = ctx.config;
  const graceMs = durationMs(ctx.config.tagPolicy?.gracePeriod ?? DEFAULT_GRACE);
  const escalateMs = durationMs(ctx.config.tagPolicy?.escalateAfter ?? DEFAULT_ESCALATE);
  const nowIso = ctx.now.toISOString();
  const accounts = new Map(observations.accounts.map((a) => [a.id, a]));

  const digests = new Map<
    string,
    { account: AccountInfo; owner: OwnerRef; rule: CostRule; entries: PolicyViolation[] }
  >();
  const stillViolating = new Set<string>();
  const memorySet = new Map<string, FirstSeenMemory>();
  const waiverResults: WaiverStatus[] = [];
  let judged = 0;
  let unresolved = 0;

  for (const group of observations.groups) {
    if (!group.resources) continue;
    const ids = new Set(group.rules.map((r) => r.id));
    const report = evaluateCostPolicy(
      group.resources,
      { ...policy, rules: [...group.rules], waivers: policy.waivers.filter((w) => ids.has(w.rule)) },
      { now: ctx.now, scopeOf: (r) => r.accountId ?? '' },
    );
    judged += report.judged;
    waiverResults.push(...reindex(report.waivers, policy));
    for (const finding of report.findings) {
      const accountId = finding.resource.accountId;
      const account = accountId === undefined ? undefined : accounts.get(accountId);
      if (!account || finding.status === 'waived') continue;
      // Unresolved at runtime means a value Config does not hold (an AMI's volume type): not judged, never compliant.
      if (finding.status === 'unresolved') {
        unresolved++;
        continue;
      }
      if (!observations.completed.has(ruleAccountScope(account.id, finding.rule.id))) continue;
      const memoryKey = `${MEMORY_PREFIX}${finding.rule.id}:${resourceKey(finding.resource)}`;
      const remembered = firstSeenOf(ctx.memory.get(memoryKey));
      const firstSeen = remembered ?? nowIso;
      if (remembered) stillViolating.add(memoryKey);
      else memorySet.set(memoryKey, { firstSeen, accountId: account.id, rule: finding.rule.id });
      const grace = judgeGrace(new Date(firstSeen), ctx.now, graceMs, escalateMs);
      const owner = resolveOwner(plainTags(finding.resource), account.tags, organization);
      const key = `${account.id}\u0000${owner.team}\u0000${finding.rule.id}`;
      let digest = digests.get(key);
      if (!digest) {
        digest = { account, owner, rule: finding.rule, entries: [] };
        digests.set(key, digest);
      }
      digest.entries.push({
        finding,
        firstSeen,
        grace,
        severity: capSeverity(grace, finding.rule.severity),
        // Cost Explorer names some resources by ARN, others by id (i-…, vol-…, a bucket's name).
        cost:
          (finding.resource.arn === undefined
            ? undefined
            : observations.resourceCostUsd?.get(finding.resource.arn)) ??
          observations.resourceCostUsd?.get(finding.resource.id),
      });
    }
  }

  const findings: FindingInput[] = [...digests.values()].map((d) =>
    policyDigestFinding(d, ctx.now, observations.sources),
  );
  // Whether a waiver still names something is known only when every rule was judged.
  let report: ReportSnapshot | undefined;
  if (observations.completed.has(WAIVERS_SCOPE)) {
    const unknown = policy.waivers.flatMap((waiver, index): WaiverStatus[] =>
      policy.rules.some((r) => r.id === waiver.rule)
        ? []
        : [{ waiver, index, status: 'unknown-rule', waived: [] }],
    );
    const stale = staleWaiversFinding([...waiverResults, ...unknown], organization.defaultOwner);
    if (stale) findings.push(stale);
    report = costPolicyReport([...waiverResults, ...unknown], ctx.now);
  }

  const memoryDelete: string[] = [];
  for (const [key, value] of ctx.memory) {
    if (!key.startsWith(MEMORY_PREFIX) || stillViolating.has(key)) continue;
    const remembered = value as Partial<FirstSeenMemory> | null;
    // Forgotten only when a complete read of its rule in its account shows it fixed or gone.
    if (
      typeof remembered?.accountId !== 'string' ||
      typeof remembered.rule !== 'string' ||
      observations.completed.has(ruleAccountScope(remembered.accountId, remembered.rule)) ||
      !policy.rules.some((r) => r.id === remembered.rule)
    )
      memoryDelete.push(key);
  }

  return {
    findings,
    memory: { set: memorySet, delete: memoryDelete },
    ...(report && { report }),
    metrics: {
      PolicyJudgements: judged,
      PolicyViolations: [...digests.values()].reduce((n, d) => n + d.entries.length, 0),
      PolicyUnresolved: unresolved,
      Digests: digests.size,
    },
  };
}

/**
 * Severity of one violation: info in grace, warning once overdue, and the
 * rule's own severity once escalated; never above the rule's severity, so
 * an `info` rule never pages.
 */
export function capSeverity(grace: GraceJudgement, ruleSeverity: Severity): Severity {
  const bySchedule: Severity = grace.status === 'escalated' ? ruleSeverity : grace.severity;
  return severityRank(bySchedule) <= severityRank(ruleSeverity) ? bySchedule : ruleSeverity;
}

/** Each group's waiver statuses carry their index in the group's filtered list: map it back to the config's. */
function reindex(statuses: readonly WaiverStatus[], policy: CostPolicy): WaiverStatus[] {
  return statuses.map((s) => ({ ...s, index: policy.waivers.indexOf(s.waiver) }));
}

/** What identifies a resource across runs: its ARN, else account, region and id. */
function resourceKey(resource: CostResource): string {
  return (
    resource.arn ?? `${resource.accountId ?? ''}/${resource.region ?? ''}/${resource.type}/${resource.id}`
  );
}

/** Config tags are always known values. */
function plainTags(resource: CostResource): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(resource.tags.values))
    if (value.kind === 'known') tags[key] = value.value;
  return tags;
}

function firstSeenOf(value: unknown): string | undefined {
  const firstSeen = (value as Partial<FirstSeenMemory> | null | undefined)?.firstSeen;
  return typeof firstSeen === 'string' && !Number.isNaN(Date.parse(firstSeen)) ? firstSeen : undefined;
}

export type { CostFinding };
