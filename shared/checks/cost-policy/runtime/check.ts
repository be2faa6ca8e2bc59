import type { CostPolicy, CostRule } from '../../../config/cost-policy-schema.js';
import { mapSettled } from '../../../core/concurrency.js';
import type { Check, CollectContext, Collected, ScopeFailure } from '../../../core/ports.js';
import { scopeFailure } from '../../../core/scan-gap.js';
import { DIRECTORY_SCOPE, planTagScan, SPEND_WINDOW_DAYS } from '../../tag-coverage/scan.js';
import type { AccountInfo } from '../../tag-coverage/types.js';
import { CONFIG_QUERIES, type ConfigQuery, resourceLimitQuery } from '../config-queries.js';
import { resourceFromConfigItem } from '../from-config/index.js';
import { type LogGroupDescription, resourceFromLogGroup } from '../from-config/log-group.js';
import type { CostResource } from '../model.js';
import { evaluateCostPolicyRuntime } from './evaluate.js';
import {
  aggregatorScope,
  type CostPolicyCollected,
  isRuleAccountScope,
  type RuleGroup,
  ruleAccountScope,
  ruleScope,
  WAIVERS_SCOPE,
} from './observations.js';
import type { CostPolicyPorts } from './ports.js';

const DAY = 86_400_000;
/** Queries in flight at once: one per rule kind, so a handful; the aggregator is one API endpoint. */
const QUERY_CONCURRENCY = 4;

/** A query and the rules judged on its rows. */
export interface PlannedQuery {
  readonly id: string;
  readonly query: ConfigQuery;
  readonly rules: readonly CostRule[];
}

/**
 * The Config queries a policy needs: one per rule kind it uses (all rules of
 * a kind share it), and one per `resource-limit` resource type. Kinds with no
 * rule are not queried, so a policy pays only for what it judges.
 *
 * @example
 * plannedQueries(policy).map((q) => q.id); // ['allowed-instance-types', 'resource-limit/AWS::EC2::NatGateway']
 */
export function plannedQueries(policy: CostPolicy): PlannedQuery[] {
  const planned: PlannedQuery[] = [];
  for (const query of CONFIG_QUERIES) {
    const rules = policy.rules.filter((r) => r.kind === query.kind);
    if (rules.length > 0) planned.push({ id: query.kind, query, rules });
  }
  const limitTypes = [
    ...new Set(policy.rules.flatMap((r) => (r.kind === 'resource-limit' ? [r.resourceType] : []))),
  ];
  for (const type of limitTypes) {
    planned.push({
      id: `resource-limit/${type}`,
      query: resourceLimitQuery(type),
      rules: policy.rules.filter((r) => r.kind === 'resource-limit' && r.resourceType === type),
    });
  }
  return planned;
}

/** The scope of one (account, region)'s log groups. */
export function logGroupsScope(accountId: string, region: string): string {
  return `${accountId}/${region}/log-groups`;
}

/**
 * The runtime cost-policy check (`cost-policy`): reads the properties each
 * rule kind needs with one AWS Config query per kind, log-group retention
 * per (account, region), and resource costs where known, then judges them
 * with the same rule functions `check-template` uses
 * ({@link evaluateCostPolicyRuntime}).
 *
 * Completeness is per rule: a query that fails is a scan gap on
 * `policy/<rule>` for each of its rules, whose open digests stay open
 * while the other rules are judged; a log-group read that fails holds the
 * log-retention digests of that account.
 */
export function costPolicyCheck(ports: CostPolicyPorts): Check<CostPolicyCollected> {
  return {
    name: 'cost-policy',
    async collect(ctx) {
      const policy = ctx.config.costPolicy;
      const empty = { accounts: [], groups: [], completed: new Set<string>(), sources: [] };
      if (!policy) return { observations: empty, scope: { completed: [], failed: [] } };
      let listed: AccountInfo[];
      try {
        listed = await ports.directory.listAccounts();
      } catch (error) {
        return {
          observations: empty,
          scope: { completed: [], failed: [scopeFailure(DIRECTORY_SCOPE, error)] },
        };
      }
      const plan = planTagScan(listed, ctx);
      const collected = await collectPolicy(ports, policy, plan.accounts, plan.regions, ctx);
      return {
        observations: collected.observations,
        scope: {
          completed: collected.scope.completed,
          failed: [...collected.scope.failed, ...plan.unreadable],
          retired: plan.retired,
        },
      };
    },
    evaluate: evaluateCostPolicyRuntime,
  };
}

/** Reads every planned query, the log groups and the costs, and reports what was read completely. */
export async function collectPolicy(
  ports: CostPolicyPorts,
  policy: CostPolicy,
  accounts: readonly AccountInfo[],
  regions: readonly string[],
  ctx: Pick<CollectContext, 'config' | 'now' | 'log'>,
): Promise<Collected<CostPolicyCollected>> {
  const queries = plannedQueries(policy);
  const failed: ScopeFailure[] = [];
  const completed: string[] = [];
  const inScope = (accountId: string | undefined, region: string | undefined) =>
    accountId !== undefined && region !== undefined && accountIds.has(accountId) && regions.includes(region);
  const accountIds = new Set(accounts.map((a) => a.id));

  const needsLogs = policy.rules.some((r) => r.kind === 'log-retention');
  const logs = needsLogs ? await readLogGroups(ports, accounts, regions, ctx) : undefined;
  if (logs) {
    completed.push(...logs.completed);
    // An account's unread log groups hold its log-retention digests.
    const logRules = policy.rules.filter((r) => r.kind === 'log-retention').map((r) => r.id);
    failed.push(
      ...logs.failed.map((f) => {
        const account = f.scope.split('/')[0] ?? '';
        return { ...f, holds: (s: string) => logRules.some((id) => s === ruleAccountScope(account, id)) };
      }),
    );
  }

  const coverage = await readCoverage(ports, regions);
  // A region the aggregator does not hold holds every digest.
  failed.push(...coverage.failed.map((f) => ({ ...f, holds: isRuleAccountScope })));
  completed.push(...coverage.completed);
  const settled = await mapSettled(queries, QUERY_CONCURRENCY, (q) => ports.config.select(q.query));
  const groups: RuleGroup[] = queries.map((planned, i) => {
    const result = settled[i];
    const failGroup = (error: unknown): RuleGroup => {
      for (const rule of planned.rules)
        failed.push({
          ...scopeFailure(ruleScope(rule.id), error, `${ports.config.name} query ${planned.id}: `),
          // The rule's digest in every account stays open.
          holds: (s: string) => isRuleAccountScope(s) && s.endsWith(`/policy/${rule.id}`),
        });
      return { query: planned.id, rules: planned.rules };
    };
    if (!result || result.status === 'rejected') return failGroup(result?.reason);
    try {
      const resources: CostResource[] = [];
      for (const row of result.value) {
        const logGroup = logs?.lookupFor(row.raw);
        const resource = resourceFromConfigItem(row.raw, logGroup ? { logGroup } : {}, row.where);
        if (resource && inScope(resource.accountId, resource.region)) resources.push(resource);
      }
      if (planned.query.kind === 'log-retention' && logs) resources.push(...logs.resources);
      return { query: planned.id, rules: planned.rules, resources };
    } catch (error) {
      return failGroup(error);
    }
  });

  for (const group of groups) {
    if (!group.resources) continue;
    for (const rule of group.rules) {
      completed.push(ruleScope(rule.id));
      // A region the aggregator does not hold could hide a violation in any account.
      if (!coverage.complete) continue;
      for (const account of accounts) {
        if (rule.kind === 'log-retention' && !logs?.completeAccounts.has(account.id)) continue;
        completed.push(ruleAccountScope(account.id, rule.id));
      }
    }
  }
  if (coverage.complete && groups.every((g) => g.resources) && (!logs || logs.failed.length === 0))
    completed.push(WAIVERS_SCOPE);

  const costs = await readCosts(ports, ctx);
  ctx.log.info(
    `cost-policy: ${queries.length} Config ${queries.length === 1 ? 'query' : 'queries'} (${groups.filter((g) => g.resources).length} read), ${accounts.length} accounts`,
  );
  return {
    observations: {
      accounts,
      groups,
      completed: new Set(completed),
      ...(costs && { resourceCostUsd: costs }),
      sources: [
        ports.config.name,
        ...(logs ? [ports.logGroups.name] : []),
        ...(costs && ports.costs ? [ports.costs.name] : []),
      ],
    },
    scope: { completed, failed },
  };
}

/**
 * Which configured regions the aggregator holds: each region it does not
 * is a scan gap, and no account's rules are complete while one is missing.
 * A status that cannot be read is one gap on `policy/aggregator`.
 */
async function readCoverage(
  ports: CostPolicyPorts,
  regions: readonly string[],
): Promise<{ complete: boolean; completed: string[]; failed: ScopeFailure[] }> {
  if (!ports.config.uncoveredRegions) return { complete: true, completed: [], failed: [] };
  try {
    const uncovered = await ports.config.uncoveredRegions(regions);
    const missing = new Set(uncovered.map((u) => u.region));
    return {
      complete: uncovered.length === 0,
      completed: [aggregatorScope(), ...regions.filter((r) => !missing.has(r)).map(aggregatorScope)],
      failed: uncovered.map((u) => ({
        scope: aggregatorScope(u.region),
        reason: u.reason,
        errorName: 'AggregatorSourceNotCovered',
      })),
    };
  } catch (error) {
    return { complete: false, completed: [], failed: [scopeFailure(aggregatorScope(), error)] };
  }
}

interface LogGroupsRead {
  readonly resources: readonly CostResource[];
  readonly completed: readonly string[];
  readonly failed: readonly ScopeFailure[];
  readonly completeAccounts: ReadonlySet<string>;
  /**
   * The log-group lookup for a row's account and region, or undefined when
   * that scope was not read: the function's retention is then unknown (never
   * judged), not "absent".
   */
  lookupFor(row: unknown): ((name: string) => LogGroupDescription | undefined) | undefined;
}

async function readLogGroups(
  ports: CostPolicyPorts,
  accounts: readonly AccountInfo[],
  regions: readonly string[],
  ctx: Pick<CollectContext, 'config'>,
): Promise<LogGroupsRead> {
  const jobs = accounts.flatMap((a) => regions.map((region) => ({ accountId: a.id, region })));
  const settled = await mapSettled(jobs, ctx.config.organization.scanConcurrency, (job) =>
    ports.logGroups.listLogGroups(job.accountId, job.region),
  );
  const byScope = new Map<string, Map<string, LogGroupDescription>>();
  const resources: CostResource[] = [];
  const completed: string[] = [];
  const failed: ScopeFailure[] = [];
  const failedAccounts = new Set<string>();
  settled.forEach((result, i) => {
    const job = jobs[i];
    if (!job) return;
    const scope = logGroupsScope(job.accountId, job.region);
    if (result.status === 'rejected') {
      failed.push(scopeFailure(scope, result.reason));
      failedAccounts.add(job.accountId);
      return;
    }
    completed.push(scope);
    byScope.set(`${job.accountId}/${job.region}`, new Map(result.value.map((g) => [g.logGroupName, g])));
    for (const group of result.value) resources.push(resourceFromLogGroup(group, job));
  });
  return {
    resources,
    completed,
    failed,
    completeAccounts: new Set(accounts.filter((a) => !failedAccounts.has(a.id)).map((a) => a.id)),
    lookupFor(row) {
      const where = rowScope(row);
      const groups = where === undefined ? undefined : byScope.get(where);
      return groups && ((name: string) => groups.get(name));
    },
  };
}

/** `<account>/<region>` of a row, from its own fields (an API row is a JSON string). */
function rowScope(row: unknown): string | undefined {
  let value = row;
  if (typeof row === 'string') {
    try {
      value = JSON.parse(row);
    } catch {
      return undefined;
    }
  }
  const r = value as { accountId?: unknown; awsAccountId?: unknown; awsRegion?: unknown } | null;
  const account = r?.accountId ?? r?.awsAccountId;
  return typeof account === 'string' && typeof r?.awsRegion === 'string'
    ? `${account}/${r.awsRegion}`
    : undefined;
}

async function readCosts(
  ports: CostPolicyPorts,
  ctx: Pick<CollectContext, 'now' | 'log'>,
): Promise<ReadonlyMap<string, number> | undefined> {
  if (!ports.costs) return undefined;
  const end = new Date(Math.floor(ctx.now.getTime() / DAY) * DAY);
  const start = new Date(end.getTime() - SPEND_WINDOW_DAYS * DAY);
  try {
    return await ports.costs.resourceCosts({ start, end });
  } catch (error) {
    // Cost is evidence, not a verdict: digests go out without it rather than not at all.
    ctx.log.warn(`cost-policy: resource costs not read: ${(error as Error).message}`);
    return undefined;
  }
}
