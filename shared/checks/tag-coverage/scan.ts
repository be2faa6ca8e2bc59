/**
 * How the tag-coverage check reads an organization: the account plan, the
 * per-account inventory scans, the spend read and the assembly of what was
 * read completely. Kept apart from the evaluation so that the fan-out's
 * per-account worker (which only scans) and the cost-policy check (which only
 * plans) load none of the policy evaluation, nor the pattern engine it uses.
 */
import { mapSettled } from '../../core/concurrency.js';
import { GLOBAL_REGION } from '../../core/global-region.js';
import type { CollectContext, Collected, ProgressLog, ScopeFailure } from '../../core/ports.js';
import { scopeFailure } from '../../core/scan-gap.js';
import type { AccountDirectory, InventorySource, TagSpendSource } from '../../core/sources.js';
import type { AccountScanResult } from './scan-result.js';
import type { AccountInfo, AccountSpend, InactiveCostTag, TaggedResource, TagObservations } from './types.js';

const DAY = 86_400_000;
/** Spend is judged over the last 30 days, ending at the start of today (UTC), so partial days never count. */
export const SPEND_WINDOW_DAYS = 30;

export interface TagCoveragePorts {
  readonly directory: AccountDirectory;
  readonly inventory: InventorySource;
  readonly spend?: TagSpendSource;
}

export interface TagCollected extends TagObservations {
  readonly completeAccounts: ReadonlySet<string>;
}

/** Which accounts a run scans, in which regions, and how many listed accounts it leaves out. */
export interface TagScanPlan {
  readonly accounts: readonly AccountInfo[];
  readonly regions: readonly string[];
  readonly skipped: number;
  /** Why the scopes of an account listed but not planned (or not listed at all) no longer exist. */
  readonly retired: (scope: string) => string | undefined;
  /** Scopes of accounts the directory could not read: scan gaps, never resolves. */
  readonly unreadable: readonly ScopeFailure[];
}

/** Spend as read for the run: absent values mean it was not read (no source, no policy, or a failure). */
export interface TagSpendRead {
  readonly spend?: readonly AccountSpend[];
  /** Required keys whose spend could not be measured (inactive cost allocation tags). */
  readonly inactiveKeys?: readonly InactiveCostTag[];
  readonly resourceCostUsd?: ReadonlyMap<string, number>;
  /** Names of the spend sources read, for `sources`. */
  readonly sources: readonly string[];
  /** Set when the spend source failed: coverage and `org` stay unresolved. */
  readonly failure?: ScopeFailure;
  /** False only when a spend source and a policy exist and the read failed. */
  readonly ok: boolean;
}

/** Accounts to scan: ACTIVE, selected by config, not excluded. Suspended and closing accounts are skipped. */
export function accountsToScan(
  accounts: readonly AccountInfo[],
  ctx: Pick<CollectContext, 'config'>,
): AccountInfo[] {
  const { organization } = ctx.config;
  const listed = organization.accounts === 'auto' ? null : new Set(organization.accounts);
  const excluded = new Set(organization.excludeAccounts);
  return accounts.filter(
    (a) =>
      a.unreadable === undefined &&
      a.status === 'ACTIVE' &&
      (!listed || listed.has(a.id)) &&
      !excluded.has(a.id),
  );
}

const ACCOUNT_ID = /^\d{12}$/;
/** The scope of the account directory itself, as the directories name it. */
export const DIRECTORY_SCOPE = 'organization';

/**
 * The scopes of accounts whose directory entry could not be read: each
 * region of an account the config would scan, or the directory itself when
 * the entry's account id is unreadable too (any account might be that one).
 */
export function unreadableScopes(
  accounts: readonly AccountInfo[],
  ctx: Pick<CollectContext, 'config'>,
): ScopeFailure[] {
  const { organization } = ctx.config;
  const listed = organization.accounts === 'auto' ? null : new Set(organization.accounts);
  const excluded = new Set(organization.excludeAccounts);
  return accounts.flatMap((a) => {
    if (!a.unreadable) return [];
    const failure = {
      reason: a.unreadable.reason,
      errorName: 'UnreadableAccount',
      ...(a.unreadable.input && { input: a.unreadable.input }),
    };
    if (!ACCOUNT_ID.test(a.id)) return [{ scope: DIRECTORY_SCOPE, ...failure }];
    if ((listed && !listed.has(a.id)) || excluded.has(a.id)) return [];
    return organization.regions.map((region) => ({ scope: `${a.id}/${region}`, ...failure }));
  });
}

/**
 * The scan plan shared by the in-process check and the fan-out: the
 * accounts {@link accountsToScan} keeps, and the configured regions.
 */
export function planTagScan(
  accounts: readonly AccountInfo[],
  ctx: Pick<CollectContext, 'config'>,
): TagScanPlan {
  const selected = accountsToScan(accounts, ctx);
  return {
    accounts: selected,
    regions: ctx.config.organization.regions,
    skipped: accounts.length - selected.length,
    retired: retiredAccounts(accounts, selected, ctx.config.organization.regions),
    unreadable: unreadableScopes(accounts, ctx),
  };
}

/**
 * Why an account's scopes (`<account>`, `<account>/<region>`,
 * `<account>/coverage`) no longer exist: it left the organization, is no
 * longer ACTIVE, or is no longer selected by config; or why one region's
 * scope does: the region was removed from `organization.regions`. The directory was read
 * completely (it throws otherwise), so absence from it is a fact.
 */
export function retiredAccounts(
  listed: readonly AccountInfo[],
  selected: readonly AccountInfo[],
  regions: readonly string[],
): (scope: string) => string | undefined {
  const scanned = new Set(selected.map((a) => a.id));
  const byId = new Map(listed.map((a) => [a.id, a]));
  const scannedRegions = new Set(regions);
  // An entry without a readable id could be any account: absence from the list proves nothing then.
  const listComplete = listed.every((a) => !a.unreadable || ACCOUNT_ID.test(a.id));
  return (scope) => {
    const accountId = /^(\d{12})(\/|$)/.exec(scope)?.[1];
    if (accountId === undefined) return undefined;
    if (scanned.has(accountId)) {
      // A region no longer in `organization.regions` is no longer scanned in any account.
      const region = /^\d{12}\/([a-z]{2}(?:-[a-z]+)+-\d)$/.exec(scope)?.[1];
      return region !== undefined && !scannedRegions.has(region)
        ? `region ${region} is no longer scanned (organization.regions)`
        : undefined;
    }
    const account = byId.get(accountId);
    if (!account) return listComplete ? `account ${accountId} is no longer in the organization` : undefined;
    if (account.unreadable) return undefined;
    return account.status === 'ACTIVE'
      ? `account ${accountId} is no longer selected by the config`
      : `account ${accountId} is ${account.status}`;
  };
}

/**
 * Scans every (account, region) pair with at most `concurrency` listings in
 * flight overall, and groups the outcome per account, in input order. A
 * region that fails is a failed scope of its account; the others still count.
 */
export async function scanAccounts(
  inventory: InventorySource,
  accountIds: readonly string[],
  regions: readonly string[],
  concurrency: number,
  log?: ProgressLog,
): Promise<AccountScanResult[]> {
  const scopes = scanRegions(inventory, regions);
  const jobs = accountIds.flatMap((accountId) => scopes.map((region) => ({ accountId, region })));
  let done = 0;
  const settled = await mapSettled(jobs, concurrency, async (job) => {
    try {
      return await inventory.listResources(job.accountId, job.region);
    } finally {
      done += 1;
      log?.progress?.({
        check: 'tag-coverage',
        unit: 'account-regions',
        done,
        total: jobs.length,
        ...(inventory.pageRequests !== undefined && { pages: inventory.pageRequests }),
      });
    }
  });
  const byAccount = new Map(
    accountIds.map((accountId) => [
      accountId,
      {
        resources: [] as TaggedResource[],
        completed: [] as string[],
        failed: [] as ScopeFailure[],
        counts: {} as Record<string, number>,
      },
    ]),
  );
  settled.forEach((result, i) => {
    const job = jobs[i];
    const entry = job && byAccount.get(job.accountId);
    if (!job || !entry) return;
    const scope = `${job.accountId}/${job.region}`;
    if (result.status === 'fulfilled') {
      entry.completed.push(scope);
      for (const r of result.value) {
        entry.resources.push(r);
        for (const source of r.seenBy ?? [inventory.name])
          entry.counts[source] = (entry.counts[source] ?? 0) + 1;
      }
    } else {
      entry.failed.push(scopeFailure(scope, result.reason));
    }
  });
  return [...byAccount].map(([accountId, entry]) => ({ accountId, source: inventory.name, ...entry }));
}

/**
 * The scopes to read in each account: the configured regions, and
 * `global` when the inventory lists global resources on their own
 * (where the API reports them, not in whichever region was scanned first).
 */
export function scanRegions(
  inventory: Pick<InventorySource, 'globalScope'>,
  regions: readonly string[],
): string[] {
  return inventory.globalScope ? [...regions, GLOBAL_REGION] : [...regions];
}

/**
 * Scans one account in every region: what a fan-out worker runs per item.
 *
 * @example
 * const result = await scanAccount({ inventory }, '111111111111', ['us-east-1'], 8);
 */
export async function scanAccount(
  ports: Pick<TagCoveragePorts, 'inventory'>,
  accountId: string,
  regions: readonly string[],
  concurrency: number,
): Promise<AccountScanResult> {
  const [result] = await scanAccounts(ports.inventory, [accountId], regions, concurrency);
  if (!result) throw new Error(`no scan result for ${accountId}`);
  return result;
}

/** Untagged spend over the {@link SPEND_WINDOW_DAYS} ending at the start of today (UTC). */
export async function readTagSpend(
  spendSource: TagSpendSource | undefined,
  accounts: readonly AccountInfo[],
  ctx: Pick<CollectContext, 'config' | 'now'>,
): Promise<TagSpendRead> {
  const policy = ctx.config.tagPolicy;
  if (!spendSource || !policy || policy.useCostExplorerTags === false) return { sources: [], ok: true };
  const end = new Date(Math.floor(ctx.now.getTime() / DAY) * DAY);
  const start = new Date(end.getTime() - SPEND_WINDOW_DAYS * DAY);
  try {
    const { accounts: spend, inactiveKeys } = await spendSource.untaggedSpend({
      accountIds: accounts.map((a) => a.id),
      keys: policy.requiredTags.map((t) => ({ key: t.key, keyCase: t.keyCase })),
      start,
      end,
    });
    const resourceCostUsd = await spendSource.resourceCosts?.({ start, end });
    return {
      spend,
      inactiveKeys,
      ...(resourceCostUsd && { resourceCostUsd }),
      sources: [spendSource.name],
      ok: true,
    };
  } catch (error) {
    return { sources: [], failure: scopeFailure('spend', error), ok: false };
  }
}

/**
 * Turns per-account scans and the spend read into the check's observations
 * and scope, reporting as complete only what was read completely:
 * `<account>/<region>`; `<account>` when all its regions were read
 * (digests); `<account>/coverage` when the spend was read too; and `org`
 * when every account and the spend were. `results` must hold one entry per
 * planned account, in plan order.
 */
export function assembleTagObservations(
  accounts: readonly AccountInfo[],
  results: readonly AccountScanResult[],
  spendRead: TagSpendRead,
  inventorySources: readonly string[],
  directoryFailures: readonly ScopeFailure[] = [],
): Collected<TagCollected> {
  const resources: TaggedResource[] = [];
  const regional: string[] = [];
  const failed: ScopeFailure[] = [];
  const failedAccounts = new Set<string>();
  const inventoryCounts = new Map<string, Readonly<Record<string, number>>>();
  for (const result of results) {
    inventoryCounts.set(result.accountId, result.counts ?? { [result.source]: result.resources.length });
    for (const r of result.resources) resources.push(r);
    regional.push(...result.completed);
    failed.push(...result.failed);
    if (result.failed.length > 0) failedAccounts.add(result.accountId);
  }
  if (spendRead.failure) failed.push(spendRead.failure);
  failed.push(...directoryFailures);
  const completeAccounts = new Set(accounts.filter((a) => !failedAccounts.has(a.id)).map((a) => a.id));
  // Digests depend on the inventory only; coverage also on spend.
  const completed = [...regional, ...completeAccounts];
  if (spendRead.ok) {
    completed.push('spend', ...[...completeAccounts].map(coverageScope));
    if (completeAccounts.size === accounts.length && directoryFailures.length === 0) completed.push('org');
  }
  return {
    observations: {
      accounts,
      resources,
      ...(spendRead.spend && { spend: spendRead.spend }),
      ...(spendRead.resourceCostUsd && { resourceCostUsd: spendRead.resourceCostUsd }),
      sources: [...inventorySources, ...spendRead.sources],
      inventoryCounts,
      ...(spendRead.inactiveKeys && { inactiveCostTags: spendRead.inactiveKeys }),
      completeAccounts,
    },
    scope: { completed, failed },
  };
}

/** The scope of an account's coverage finding. */
export function coverageScope(accountId: string): string {
  return `${accountId}/coverage`;
}

/**
 * The account list, or, when the directory cannot be read at all (Organizations
 * denied, accounts.json unreadable), a collection that completes nothing and
 * raises one scan gap on the directory: every open finding stays open.
 */
export async function listAccountsOrGap(
  directory: AccountDirectory,
): Promise<{ accounts: AccountInfo[] } | { gap: Collected<TagCollected> }> {
  try {
    return { accounts: await directory.listAccounts() };
  } catch (error) {
    return {
      gap: {
        observations: { accounts: [], resources: [], sources: [], completeAccounts: new Set() },
        scope: { completed: [], failed: [scopeFailure(DIRECTORY_SCOPE, error)] },
      },
    };
  }
}
