import { join } from 'node:path';
import type { AccountInfo, AccountSpend, TaggedResource } from '../../checks/tag-coverage/types.js';
import type { ProgressLog } from '../../core/ports.js';
import type { AccountDirectory, InventorySource, TagSpendSource } from '../../core/sources.js';
import { readFocusCsv } from './focus-csv.js';
import type { FocusRow } from './focus-row.js';
import { readAccountsJson, readResourcesJson } from './inventory-json.js';

/** The local files of an organization, as `--source file` reads them. */
export interface OrgFiles {
  readonly dir: string;
  readonly log: ProgressLog;
  /** The first configured region: global resources (IAM) are attributed to it, as a live scan of that region would. */
  readonly homeRegion: string;
}

/** `accounts.json`: the ListAccounts shape with Tags. Bad entries are reported and skipped. */
export function fileAccountDirectory(files: OrgFiles): AccountDirectory {
  return {
    async listAccounts(): Promise<AccountInfo[]> {
      const { items, errors } = await readAccountsJson(join(files.dir, 'accounts.json'), 'accounts.json');
      for (const error of errors) files.log.warn(error.message);
      return items.map((a) => ({ id: a.id, name: a.name, status: a.status, tags: a.tags }));
    },
  };
}

/** `resources.json`: the GetResources shape. Read once, then served per (account, region). */
export function fileInventory(files: OrgFiles): InventorySource {
  let byScope: Promise<Map<string, TaggedResource[]>> | undefined;
  const load = async () => {
    const { items, errors } = await readResourcesJson(join(files.dir, 'resources.json'), 'resources.json');
    for (const error of errors) files.log.warn(error.message);
    const map = new Map<string, TaggedResource[]>();
    for (const r of items) {
      const region = r.region === 'global' ? files.homeRegion : r.region;
      const key = `${r.accountId}/${region}`;
      const list = map.get(key) ?? [];
      list.push({ arn: r.arn, accountId: r.accountId, region, resourceType: r.resourceType, tags: r.tags });
      map.set(key, list);
    }
    return map;
  };
  return {
    name: 'resources.json',
    async listResources(accountId, region) {
      byScope ??= load();
      return (await byScope).get(`${accountId}/${region}`) ?? [];
    },
  };
}

/**
 * Spend per account and spend lacking each tag key, from `costs.csv`
 * (FOCUS). Only usage charges count, as Cost Explorer's RECORD_TYPE Usage
 * filter would; a key is missing when absent or blank, compared exactly
 * (cost allocation tags are case-sensitive).
 */
export function focusTagSpend(files: OrgFiles): TagSpendSource {
  const inWindow = (row: FocusRow, start: Date, end: Date) => {
    const t = Date.parse(row.chargePeriodStart);
    return t >= start.getTime() && t < end.getTime() && (row.chargeCategory ?? 'Usage') === 'Usage';
  };
  const rows = async function* () {
    for await (const item of readFocusCsv({ path: join(files.dir, 'costs.csv'), name: 'costs.csv' })) {
      if ('error' in item) files.log.warn(item.error.message);
      else yield item.row;
    }
  };
  return {
    name: 'costs.csv',
    async untaggedSpend({ accountIds, keys, start, end }): Promise<AccountSpend[]> {
      const wanted = new Set(accountIds);
      const spend = new Map<string, { totalUsd: number; untaggedUsdByKey: Record<string, number> }>();
      for await (const row of rows()) {
        if (!row.subAccountId || !wanted.has(row.subAccountId) || !inWindow(row, start, end)) continue;
        let entry = spend.get(row.subAccountId);
        if (!entry) {
          entry = { totalUsd: 0, untaggedUsdByKey: Object.fromEntries(keys.map((k) => [k, 0])) };
          spend.set(row.subAccountId, entry);
        }
        entry.totalUsd += row.cost;
        for (const key of keys) {
          const value = Object.hasOwn(row.tags, key) ? row.tags[key] : undefined;
          if (!value?.trim()) entry.untaggedUsdByKey[key] = (entry.untaggedUsdByKey[key] ?? 0) + row.cost;
        }
      }
      return [...spend].map(([accountId, s]) => ({ accountId, ...s }));
    },
    async resourceCosts({ start, end }) {
      const costs = new Map<string, number>();
      for await (const row of rows()) {
        if (row.resourceId && inWindow(row, start, end))
          costs.set(row.resourceId, (costs.get(row.resourceId) ?? 0) + row.cost);
      }
      return costs;
    },
  };
}
