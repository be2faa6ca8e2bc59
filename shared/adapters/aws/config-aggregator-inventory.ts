import { ConfigServiceClient, SelectAggregateResourceConfigCommand } from '@aws-sdk/client-config-service';
import type { TaggedResource } from '../../checks/tag-coverage/types.js';
import { parseArn } from '../../core/arn.js';
import { InputError, ScanError } from '../../core/errors.js';
import { GLOBAL_REGION } from '../../core/global-region.js';
import type { InventorySource } from '../../core/sources.js';
import { type ManagementAccount, managementAccess, type RoleAssumer } from './assume-role.js';
import { type AwsClientOptions, awsClient } from './clients.js';
import {
  ConfigAggregatorQuery,
  SELECT_PAGE_LIMIT,
  type SourceStatus,
  whyUncovered,
} from './config-aggregator-query.js';

export { SELECT_PAGE_LIMIT };

import { awsFailureReason } from './cost-explorer-query.js';
import { ExpiringMemo, INVENTORY_CHECK_TTL_MS } from './expiring-memo.js';

/** Name of this source in `TagObservations.sources` and coverage evidence. */
export const CONFIG_SOURCE = 'config';
/** Configuration items of a resource that no longer exists. */
const DELETED = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded']);
/**
 * Types Config records that are records, not resources anyone can tag: Config's own compliance
 * evaluations, Systems Manager's inventory and compliance data of managed instances (AWS Config
 * Developer Guide, "Supported Resource Types", Systems Manager), and the account-level S3 Block
 * Public Access setting. Counted, they would reach owners as untagged resources nobody can tag.
 */
const NOT_RESOURCES =
  /^(?:AWS::Config::\w*Compliance|AWS::SSM::(?:ManagedInstanceInventory|PatchCompliance|AssociationCompliance|FileData)|AWS::S3::AccountPublicAccessBlock)$/;

export interface ConfigAggregatorInventoryOptions {
  readonly aggregatorName: string;
  /** The aggregator's region. */
  readonly region: string;
  /** The aggregator's account and the role to assume there when the caller is elsewhere. */
  readonly account: ManagementAccount;
  readonly assumer: RoleAssumer;
  /** Clock of the coverage check's expiry (tests). */
  readonly now?: () => number;
}

/**
 * {@link InventorySource} over an AWS Config organization aggregator,
 * `SelectAggregateResourceConfig` (advanced query): every resource Config
 * records in the account and region, tagged or not, with its tags. Config
 * records IAM users, roles and policies too, under the region `global`.
 *
 * One query per (account, region), 100 rows a page (the API's maximum),
 * following NextToken. Rows of deleted resources and Config's own
 * compliance records are left out. Any failure fails the scope with a
 * {@link ScanError}: a partial list never passes for a complete one.
 *
 * A region the aggregator does not hold, or last failed to collect (for an
 * aggregator of listed accounts, the account there), is a scan gap, never an
 * empty list (`DescribeConfigurationAggregatorSourcesStatus`, read once a
 * run). Config still sees only the resource types its recorders record: an
 * account whose recorder is off, or does not record a type, lists none of it
 * (an organization aggregator reports its status per region, not per
 * account).
 *
 * @example
 * const inventory = new ConfigAggregatorInventory({ aggregatorName: 'org', region: 'us-east-1', account, assumer });
 * await inventory.listResources('123456789012', 'eu-west-1');
 */
export class ConfigAggregatorInventory implements InventorySource {
  readonly name = CONFIG_SOURCE;
  readonly globalScope = true;
  readonly #options: ConfigAggregatorInventoryOptions;
  readonly #status: ConfigAggregatorQuery;
  /** The aggregator's sources and their last collection; trusted for about one run. */
  readonly #statuses: ExpiringMemo<SourceStatus[]>;
  #pageRequests = 0;

  constructor(options: ConfigAggregatorInventoryOptions) {
    this.#options = options;
    this.#status = new ConfigAggregatorQuery(options);
    this.#statuses = new ExpiringMemo(INVENTORY_CHECK_TTL_MS, options.now);
  }

  /** SelectAggregateResourceConfig calls sent so far. */
  get pageRequests(): number {
    return this.#pageRequests;
  }

  async listResources(accountId: string, region: string): Promise<TaggedResource[]> {
    const scope = `${accountId}/${region}`;
    if (region !== GLOBAL_REGION) {
      const uncovered = await this.#whyUncovered(accountId, region).catch((cause: unknown) => {
        throw cause instanceof ScanError ? new ScanError(scope, cause.reason, { cause }) : cause;
      });
      if (uncovered !== undefined)
        throw new ScanError(scope, `AWS Config: ${uncovered}: its resources cannot be listed`);
    }
    try {
      const options: AwsClientOptions = {
        region: this.#options.region,
        ...(await managementAccess(this.#options.assumer, this.#options.account)),
      };
      const client = awsClient(ConfigServiceClient, options);
      const resources: TaggedResource[] = [];
      const seen = new Set<string>();
      let token: string | undefined;
      do {
        const page = await client.send(
          new SelectAggregateResourceConfigCommand({
            ConfigurationAggregatorName: this.#options.aggregatorName,
            Expression: selectExpression(accountId, region),
            Limit: SELECT_PAGE_LIMIT,
            NextToken: token,
          }),
        );
        this.#pageRequests++;
        (page.Results ?? []).forEach((row, i) => {
          const resource = fromConfigRow(row, `Results[${i}]`);
          if (resource) resources.push(resource);
        });
        token = page.NextToken || undefined;
        if (token !== undefined) {
          if (seen.has(token))
            throw new ScanError(scope, 'SelectAggregateResourceConfig repeated a NextToken');
          seen.add(token);
        }
      } while (token !== undefined);
      return resources;
    } catch (cause) {
      if (cause instanceof ScanError) throw cause;
      throw new ScanError(
        scope,
        `AWS Config: ${awsFailureReason(cause, 'config:SelectAggregateResourceConfig')}`,
        { cause },
      );
    }
  }

  /** Why the aggregator holds no data of `accountId` in `region` (its status read once per run, again after a failure). */
  async #whyUncovered(accountId: string, region: string): Promise<string | undefined> {
    const statuses = await this.#statuses.get('status', () => this.#status.sourcesStatus());
    return whyUncovered(this.#options.aggregatorName, statuses, region, accountId);
  }
}

/**
 * The advanced query of one scope. Account ids and regions are validated
 * before they reach the SQL, so nothing can be injected.
 *
 * @example
 * selectExpression('123456789012', 'global');
 * // "SELECT accountId, awsRegion, arn, resourceType, configurationItemStatus, tags WHERE accountId = '123456789012' AND awsRegion = 'global'"
 */
export function selectExpression(accountId: string, region: string): string {
  if (!/^\d{12}$/.test(accountId)) throw new InputError('accountId', `not an account id: ${accountId}`);
  if (!/^[a-z0-9-]+$/.test(region)) throw new InputError('region', `not a region: ${region}`);
  return `SELECT accountId, awsRegion, arn, resourceType, configurationItemStatus, tags WHERE accountId = '${accountId}' AND awsRegion = '${region}'`;
}

/**
 * One row of the query (a JSON string) as a {@link TaggedResource}, or
 * undefined for a deleted resource or a compliance record. Tags arrive as
 * `[{key, value}]`.
 *
 * @throws InputError when the row is not JSON or lacks its account, region or ARN.
 */
export function fromConfigRow(row: string, where: string): TaggedResource | undefined {
  let item: {
    accountId?: unknown;
    awsRegion?: unknown;
    arn?: unknown;
    resourceType?: unknown;
    configurationItemStatus?: unknown;
    tags?: unknown;
  };
  try {
    item = JSON.parse(row) as typeof item;
  } catch (cause) {
    throw new InputError(where, 'not a JSON object', { cause });
  }
  if (typeof item.configurationItemStatus === 'string' && DELETED.has(item.configurationItemStatus))
    return undefined;
  if (typeof item.resourceType === 'string' && NOT_RESOURCES.test(item.resourceType)) return undefined;
  if (
    typeof item.accountId !== 'string' ||
    typeof item.awsRegion !== 'string' ||
    typeof item.arn !== 'string'
  ) {
    throw new InputError(where, 'expected accountId, awsRegion and arn');
  }
  const tags: Record<string, string> = {};
  if (Array.isArray(item.tags)) {
    for (const tag of item.tags as Array<{ key?: unknown; value?: unknown }>) {
      if (typeof tag?.key === 'string') tags[tag.key] = typeof tag.value === 'string' ? tag.value : '';
    }
  }
  return {
    arn: item.arn,
    accountId: item.accountId,
    region: item.awsRegion,
    resourceType: parseArn(item.arn).resourceType,
    tags,
  };
}
