import { ConfigServiceClient, SelectAggregateResourceConfigCommand } from '@aws-sdk/client-config-service';
import type { TaggedResource } from '../../checks/tag-coverage/types.js';
import { parseArn } from '../../core/arn.js';
import { InputError, ScanError } from '../../core/errors.js';
import type { InventorySource } from '../../core/sources.js';
import { type ManagementAccount, managementAccess, type RoleAssumer } from './assume-role.js';
import { type AwsClientOptions, awsClient } from './clients.js';
import { awsFailureReason } from './cost-explorer-query.js';

/** Name of this source in `TagObservations.sources` and coverage evidence. */
export const CONFIG_SOURCE = 'config';
/** SelectAggregateResourceConfig's largest page (API reference: Limit 0–100; 25 when unset). */
export const SELECT_PAGE_LIMIT = 100;
/** Configuration items of a resource that no longer exists. */
const DELETED = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded']);
/** Config's own compliance records: rows about evaluations, not resources anyone tags. */
const NOT_RESOURCES = /^AWS::Config::\w*Compliance$/;

export interface ConfigAggregatorInventoryOptions {
  readonly aggregatorName: string;
  /** The aggregator's region. */
  readonly region: string;
  /** The aggregator's account and the role to assume there when the caller is elsewhere. */
  readonly account: ManagementAccount;
  readonly assumer: RoleAssumer;
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
 * Config sees only the resource types its recorders record; an account or
 * region without a recorder, or not yet aggregated, lists nothing.
 *
 * @example
 * const inventory = new ConfigAggregatorInventory({ aggregatorName: 'org', region: 'us-east-1', account, assumer });
 * await inventory.listResources('123456789012', 'eu-west-1');
 */
export class ConfigAggregatorInventory implements InventorySource {
  readonly name = CONFIG_SOURCE;
  readonly globalScope = true;
  readonly #options: ConfigAggregatorInventoryOptions;
  #pageRequests = 0;

  constructor(options: ConfigAggregatorInventoryOptions) {
    this.#options = options;
  }

  /** SelectAggregateResourceConfig calls sent so far. */
  get pageRequests(): number {
    return this.#pageRequests;
  }

  async listResources(accountId: string, region: string): Promise<TaggedResource[]> {
    const scope = `${accountId}/${region}`;
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
