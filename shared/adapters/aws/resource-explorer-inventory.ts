import {
  GetViewCommand,
  ListIndexesForMembersCommand,
  ListResourcesCommand,
  type Resource,
  ResourceExplorer2Client,
  type View,
} from '@aws-sdk/client-resource-explorer-2';
import type { TaggedResource } from '../../checks/tag-coverage/types.js';
import { parseArn } from '../../core/arn.js';
import { ScanError } from '../../core/errors.js';
import { GLOBAL_REGION } from '../../core/global-region.js';
import type { InventorySource } from '../../core/sources.js';
import { type ManagementAccount, managementAccess, type RoleAssumer } from './assume-role.js';
import { type AwsClientOptions, awsClient } from './clients.js';
import { awsFailureReason } from './cost-explorer-query.js';
import { ExpiringMemo, INVENTORY_CHECK_TTL_MS } from './expiring-memo.js';

/** Name of this source in `TagObservations.sources` and coverage evidence. */
export const RESOURCE_EXPLORER_SOURCE = 'resource-explorer';
/**
 * ListResources' page. MaxResults goes to 1,000, but at exactly 1,000 the
 * operation returns no NextToken (SDK reference, ListResourcesInput.NextToken):
 * every listing would end at 1,000 resources, silently. At 999 it pages on.
 */
export const LIST_RESOURCES_PAGE = 999;
/** The IAM action that authorizes ListResources (API reference, ListResources, "Minimum permissions"). */
const LIST_RESOURCES_ACTION = 'resource-explorer-2:Search';
/** The view property that carries each resource's tags. */
const TAGS_PROPERTY = 'tags';

export interface ResourceExplorerInventoryOptions {
  /** `organization.inventory.resourceExplorer.viewArn`: its account and region are where the calls go. */
  readonly viewArn: string;
  /** Role assumed in the view's account when the caller is elsewhere (default: the management role's name). */
  readonly roleName: string;
  readonly assumer: RoleAssumer;
  /** Clock of the checks' expiry (tests). */
  readonly now?: () => number;
}

interface ViewAccess {
  readonly client: ResourceExplorer2Client;
  /** The one account an account-scoped view can list; undefined for an organization view. */
  readonly onlyAccount?: string;
}

/**
 * {@link InventorySource} over AWS Resource Explorer `ListResources`, through
 * one multi-account view (created by the management account or a delegated
 * administrator, in the region of the aggregator index). Unlike the Tagging
 * API it lists resources that were never tagged, with empty tags.
 *
 * Each (account, region) is one filtered listing, `accountid:<id>
 * region:<region>`, paged by NextToken at 999 a page (see LIST_RESOURCES_PAGE); `region:global` lists
 * the account's global resources. Before the first listing it checks the
 * view (`GetView`) once: a view without the `tags` property would make every
 * resource look untagged, and a view with a filter would hide resources, so
 * both fail every scope with a {@link ScanError} saying how to fix the view.
 *
 * A scope Resource Explorer cannot see is a scan gap, never an empty
 * account: before an account's first listing it asks which Regions hold an
 * index there (`ListIndexesForMembers`, from the view's account, the
 * management account or a delegated administrator), and a Region without
 * one fails with a ScanError saying how to turn it on. A view scoped to an
 * organizational unit is refused like a filtered one: accounts outside the
 * OU would list nothing.
 *
 * IAM resources are left out: Resource Explorer does not index their tags
 * (Resource Explorer user guide, "Search query syntax reference"), so they
 * would all read as untagged. AWS Config lists them with their tags.
 *
 * @example
 * const inventory = new ResourceExplorerInventory({ viewArn, roleName: 'FinopsGuardrailsManagementRead', assumer });
 * await inventory.listResources('123456789012', 'eu-west-1');
 */
export class ResourceExplorerInventory implements InventorySource {
  readonly name = RESOURCE_EXPLORER_SOURCE;
  readonly globalScope = true;
  readonly #options: ResourceExplorerInventoryOptions;
  readonly #view: { readonly accountId: string; readonly region: string };
  readonly #access: ExpiringMemo<ViewAccess>;
  /** Per account, the Regions where it has a Resource Explorer index. */
  readonly #indexed: ExpiringMemo<ReadonlySet<string>>;
  #pageRequests = 0;

  constructor(options: ResourceExplorerInventoryOptions) {
    this.#options = options;
    this.#access = new ExpiringMemo(INVENTORY_CHECK_TTL_MS, options.now);
    this.#indexed = new ExpiringMemo(INVENTORY_CHECK_TTL_MS, options.now);
    const arn = parseArn(options.viewArn);
    this.#view = { accountId: arn.accountId ?? '', region: arn.region ?? '' };
  }

  /** ListResources calls sent so far. */
  get pageRequests(): number {
    return this.#pageRequests;
  }

  async listResources(accountId: string, region: string): Promise<TaggedResource[]> {
    const scope = `${accountId}/${region}`;
    try {
      const access = await this.#viewAccess();
      if (access.onlyAccount !== undefined && access.onlyAccount !== accountId) {
        throw new ScanError(
          scope,
          `the Resource Explorer view ${this.#options.viewArn} covers only account ${access.onlyAccount}: use a view whose scope is the organization`,
        );
      }
      const indexed = await this.#indexedRegions(access.client, accountId);
      if (region === GLOBAL_REGION ? indexed.size === 0 : !indexed.has(region))
        throw new ScanError(
          scope,
          region === GLOBAL_REGION
            ? `no Resource Explorer index in account ${accountId}: its global resources cannot be listed; turn Resource Explorer on there (Systems Manager Quick Setup for Resource Explorer, or aws resource-explorer-2 create-index)`
            : `no Resource Explorer index in account ${accountId}, Region ${region}: its resources cannot be listed; create one there (aws resource-explorer-2 create-index --region ${region}, or Systems Manager Quick Setup for Resource Explorer)`,
        );
      return await this.#readAllPages(access.client, accountId, region);
    } catch (cause) {
      if (cause instanceof ScanError) throw cause;
      throw new ScanError(scope, `Resource Explorer: ${awsFailureReason(cause, LIST_RESOURCES_ACTION)}`, {
        cause,
      });
    }
  }

  /** The Regions where `accountId` has an index; asked once per account and run, again after a failure. */
  #indexedRegions(client: ResourceExplorer2Client, accountId: string): Promise<ReadonlySet<string>> {
    return this.#indexed.get(accountId, () =>
      listIndexedRegions(client, accountId).catch((cause: unknown) => {
        throw new ScanError(
          `${accountId}/*`,
          `Resource Explorer ListIndexesForMembers: ${awsFailureReason(cause, 'resource-explorer-2:ListIndexesForMembers')}`,
          { cause },
        );
      }),
    );
  }

  /** The client in the view's account and region, and what the view covers; checked once a run, again after a failure. */
  #viewAccess(): Promise<ViewAccess> {
    return this.#access.get('view', () => this.#checkView());
  }

  async #checkView(): Promise<ViewAccess> {
    const account: ManagementAccount = {
      managementAccountId: this.#view.accountId,
      managementRoleName: this.#options.roleName,
    };
    const options: AwsClientOptions = {
      region: this.#view.region,
      ...(await managementAccess(this.#options.assumer, account)),
    };
    const client = awsClient(ResourceExplorer2Client, options);
    let view: View | undefined;
    try {
      view = (await client.send(new GetViewCommand({ ViewArn: this.#options.viewArn }))).View;
    } catch (cause) {
      throw new ScanError(
        'inventory',
        `Resource Explorer GetView: ${awsFailureReason(cause, 'resource-explorer-2:GetView')}`,
        { cause },
      );
    }
    const problem = viewProblem(view);
    if (problem !== undefined)
      throw new ScanError('inventory', `Resource Explorer view ${this.#options.viewArn} ${problem}`);
    const onlyAccount = /^arn:[\w-]+:iam::(\d{12}):root$/.exec(view?.Scope ?? '')?.[1];
    return { client, ...(onlyAccount !== undefined && { onlyAccount }) };
  }

  async #readAllPages(
    client: ResourceExplorer2Client,
    accountId: string,
    region: string,
  ): Promise<TaggedResource[]> {
    const resources: TaggedResource[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListResourcesCommand({
          ViewArn: this.#options.viewArn,
          Filters: { FilterString: listFilter(accountId, region) },
          MaxResults: LIST_RESOURCES_PAGE,
          NextToken: token,
        }),
      );
      this.#pageRequests++;
      for (const resource of page.Resources ?? []) {
        const tagged = toTaggedResource(resource, { accountId, region });
        if (tagged) resources.push(tagged);
      }
      token = page.NextToken || undefined;
      if (token !== undefined) {
        if (seen.has(token))
          throw new ScanError(`${accountId}/${region}`, 'ListResources repeated a NextToken');
        seen.add(token);
      }
    } while (token !== undefined);
    return resources;
  }
}

/** Regions where one member account has a Resource Explorer index, all pages of ListIndexesForMembers. */
async function listIndexedRegions(
  client: ResourceExplorer2Client,
  accountId: string,
): Promise<ReadonlySet<string>> {
  const regions = new Set<string>();
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListIndexesForMembersCommand({ AccountIdList: [accountId], NextToken: token }),
    );
    for (const index of page.Indexes ?? []) {
      if (index.AccountId === accountId && index.Region) regions.add(index.Region);
    }
    token = page.NextToken || undefined;
    if (token !== undefined) {
      if (seen.has(token)) throw new Error('ListIndexesForMembers repeated a NextToken');
      seen.add(token);
    }
  } while (token !== undefined);
  return regions;
}

/**
 * The ListResources filter of one scope. ListResources takes filter
 * prefixes only, no free text; `global` is the region Resource Explorer
 * gives global resources.
 *
 * @example
 * listFilter('123456789012', 'eu-west-1'); // 'accountid:123456789012 region:eu-west-1'
 */
export function listFilter(accountId: string, region: string): string {
  return `accountid:${accountId} region:${region}`;
}

/** What makes a view unfit to count every resource, or undefined when it is fit. */
export function viewProblem(view: View | undefined): string | undefined {
  if (!view) return 'was not returned by GetView';
  const filter = view.Filters?.FilterString?.trim();
  if (filter) return `has a filter (${filter}), which hides resources: coverage needs an unfiltered view`;
  if (/:ou\/o-[a-z0-9]+\/ou-/.test(view.Scope ?? ''))
    return `is scoped to an organizational unit (${view.Scope}), so accounts outside it would list nothing: coverage needs a view whose scope is the organization`;
  if (!view.IncludedProperties?.some((p) => p.Name === TAGS_PROPERTY)) {
    return 'does not include the tags property, so every resource would look untagged: add it (aws resource-explorer-2 update-view --included-properties Name=tags)';
  }
  return undefined;
}

/**
 * One Resource Explorer resource as a {@link TaggedResource}, or undefined
 * for IAM resources, whose tags Resource Explorer does not index. Tags come
 * from the `tags` property (`[{Key, Value}]`); a resource without it has
 * none. Account and region are those the API reports, else the scope's.
 */
export function toTaggedResource(
  resource: Resource,
  scope: { readonly accountId: string; readonly region: string },
): TaggedResource | undefined {
  const arn = resource.Arn;
  if (!arn) throw new Error('ListResources returned a resource without an Arn');
  const parsed = parseArn(arn);
  if (parsed.service === 'iam') return undefined;
  const tags: Record<string, string> = {};
  const data = resource.Properties?.find((p) => p.Name === TAGS_PROPERTY)?.Data;
  if (Array.isArray(data)) {
    for (const tag of data as Array<{ Key?: unknown; Value?: unknown }>) {
      if (typeof tag?.Key === 'string') tags[tag.Key] = typeof tag.Value === 'string' ? tag.Value : '';
    }
  }
  return {
    arn,
    accountId: resource.OwningAccountId ?? scope.accountId,
    region: resource.Region || (scope.region === GLOBAL_REGION ? GLOBAL_REGION : scope.region),
    resourceType: parsed.resourceType,
    tags,
  };
}
