import {
  type Account,
  OrganizationsClient,
  paginateListAccounts,
  paginateListTagsForResource,
} from '@aws-sdk/client-organizations';
import type { AccountInfo } from '../../checks/tag-coverage/types.js';
import { mapSettled } from '../../core/concurrency.js';
import { ScanError } from '../../core/errors.js';
import type { AccountDirectory } from '../../core/sources.js';
import { type ManagementAccount, managementAccess, type RoleAssumer, roleAssumer } from './assume-role.js';
import { type AwsClientOptions, awsClient, type CredentialsProvider } from './clients.js';
import { globalEndpointRegion } from './partition-regions.js';

/** Organizations is a global service served from us-east-1 in the `aws` partition. */
export const ORGANIZATIONS_REGION = 'us-east-1';
/**
 * Accounts whose tags are read at once. Organizations allows only a few
 * requests per second per account; more in flight only buys throttling, which
 * the SDK's adaptive retry then has to absorb.
 */
export const ACCOUNT_TAGS_CONCURRENCY = 4;
/** Scope of a failure to list the organization. */
export const DIRECTORY_SCOPE = 'organization';

export interface OrganizationsDirectoryOptions extends ManagementAccount {
  /** Credentials for Organizations, used as they are (e.g. the CLI's profile). Default: {@link managementAccess}. */
  readonly credentials?: CredentialsProvider;
  /** Default: a new assumer with purpose `directory`. */
  readonly assumer?: RoleAssumer;
  /** Default {@link ORGANIZATIONS_REGION}. */
  readonly region?: string;
  /** Default {@link ACCOUNT_TAGS_CONCURRENCY}. */
  readonly tagConcurrency?: number;
}

/**
 * {@link AccountDirectory} over AWS Organizations: every account (`ListAccounts`,
 * whatever its state; the check decides what to scan) with its tags
 * (`ListTagsForResource`). Must run in the management account or a delegated
 * administrator, hence the management read role.
 *
 * All or nothing: if any page or any account's tags cannot be read, it throws
 * a {@link ScanError} (scope `organization`), since a missing account tag would
 * silently route that account's findings to the default owner.
 *
 * @example
 * const directory = new OrganizationsDirectory({ ...config.organization, assumer });
 * const accounts = await directory.listAccounts();
 */
export class OrganizationsDirectory implements AccountDirectory {
  readonly #options: OrganizationsDirectoryOptions;

  constructor(options: OrganizationsDirectoryOptions) {
    this.#options = options;
  }

  async listAccounts(): Promise<AccountInfo[]> {
    let client: OrganizationsClient;
    let accounts: Account[];
    try {
      client = awsClient(OrganizationsClient, await this.#clientOptions());
      accounts = [];
      for await (const page of paginateListAccounts({ client }, {})) accounts.push(...(page.Accounts ?? []));
    } catch (cause) {
      throw new ScanError(DIRECTORY_SCOPE, `ListAccounts failed: ${errorText(cause)}`, { cause });
    }
    const limit = this.#options.tagConcurrency ?? ACCOUNT_TAGS_CONCURRENCY;
    const results = await mapSettled(accounts, limit, (account) => toAccountInfo(client, account));
    return results.map((result, i) => {
      if (result.status === 'fulfilled') return result.value;
      const id = accounts[i]?.Id ?? '?';
      throw new ScanError(DIRECTORY_SCOPE, `tags of account ${id}: ${errorText(result.reason)}`, {
        cause: result.reason,
      });
    });
  }

  async #clientOptions(): Promise<AwsClientOptions> {
    const { credentials } = this.#options;
    if (credentials !== undefined)
      return { region: this.#options.region ?? ORGANIZATIONS_REGION, credentials };
    const assumer = this.#options.assumer ?? roleAssumer({ purpose: 'directory' });
    // One endpoint per partition, as for Cost Explorer.
    const region = this.#options.region ?? globalEndpointRegion(assumer.defaultPartition);
    return { region, ...(await managementAccess(assumer, this.#options)) };
  }
}

/**
 * The account's status: `State` where the API gives it (`Status` is retired
 * on 2026-09-09), else `Status`. Both use ACTIVE, SUSPENDED and
 * PENDING_CLOSURE; `State` adds PENDING_ACTIVATION and CLOSED.
 *
 * @example
 * accountStatus({ Status: 'ACTIVE', State: 'SUSPENDED' }); // 'SUSPENDED'
 */
export function accountStatus(account: Pick<Account, 'State' | 'Status'>): string {
  return account.State ?? account.Status ?? 'UNKNOWN';
}

async function toAccountInfo(client: OrganizationsClient, account: Account): Promise<AccountInfo> {
  const id = account.Id;
  if (!id) throw new Error('ListAccounts returned an account without an Id');
  const tags: Record<string, string> = {};
  for await (const page of paginateListTagsForResource({ client }, { ResourceId: id })) {
    for (const tag of page.Tags ?? []) {
      if (tag.Key) tags[tag.Key] = tag.Value ?? '';
    }
  }
  return { id, name: account.Name ?? id, status: accountStatus(account), tags };
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
