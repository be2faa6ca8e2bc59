import type { ConfigQuery } from '../../../../../shared/checks/cost-policy/config-queries.js';
import type { LogGroupDescription } from '../../../../../shared/checks/cost-policy/from-config/log-group.js';
import type { CostPolicyPorts } from '../../../../../shared/checks/cost-policy/runtime/ports.js';
import type { AccountInfo } from '../../../../../shared/checks/tag-coverage/types.js';
import { parseConfig } from '../../../../../shared/config/loader.js';
import type { Envelope } from '../../../../../shared/core/envelope.js';
import { ScanError } from '../../../../../shared/core/errors.js';
import type { Sink } from '../../../../../shared/core/ports.js';

/**
 * A two-account organization for the runtime cost-policy tests. Rows are
 * advanced-query rows as SelectAggregateResourceConfig returns them
 * (AWS Config API Reference, SelectAggregateResourceConfig: `Results` is a
 * list of JSON strings; tags as `[{key, value, tag}]` per the advanced-query
 * property schema's `tags.key`, `tags.value`, `tags.tag`), holding only the
 * fields config-queries.ts selects.
 */
export const A = '111111111111';
export const B = '222222222222';
export const REGION = 'us-east-1';

export const config = parseConfig(`
version: 1
organization:
  regions: [us-east-1]
  ownerTagKeys: [owner]
  defaultOwner: { team: finops }
tagPolicy:
  requiredTags: [{ key: owner }]
  gracePeriod: 7d
  escalateAfter: 30d
costPolicy:
  rules:
    - id: approved-types
      kind: allowed-instance-types
      allow: ["t4g.*", "db.t4g.*"]
    - id: gp3-only
      kind: volume-type
      allowedTypes: [gp3]
    - id: logs-expire
      kind: log-retention
      maxDays: 400
    - id: no-nat-in-dev
      kind: resource-limit
      resourceType: AWS::EC2::NatGateway
      max: 0
      environments: [dev]
  waivers:
    - rule: gp3-only
      resource: "arn:aws:ec2:*:${A}:volume/vol-waived"
      reason: migrating in Q1
      expires: 2026-11-01
    - rule: removed-rule
      resource: anything
      reason: the rule was renamed
      expires: 2027-01-01
`);

export const accounts: AccountInfo[] = [
  { id: A, name: 'alpha-prod', status: 'ACTIVE', tags: { owner: 'alpha' } },
  { id: B, name: 'beta-dev', status: 'ACTIVE', tags: {} },
];

/** One advanced-query row (a JSON string, as `Results[]` holds it). */
export function row(
  accountId: string,
  resourceType: string,
  resourceId: string,
  fields: Record<string, unknown>,
  tags: Record<string, string> = {},
): string {
  const service = resourceType.split('::')[1]?.toLowerCase();
  return JSON.stringify({
    resourceId,
    resourceType,
    arn: `arn:aws:${service}:${REGION}:${accountId}:${resourceType.split('::')[2]?.toLowerCase()}/${resourceId}`,
    accountId,
    awsRegion: REGION,
    configurationItemStatus: 'OK',
    tags: Object.entries(tags).map(([key, value]) => ({ key, value, tag: `${key}=${value}` })),
    ...fields,
  });
}

export const instance = (account: string, id: string, type: string, tags: Record<string, string> = {}) =>
  row(account, 'AWS::EC2::Instance', id, { configuration: { instanceType: type } }, tags);
export const volume = (account: string, id: string, type: string, tags: Record<string, string> = {}) =>
  row(account, 'AWS::EC2::Volume', id, { configuration: { volumeType: type, size: 100, iops: 3000 } }, tags);
export const fn = (account: string, name: string, tags: Record<string, string> = {}) =>
  row(account, 'AWS::Lambda::Function', name, { configuration: { functionName: name } }, tags);
export const nat = (account: string, id: string, tags: Record<string, string> = {}) =>
  row(account, 'AWS::EC2::NatGateway', id, { configuration: { connectivityType: 'public' } }, tags);

/** A world the test changes between runs. */
export interface PolicyWorld {
  rows: string[];
  logGroups: Record<string, LogGroupDescription[]>;
  /** Query kinds (or `resource-limit/<type>`) that fail, with the error name. */
  failQueries: Record<string, string>;
  failLogs: string[];
  queries: string[];
  /** When set, the Config source reports these regions as not aggregated (or cannot tell, `'unreadable'`). */
  uncovered?: Array<{ region: string; reason: string }> | 'unreadable';
}

export function world(rows: string[], logGroups: Record<string, LogGroupDescription[]> = {}): PolicyWorld {
  return { rows, logGroups, failQueries: {}, failLogs: [], queries: [] };
}

function queryId(query: ConfigQuery): string {
  return query.kind === 'resource-limit' ? `resource-limit/${query.resourceTypes[0]}` : query.kind;
}

/** Ports over a world: the Config source filters rows by the query's resource types, as the WHERE clause does. */
export function ports(w: PolicyWorld): CostPolicyPorts {
  return {
    directory: { listAccounts: async () => accounts },
    config: {
      name: 'fixture-config',
      select: async (query) => {
        const id = queryId(query);
        w.queries.push(id);
        const fail = w.failQueries[id];
        if (fail) throw Object.assign(new Error('Rate exceeded'), { name: fail });
        return w.rows
          .filter((r) =>
            query.resourceTypes.includes((JSON.parse(r) as { resourceType: string }).resourceType),
          )
          .map((raw, i) => ({ raw, where: `Results[${i}]` }));
      },
      uncoveredRegions: async () => {
        if (w.uncovered === 'unreadable')
          throw Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
        return w.uncovered ?? [];
      },
    },
    logGroups: {
      name: 'fixture-logs',
      listLogGroups: async (accountId, region) => {
        if (w.failLogs.includes(accountId))
          throw new ScanError(`${accountId}/${region}`, 'AccessDenied: logs:DescribeLogGroups');
        return w.logGroups[accountId] ?? [];
      },
    },
  };
}

/** A sink that keeps what it was given. */
export function memorySink(): Sink & { events: Envelope[] } {
  const events: Envelope[] = [];
  return {
    name: 'memory',
    events,
    deliver: async (batch) => {
      events.push(...batch);
    },
  };
}
