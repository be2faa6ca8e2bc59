import type { CostPolicy, CostRule, CostWaiver } from '../../config/cost-policy-schema.js';
import type { CandidateVerdict, CostResource, Resolved, RuleVerdict } from './model.js';
import { COST_RULES } from './rules/index.js';
import { judgeEach, notApplicable } from './verdicts.js';
import { matchingWaiver, type WaiverStatus, waiverExpired, waiverStatuses } from './waivers.js';

/** One rule's verdict on one resource that is not compliant. */
export interface CostFinding {
  readonly resource: CostResource;
  readonly rule: CostRule;
  /**
   * `violation`: non-compliant (an expired waiver no longer helps);
   * `waived`: non-compliant under a waiver still in force;
   * `unresolved`: depends on a value known only at deploy, every candidate judged.
   */
  readonly status: 'violation' | 'waived' | 'unresolved';
  readonly reason: string;
  readonly fix?: string;
  readonly candidates?: readonly CandidateVerdict[];
  readonly waiver?: CostWaiver & { readonly expired: boolean };
}

/** The cost policy's verdict on a set of resources. */
export interface CostPolicyReport {
  /** In resource order, then rule order. */
  readonly findings: readonly CostFinding[];
  /** Every waiver, with what it did: each one shows in the report. */
  readonly waivers: readonly WaiverStatus[];
  /** (resource, rule) pairs the rules judged (not counting not-applicable). */
  readonly judged: number;
}

export interface EvaluateCostPolicyOptions {
  /** When waivers are judged; passed in, never read from the clock. */
  readonly now: Date;
  /**
   * The scope `resource-limit` counts in. @default the account id (runtime),
   * or one scope for all resources (one template).
   */
  readonly scopeOf?: (resource: CostResource) => string;
}

/**
 * Judges every rule of the policy on every resource, applies the waivers,
 * and reports each waiver's fate. Pure: resources come from templates or
 * AWS Config alike.
 *
 * @example
 * const report = evaluateCostPolicy(resourcesFromTemplate(template), config.costPolicy, { now });
 * report.findings.filter((f) => f.status === 'violation')
 */
export function evaluateCostPolicy(
  resources: readonly CostResource[],
  policy: CostPolicy,
  options: EvaluateCostPolicyOptions,
): CostPolicyReport {
  const scopeOf = options.scopeOf ?? ((r: CostResource) => r.accountId ?? '');
  const key = policy.environmentTagKey;
  const environments = new Map(resources.map((r) => [r, environmentOf(r, key)]));
  const peersOf = peerIndex(resources, environments, scopeOf);
  const findings: CostFinding[] = [];
  const waived: Array<{ waiver: CostWaiver; resource: CostResource }> = [];
  let judged = 0;

  for (const resource of resources) {
    const environment = environments.get(resource) ?? { kind: 'known', value: undefined };
    for (const rule of policy.rules) {
      const verdict = judgeRule(resource, rule, environment, key, peersOf);
      if (verdict.status === 'not-applicable') continue;
      judged++;
      if (verdict.status === 'compliant') continue;
      if (verdict.status === 'unresolved') {
        findings.push({ resource, rule, status: 'unresolved', ...withoutStatus(verdict) });
        continue;
      }
      const waiver = matchingWaiver(policy.waivers, rule.id, resource);
      if (!waiver) {
        findings.push({ resource, rule, status: 'violation', reason: verdict.reason, fix: verdict.fix });
        continue;
      }
      waived.push({ waiver, resource });
      const expired = waiverExpired(waiver, options.now);
      findings.push({
        resource,
        rule,
        status: expired ? 'violation' : 'waived',
        reason: expired ? `${verdict.reason} (its waiver expired after ${waiver.expires})` : verdict.reason,
        fix: verdict.fix,
        waiver: { ...waiver, expired },
      });
    }
  }
  return { findings, waivers: waiverStatuses(policy, resources, waived, options.now), judged };
}

/** One rule on one resource: the environment selection first, then the rule's own function. */
function judgeRule(
  resource: CostResource,
  rule: CostRule,
  environment: Resolved<string | undefined>,
  environmentTagKey: string,
  peersOf: (resource: CostResource, environment: string | undefined) => readonly CostResource[],
): RuleVerdict {
  const definition = COST_RULES[rule.kind];
  const judgeIn = (env: string | undefined): RuleVerdict => {
    // No environment tag: judged as if in every environment, so omitting the tag never escapes a rule.
    if (rule.environments && env !== undefined && !rule.environments.includes(env))
      return notApplicable(`${environmentTagKey} ${env} is not one of ${rule.environments.join(', ')}`);
    const context = { environment: env, environmentTagKey, peers: peersOf(resource, env) };
    // The union of rule kinds is narrowed by the registry: each definition receives its own kind.
    return (definition.judge as (r: CostResource, rule: CostRule, c: typeof context) => RuleVerdict)(
      resource,
      rule,
      context,
    );
  };
  if (!rule.environments && !definition.readsEnvironment)
    return judgeIn(environment.kind === 'known' ? environment.value : undefined);
  if (environment.kind !== 'known') {
    // A rule that never applies to this resource (a NAT-gateway limit on a bucket) does not
    // depend on its environment: not applicable, rather than unresolved for want of a tag.
    // Rules decide applicability from the resource alone, so judging with no environment tells.
    const applies = judgeIn(undefined);
    if (applies.status === 'not-applicable') return applies;
  }
  return judgeEach(environment, (env) => `${environmentTagKey}=${env ?? '(none)'}`, judgeIn);
}

/**
 * The value of the environment tag: the exact key first, then the same key
 * in another case; computed tags make it unknown.
 */
export function environmentOf(resource: CostResource, tagKey: string): Resolved<string | undefined> {
  const { values, opaque } = resource.tags;
  const exact = Object.hasOwn(values, tagKey) ? values[tagKey] : undefined;
  if (exact) return exact;
  const lower = tagKey.toLowerCase();
  const other = Object.keys(values).find((k) => k.toLowerCase() === lower);
  const found = other === undefined ? undefined : values[other];
  if (found) return found;
  if (opaque !== undefined) return { kind: 'unknown', via: `the tags (${opaque})`, options: [] };
  return { kind: 'known', value: undefined };
}

/** Resources of one type in one scope and environment, in input order. */
function peerIndex(
  resources: readonly CostResource[],
  environments: ReadonlyMap<CostResource, Resolved<string | undefined>>,
  scopeOf: (resource: CostResource) => string,
): (resource: CostResource, environment: string | undefined) => readonly CostResource[] {
  const byScopeAndType = new Map<string, CostResource[]>();
  for (const r of resources) {
    const k = `${scopeOf(r)}\u0000${r.type}`;
    const list = byScopeAndType.get(k) ?? [];
    list.push(r);
    byScopeAndType.set(k, list);
  }
  return (resource, environment) => {
    const candidates = byScopeAndType.get(`${scopeOf(resource)}\u0000${resource.type}`) ?? [];
    // Peers whose environment is computed at deploy are not counted: they are reported unresolved themselves.
    return candidates.filter((peer) => {
      if (peer === resource) return true;
      const env = environments.get(peer);
      return env?.kind === 'known' && env.value === environment;
    });
  };
}

function withoutStatus(verdict: Extract<RuleVerdict, { status: 'unresolved' }>) {
  return {
    reason: verdict.reason,
    candidates: verdict.candidates,
    ...(verdict.fix !== undefined && { fix: verdict.fix }),
  };
}
