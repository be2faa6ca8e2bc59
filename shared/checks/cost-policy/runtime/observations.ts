import type { CostRule } from '../../../config/cost-policy-schema.js';
import type { AccountInfo } from '../../tag-coverage/types.js';
import type { CostResource } from '../model.js';

/**
 * The rules judged on the rows of one Config query, and the resources read
 * (normalized), or nothing when the query failed. Rules of one kind share a
 * query; `resource-limit` has one query per resource type.
 */
export interface RuleGroup {
  /** `allowed-instance-types`, `resource-limit/AWS::EC2::NatGateway`, …: names the query in logs and gaps. */
  readonly query: string;
  readonly rules: readonly CostRule[];
  /** Absent when the query (or a read it needs) failed: its rules are not judged this run. */
  readonly resources?: readonly CostResource[];
}

/** What a cost-policy run read, for the pure evaluation. */
export interface CostPolicyCollected {
  /** The accounts judged (ACTIVE, selected by config), with their tags for owner routing. */
  readonly accounts: readonly AccountInfo[];
  readonly groups: readonly RuleGroup[];
  /**
   * Scopes read completely, as the pipeline gets them: `<account>/policy/<rule id>`
   * and `policy/<rule id>`. A first-seen date is forgotten only in a complete scope,
   * and a digest is raised only for one (an incomplete one holds what is open).
   */
  readonly completed: ReadonlySet<string>;
  /** Cost per resource ARN over the last 30 days, where Cost Explorer or FOCUS knows it. */
  readonly resourceCostUsd?: ReadonlyMap<string, number>;
  /** Sources read: `config-aggregator`, `cloudwatch-logs`, `config-items.json`, … */
  readonly sources: readonly string[];
}

/** The scope of one rule's verdicts in one account: its digests resolve only when a run completes it. */
export function ruleAccountScope(accountId: string, ruleId: string): string {
  return `${accountId}/policy/${ruleId}`;
}

/** Whether a scope is some account's digest scope of some rule (`<account>/policy/<rule>`). */
export function isRuleAccountScope(scope: string): boolean {
  return /^\d{12}\/policy\/[^/]+$/.test(scope);
}

/** The scope of one rule's query across the organization: a failed query is a scan gap here. */
export function ruleScope(ruleId: string): string {
  return `policy/${ruleId}`;
}

/** The scope of the aggregator's coverage of one region (or of every region, `policy/aggregator`). */
export function aggregatorScope(region?: string): string {
  return region === undefined ? 'policy/aggregator' : `policy/aggregator/${region}`;
}

/** The scope of the waiver report: complete only when every rule was judged. */
export const WAIVERS_SCOPE = 'policy/waivers';
