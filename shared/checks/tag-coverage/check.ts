import { mapSettled } from '../../core/concurrency.js';
import type { Check, CollectContext, ScopeFailure } from '../../core/ports.js';
import type { AccountDirectory, InventorySource, TagSpendSource } from '../../core/sources.js';
import { evaluateTagCoverage } from './evaluate.js';
import type { AccountInfo, AccountSpend, TaggedResource, TagObservations } from './types.js';

const DAY = 86_400_000;
/** Spend is judged over the last 30 days, ending at the start of today (UTC), so partial days never count. */
export const SPEND_WINDOW_DAYS = 30;

export interface TagCoveragePorts {
  readonly directory: AccountDirectory;
  readonly inventory: InventorySource;
  readonly spend?: TagSpendSource;
}

interface TagCollected extends TagObservations {
  readonly completeAccounts: ReadonlySet<string>;
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
    (a) => a.status === 'ACTIVE' && (!listed || listed.has(a.id)) && !excluded.has(a.id),
  );
}

/**
 * The tag-coverage check: scans every (account, region) with bounded
 * concurrency, reads untagged spend, and reports as complete only what was
 * read completely: `<account>/<region>`; `<account>` when all its regions
 * were read (digests); `<account>/coverage` when the spend was read too; and
 * `org` when every account and the spend were.
 */
export function tagCoverageCheck(ports: TagCoveragePorts): Check<TagCollected> {
  return {
    name: 'tag-coverage',
    async collect(ctx) {
      const { config, log } = ctx;
      const all = await ports.directory.listAccounts();
      const accounts = accountsToScan(all, ctx);
      const skipped = all.length - accounts.length;
      log.info(
        `tag-coverage: ${accounts.length} accounts to scan${skipped ? `, ${skipped} skipped (not ACTIVE or not selected)` : ''}`,
      );
      const jobs = accounts.flatMap((a) =>
        config.organization.regions.map((region) => ({ accountId: a.id, region })),
      );
      const results = await mapSettled(jobs, config.organization.scanConcurrency, (job) =>
        ports.inventory.listResources(job.accountId, job.region),
      );

      const resources: TaggedResource[] = [];
      const completed: string[] = [];
      const failed: ScopeFailure[] = [];
      const failedAccounts = new Set<string>();
      results.forEach((result, i) => {
        const job = jobs[i];
        if (!job) return;
        const scope = `${job.accountId}/${job.region}`;
        if (result.status === 'fulfilled') {
          completed.push(scope);
          for (const r of result.value) resources.push(r);
        } else {
          failedAccounts.add(job.accountId);
          failed.push(failureOf(scope, result.reason));
        }
      });

      let spend: AccountSpend[] | undefined;
      let resourceCostUsd: Map<string, number> | undefined;
      const sources = [ports.inventory.name];
      const policy = config.tagPolicy;
      if (ports.spend && policy?.useCostExplorerTags !== false && policy) {
        const end = new Date(Math.floor(ctx.now.getTime() / DAY) * DAY);
        const start = new Date(end.getTime() - SPEND_WINDOW_DAYS * DAY);
        try {
          spend = await ports.spend.untaggedSpend({
            accountIds: accounts.map((a) => a.id),
            keys: policy.requiredTags.map((t) => t.key),
            start,
            end,
          });
          resourceCostUsd = await ports.spend.resourceCosts?.({ start, end });
          sources.push(ports.spend.name);
        } catch (error) {
          failed.push(failureOf('spend', error));
        }
      }
      const spendOk = !ports.spend || spend !== undefined || !policy;
      const completeAccounts = new Set(accounts.filter((a) => !failedAccounts.has(a.id)).map((a) => a.id));
      // Digests depend on the inventory only; coverage also on spend.
      completed.push(...completeAccounts);
      if (spendOk) {
        completed.push('spend', ...[...completeAccounts].map(coverageScope));
        if (completeAccounts.size === accounts.length) completed.push('org');
      }
      return {
        observations: {
          accounts,
          resources,
          ...(spend && { spend }),
          ...(resourceCostUsd && { resourceCostUsd }),
          sources,
          completeAccounts,
        },
        scope: { completed, failed },
      };
    },
    evaluate(observations, ctx) {
      return evaluateTagCoverage(observations, { completeAccounts: observations.completeAccounts }, ctx);
    },
  };
}

/** The scope of an account's coverage finding. */
export function coverageScope(accountId: string): string {
  return `${accountId}/coverage`;
}

function failureOf(scope: string, error: unknown): ScopeFailure {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return { scope, reason: message, errorName: name };
}
