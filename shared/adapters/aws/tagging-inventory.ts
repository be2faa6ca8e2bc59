import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
  type ResourceTagMapping,
} from '@aws-sdk/client-resource-groups-tagging-api';
import type { TaggedResource } from '../../checks/tag-coverage/types.js';
import { parseArn } from '../../core/arn.js';
import { ScanError } from '../../core/errors.js';
import { GLOBAL_REGION, regionOfArn } from '../../core/global-region.js';
import type { InventorySource } from '../../core/sources.js';
import { partitionOfRegion, type RoleAssumer } from './assume-role.js';
import { awsClient } from './clients.js';
import { globalEndpointRegion } from './partition-regions.js';

/** The API's maximum page size: fewest calls against the 15 req/s per account and region quota. */
export const RESOURCES_PER_PAGE = 100;
/** Name of this source in `TagObservations.sources`. */
export const TAGGING_API_SOURCE = 'tagging-api';

export interface TaggingInventoryOptions {
  /** Assumes `memberRoleName` in each member account; its cache spans regions, so each account is assumed once. */
  readonly assumer: RoleAssumer;
  /** `organization.memberRoleName`. */
  readonly memberRoleName: string;
}

/**
 * {@link InventorySource} over the Resource Groups Tagging API `GetResources`,
 * read in the member account through its read role.
 *
 * Throttling (`ThrottledException`, 15 req/s per account and region) is left
 * to the SDK: its adaptive retry mode classes that error as throttling, backs
 * off and slows the client's send rate, which is all this quota needs. What
 * is still failing after the SDK's attempts, or any other error, fails the
 * whole scope with a {@link ScanError} (`<account>/<region>`): a partial list
 * is never returned.
 *
 * The API only lists resources that are or once were tagged (GetResources
 * API reference): never-tagged resources need AWS Config or Resource
 * Explorer (`organization.inventory`). It never lists IAM users and roles.
 * Global resources (CloudFront, Route 53) come from the partition's global
 * region (us-east-1), read as the scope `<account>/global` and left out of
 * that region's own scan.
 *
 * @example
 * const inventory = new TaggingInventory({ assumer, memberRoleName: config.organization.memberRoleName });
 * const resources = await inventory.listResources('123456789012', 'eu-west-1');
 */
export class TaggingInventory implements InventorySource {
  readonly name = TAGGING_API_SOURCE;
  /** Global resources are read on their own, from the partition's global endpoint region. */
  readonly globalScope = true;
  readonly #options: TaggingInventoryOptions;
  #pageRequests = 0;

  constructor(options: TaggingInventoryOptions) {
    this.#options = options;
  }

  /** GetResources calls sent so far (each page is one; SDK retries not counted). For benches. */
  get pageRequests(): number {
    return this.#pageRequests;
  }

  async listResources(accountId: string, region: string): Promise<TaggedResource[]> {
    const scope = `${accountId}/${region}`;
    const global = region === GLOBAL_REGION;
    const partition = global ? this.#options.assumer.defaultPartition : partitionOfRegion(region);
    // GetResources returns CloudFront and Route 53 (global) resources only from us-east-1 (in `aws`).
    const endpointRegion = global ? globalEndpointRegion(partition) : region;
    try {
      const role = this.#options.assumer.assume(accountId, this.#options.memberRoleName, partition);
      // Resolved up front so a role that cannot be assumed fails with its own error, naming the role.
      await role.credentials();
      const { credentials, credentialsKey } = role;
      const client = awsClient(ResourceGroupsTaggingAPIClient, {
        region: endpointRegion,
        credentials,
        credentialsKey,
      });
      const listed = await this.#readAllPages(client, { accountId, region: endpointRegion });
      // Each resource is counted once: global ones in `<account>/global`, the rest in their region.
      return listed.filter((r) => (r.region === GLOBAL_REGION) === global);
    } catch (cause) {
      if (cause instanceof ScanError) throw cause;
      throw new ScanError(scope, reasonOf(cause), { cause });
    }
  }

  async #readAllPages(
    client: ResourceGroupsTaggingAPIClient,
    scanned: { accountId: string; region: string },
  ): Promise<TaggedResource[]> {
    const resources: TaggedResource[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const page = await client.send(
        new GetResourcesCommand({ ResourcesPerPage: RESOURCES_PER_PAGE, PaginationToken: token }),
      );
      this.#pageRequests++;
      for (const mapping of page.ResourceTagMappingList ?? [])
        resources.push(toTaggedResource(mapping, scanned));
      // The last page carries an empty string, not an absent token (aws-sdk-go#4121, boto3#2513).
      token = page.PaginationToken || undefined;
      if (token !== undefined) {
        if (seen.has(token)) {
          throw new ScanError(
            `${scanned.accountId}/${scanned.region}`,
            'GetResources repeated a PaginationToken',
          );
        }
        seen.add(token);
      }
    } while (token !== undefined);
    return resources;
  }
}

/**
 * One `ResourceTagMapping` as a {@link TaggedResource}. Account and region
 * come from the ARN where it has them. An ARN without a region is a global
 * resource (CloudFront, Route 53): region `global`; except an S3 bucket,
 * which is regional and gets the region that was scanned. An ARN without an
 * account (S3, Route 53) gets the account that was scanned.
 *
 * @example
 * toTaggedResource({ ResourceARN: 'arn:aws:s3:::logs', Tags: [{ Key: 'owner', Value: 'data' }] },
 *   { accountId: '123456789012', region: 'eu-west-1' });
 * // { arn: 'arn:aws:s3:::logs', accountId: '123456789012', region: 'eu-west-1', resourceType: 's3:bucket', tags: { owner: 'data' } }
 */
export function toTaggedResource(
  mapping: ResourceTagMapping,
  scanned: { readonly accountId: string; readonly region: string },
): TaggedResource {
  const arn = mapping.ResourceARN;
  if (!arn) throw new Error('GetResources returned a mapping without a ResourceARN');
  const parsed = parseArn(arn);
  const tags: Record<string, string> = {};
  for (const tag of mapping.Tags ?? []) {
    if (tag.Key) tags[tag.Key] = tag.Value ?? '';
  }
  return {
    arn,
    accountId: parsed.accountId ?? scanned.accountId,
    region: regionOfArn(parsed) ?? scanned.region,
    resourceType: parsed.resourceType,
    tags,
  };
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'PaginationTokenExpiredException') {
    return `${error.name}: the scan took longer than a PaginationToken lives (15 minutes): ${error.message}`;
  }
  // Our own errors (AssumeRoleError) already say what failed.
  return error.name === 'AssumeRoleError' ? error.message : `${error.name}: ${error.message}`;
}
