import type { AccountInfo, AccountSpend, TaggedResource } from '../checks/tag-coverage/types.js';

/** Accounts of the organization with their tags (Organizations, or accounts.json). */
export interface AccountDirectory {
  listAccounts(): Promise<AccountInfo[]>;
}

/**
 * Resources and tags of one account and region (Tagging API through the
 * member read role, or resources.json). Throws when the scope cannot be read
 * completely: a partial list must never pass for a complete one.
 */
export interface InventorySource {
  readonly name: string;
  listResources(accountId: string, region: string): Promise<TaggedResource[]>;
}

/** Spend, and spend lacking each tag key, per account (Cost Explorer TAG groups, or FOCUS Tags). */
export interface TagSpendSource {
  readonly name: string;
  untaggedSpend(input: {
    accountIds: readonly string[];
    keys: readonly string[];
    start: Date;
    end: Date;
  }): Promise<AccountSpend[]>;
  /** Cost per resource ARN over the window, where the source knows it. */
  resourceCosts?(input: { start: Date; end: Date }): Promise<Map<string, number>>;
}
