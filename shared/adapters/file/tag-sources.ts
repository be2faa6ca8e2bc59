import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AccountInfo, SpendKey, TaggedResource, TagSpend } from '../../checks/tag-coverage/types.js';
import { parseArn } from '../../core/arn.js';
import { type InputError, ScanError } from '../../core/errors.js';
import type { ProgressLog } from '../../core/ports.js';
import type { AccountDirectory, InventorySource, TagSpendSource } from '../../core/sources.js';
import { type CsvSource, readCsvRecords } from './csv-reader.js';
import { parseUtcTimestamp } from './csv-values.js';
import { readFocusCsv } from './focus-csv.js';
import {
  parseAccountsJson,
  parseResourcesJson,
  readAccountsJson,
  readResourcesJson,
} from './inventory-json.js';
import { parseJsonText } from './json-text.js';

/** The local files of an organization, as `--source file` reads them. */
export interface OrgFiles {
  readonly dir: string;
  readonly log: ProgressLog;
}

const ACCOUNTS = 'accounts.json';
const RESOURCES = 'resources.json';
const COSTS = 'costs.csv';
const ACCOUNT_ID = /^\d{12}$/;

const NOUNS = { entry: 'entries', row: 'rows' } as const;

/** `N bad entries, first: …`, the first error without its file prefix (the reason names the file once). */
function badSummary(file: string, noun: keyof typeof NOUNS, errors: readonly InputError[]): string {
  const first = errors[0]?.message ?? '';
  const detail = first.startsWith(`${file}: `) ? first.slice(file.length + 2) : first;
  return `${file}: ${errors.length} bad ${errors.length === 1 ? noun : NOUNS[noun]}, first: ${detail}`;
}

/**
 * `accounts.json`: the ListAccounts shape with Tags. A bad entry is logged and
 * listed as unreadable (never skipped, which would look like an account that
 * left the organization and resolve its findings): its scopes become scan
 * gaps. An entry whose Id cannot be read is listed under its JSON path.
 */
export function fileAccountDirectory(files: OrgFiles): AccountDirectory {
  return {
    async listAccounts(): Promise<AccountInfo[]> {
      const path = join(files.dir, ACCOUNTS);
      const { items, errors } = await readAccountsJson(path, ACCOUNTS);
      for (const error of errors) files.log.warn(error.message);
      const accounts: AccountInfo[] = items.map((a) => ({
        id: a.id,
        name: a.name,
        status: a.status,
        tags: a.tags,
      }));
      if (errors.length === 0) return accounts;
      return [...accounts, ...(await unreadableAccounts(path, errors))];
    },
  };
}

/**
 * The bad entries of accounts.json as unreadable accounts, each under its Id
 * when that is a 12-digit string, else under its JSON path. The validator
 * reports one error per bad entry, in file order, so the entries that fail
 * alone line up with the errors; if they do not, every error is unattributed.
 */
async function unreadableAccounts(path: string, errors: readonly InputError[]): Promise<AccountInfo[]> {
  const entries = ((await readFile(path, 'utf8').then(
    (text) => (parseJsonText(text, ACCOUNTS) as { Accounts?: unknown }).Accounts,
    () => undefined,
  )) ?? []) as unknown[];
  const badIndexes = entries.flatMap((entry, index) =>
    parseAccountsJson({ Accounts: [entry] }, ACCOUNTS).errors.length > 0 ? [index] : [],
  );
  const aligned = badIndexes.length === errors.length;
  return errors.map((error, i) => {
    const index = aligned ? (badIndexes[i] ?? -1) : -1;
    const raw = (aligned ? entries[index] : undefined) as { Id?: unknown; Name?: unknown } | undefined;
    const id =
      typeof raw?.Id === 'string' && ACCOUNT_ID.test(raw.Id)
        ? raw.Id
        : `Accounts[${index < 0 ? '?' : index}]`;
    return {
      id,
      name: typeof raw?.Name === 'string' ? raw.Name : id,
      status: 'UNREADABLE',
      tags: {},
      unreadable: { reason: error.message, input: error.location },
    };
  });
}

/** A bad entry of resources.json, by position in the file. */
interface BadEntry {
  readonly index: number;
  readonly error: InputError;
}

interface InventoryIndex {
  readonly byScope: Map<string, TaggedResource[]>;
  /** Bad entries by the `<account>/<region>` they belong to. */
  readonly badByScope: Map<string, BadEntry[]>;
  /** Bad entries whose account or region cannot be told: they fail every scope. */
  readonly unattributed: BadEntry[];
}

/**
 * `resources.json`: the GetResources shape. Read once, then served per
 * (account, region). A bad entry is logged, and fails the scope it belongs
 * to (from its AccountId/Region, else its ARN): a skipped resource would
 * look fixed. An entry whose scope cannot be told fails every scope.
 */
export function fileInventory(files: OrgFiles): InventorySource {
  let loaded: Promise<InventoryIndex> | undefined;
  const load = async (): Promise<InventoryIndex> => {
    const path = join(files.dir, RESOURCES);
    const { items, errors } = await readResourcesJson(path, RESOURCES);
    for (const error of errors) files.log.warn(error.message);
    const byScope = new Map<string, TaggedResource[]>();
    for (const r of items) {
      // Global resources are counted in `<account>/global`, where Resource Explorer and Config put them.
      const { region } = r;
      const key = `${r.accountId}/${region}`;
      const list = byScope.get(key) ?? [];
      list.push({ arn: r.arn, accountId: r.accountId, region, resourceType: r.resourceType, tags: r.tags });
      byScope.set(key, list);
    }
    const badByScope = new Map<string, BadEntry[]>();
    const unattributed: BadEntry[] = [];
    if (errors.length > 0) {
      for (const { bad, scope } of await attributeBadEntries(path, errors)) {
        if (scope === null) {
          unattributed.push(bad);
          continue;
        }
        const list = badByScope.get(scope) ?? [];
        list.push(bad);
        badByScope.set(scope, list);
      }
    }
    return { byScope, badByScope, unattributed };
  };
  return {
    name: RESOURCES,
    globalScope: true,
    async listResources(accountId, region) {
      loaded ??= load();
      const index = await loaded;
      const scope = `${accountId}/${region}`;
      const bad = [...(index.badByScope.get(scope) ?? []), ...index.unattributed];
      if (bad.length > 0) {
        bad.sort((a, b) => a.index - b.index);
        throw new ScanError(
          scope,
          badSummary(
            RESOURCES,
            'entry',
            bad.map((b) => b.error),
          ),
          { cause: bad[0]?.error },
        );
      }
      return index.byScope.get(scope) ?? [];
    },
  };
}

/**
 * Pairs each error of `resources.json` with its raw entry and the scope
 * that entry belongs to. The validator reports one error per bad entry, in
 * file order, so the entries that fail alone line up with the errors.
 * Anything that does not line up is unattributed (fails every scope).
 */
async function attributeBadEntries(
  path: string,
  errors: readonly InputError[],
): Promise<Array<{ bad: BadEntry; scope: string | null }>> {
  const unattributed = () => errors.map((error, index) => ({ bad: { index, error }, scope: null }));
  let entries: unknown[];
  try {
    const document: unknown = parseJsonText(await readFile(path, 'utf8'), RESOURCES);
    const list = (document as { ResourceTagMappingList?: unknown }).ResourceTagMappingList;
    if (!Array.isArray(list)) return unattributed();
    entries = list;
  } catch {
    return unattributed();
  }
  const badIndexes = entries.flatMap((entry, index) =>
    parseResourcesJson({ ResourceTagMappingList: [entry] }, RESOURCES).errors.length > 0 ? [index] : [],
  );
  if (badIndexes.length !== errors.length) return unattributed();
  return errors.map((error, i) => {
    const index = badIndexes[i] ?? -1;
    return { bad: { index, error }, scope: scopeOfEntry(entries[index]) };
  });
}

/**
 * The `<account>/<region>` of a raw entry, as the validator would resolve it
 * (AccountId/Region win over the ARN; an ARN with an account and no region
 * is global), or null when it cannot be told: a field
 * that is present but malformed is not second-guessed from the ARN.
 */
function scopeOfEntry(entry: unknown): string | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const { ResourceARN, AccountId, Region } = entry as Record<string, unknown>;
  let arn: ReturnType<typeof parseArn> | null = null;
  if (typeof ResourceARN === 'string') {
    try {
      arn = parseArn(ResourceARN);
    } catch {
      arn = null;
    }
  }
  const accountId = AccountId === undefined ? arn?.accountId : AccountId;
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) return null;
  const region = Region === undefined ? (arn?.region ?? (arn?.accountId ? 'global' : undefined)) : Region;
  if (typeof region !== 'string' || region === '') return null;
  return `${accountId}/${region}`;
}

/**
 * Spend per account and spend lacking each tag key, from `costs.csv`
 * (FOCUS). Only usage charges count, as Cost Explorer's RECORD_TYPE Usage
 * filter would; a key is missing when absent or blank, compared exactly
 * (cost allocation tags are case-sensitive).
 *
 * A bad row is logged; if it falls in the window, or its date cannot be
 * read, the read throws a {@link ScanError} (scope `spend`) once the whole
 * file is read: spend missing a row would look like a saving.
 */
export function focusTagSpend(files: OrgFiles): TagSpendSource {
  const source: CsvSource = { path: join(files.dir, COSTS), name: COSTS };
  const rows = async function* (start: Date, end: Date) {
    const bad: InputError[] = [];
    for await (const item of readFocusCsv(source)) {
      if ('error' in item) {
        files.log.warn(item.error.message);
        bad.push(item.error);
        continue;
      }
      const t = Date.parse(item.row.chargePeriodStart);
      if (t >= start.getTime() && t < end.getTime() && (item.row.chargeCategory ?? 'Usage') === 'Usage')
        yield item.row;
    }
    const inWindow = bad.length === 0 ? [] : await badRowsInWindow(source, bad, start, end);
    if (inWindow.length > 0)
      throw new ScanError('spend', badSummary(COSTS, 'row', inWindow), { cause: inWindow[0] });
  };
  return {
    name: COSTS,
    async untaggedSpend({ accountIds, keys, start, end }): Promise<TagSpend> {
      const wanted = new Set(accountIds);
      const spend = new Map<string, { totalUsd: number; untaggedUsdByKey: Record<string, number> }>();
      for await (const row of rows(start, end)) {
        if (!row.subAccountId || !wanted.has(row.subAccountId)) continue;
        let entry = spend.get(row.subAccountId);
        if (!entry) {
          entry = { totalUsd: 0, untaggedUsdByKey: Object.fromEntries(keys.map((k) => [k.key, 0])) };
          spend.set(row.subAccountId, entry);
        }
        entry.totalUsd += row.cost;
        for (const key of keys) {
          if (!hasTagValue(row.tags, key))
            entry.untaggedUsdByKey[key.key] = (entry.untaggedUsdByKey[key.key] ?? 0) + row.cost;
        }
      }
      // A FOCUS export carries every tag it has: no key is ever inactive here.
      return { accounts: [...spend].map(([accountId, s]) => ({ accountId, ...s })), inactiveKeys: [] };
    },
    async resourceCosts({ start, end }) {
      const costs = new Map<string, number>();
      for await (const row of rows(start, end)) {
        if (row.resourceId) costs.set(row.resourceId, (costs.get(row.resourceId) ?? 0) + row.cost);
      }
      return costs;
    },
  };
}

/**
 * True when a row carries the key with a non-blank value: under its exact
 * spelling, or under any spelling for an `insensitive` key, as the count
 * check reads resources' tags.
 */
function hasTagValue(tags: Readonly<Record<string, string>>, key: SpendKey): boolean {
  if (Object.hasOwn(tags, key.key) && tags[key.key]?.trim()) return true;
  if (key.keyCase !== 'insensitive') return false;
  const lower = key.key.toLowerCase();
  return Object.entries(tags).some(([k, v]) => k.toLowerCase() === lower && v.trim() !== '');
}

/**
 * The bad rows that matter for [start, end): those whose ChargePeriodStart
 * is in it, and those whose date cannot be read (an unreadable record, a
 * row of the wrong width, a bad timestamp). A second pass over the raw
 * records, taken only when a file has bad rows.
 */
async function badRowsInWindow(
  source: CsvSource,
  bad: readonly InputError[],
  start: Date,
  end: Date,
): Promise<InputError[]> {
  const lineOf = (error: InputError) => Number(/:(\d+)$/.exec(error.location)?.[1] ?? Number.NaN);
  const lines = new Set(bad.map(lineOf));
  const times = new Map<number, number>();
  let header: { width: number; column: number } | undefined;
  for await (const item of readCsvRecords(source)) {
    if ('error' in item) continue;
    if (header === undefined) {
      header = {
        width: item.fields.length,
        column: item.fields.findIndex((f) => f.trim() === 'ChargePeriodStart'),
      };
      continue;
    }
    if (!lines.has(item.line) || item.fields.length !== header.width) continue;
    const timestamp = parseUtcTimestamp(item.fields[header.column] ?? '');
    if (timestamp !== undefined) times.set(item.line, Date.parse(timestamp));
  }
  return bad.filter((error) => {
    const t = times.get(lineOf(error));
    return t === undefined || (t >= start.getTime() && t < end.getTime());
  });
}
