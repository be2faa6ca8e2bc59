import { whileLoadingPatterns } from '../../config/pattern-compiler.js';
import type { Check } from '../../core/ports.js';
import type { AccountDirectory, TagSpendSource } from '../../core/sources.js';
import {
  assembleTagObservations,
  evaluateTagCollected,
  listAccountsOrGap,
  planTagScan,
  readTagSpend,
  type TagCollected,
} from './check.js';
import { tagPolicyHasPatterns } from './policy.js';
import type { AccountScanResult } from './scan-result.js';

/** An account the fan-out planned but has no result for, and why (the worker's error, when known). */
export interface MissingScan {
  readonly accountId: string;
  readonly reason: string;
  readonly errorName?: string;
}

export interface ScanResults {
  readonly results: readonly AccountScanResult[];
  /** Accounts whose worker failed, from the Map run's FAILED results. */
  readonly missing: readonly MissingScan[];
}

/**
 * Where the aggregator reads the scans of one fan-out run (the Distributed
 * Map's results in S3, or memory in tests). Throws when the run's results
 * cannot be read at all: then nothing is judged, rather than every account
 * looking unscanned.
 */
export interface ScanResultSource {
  readonly name: string;
  scanResults(): Promise<ScanResults>;
}

export interface TagCoverageFromScansPorts {
  readonly directory: AccountDirectory;
  readonly scans: ScanResultSource;
  readonly spend?: TagSpendSource;
}

/** Why an account has no scan result when the Map run did not say. */
export const NO_SCAN_RESULT =
  'no scan result from the fan-out run (worker failed or the account was not in its plan)';

/**
 * The tag-coverage check as the fan-out aggregator runs it: the account
 * list, the plan, the spend read, the assembly and the evaluation are those
 * of `tagCoverageCheck`; only the inventory comes from the workers' scans.
 * A planned account without a result fails in every region (a scan gap,
 * never a resolve); a result for an account outside the plan is ignored.
 */
export function tagCoverageFromScans(ports: TagCoverageFromScansPorts): Check<TagCollected> {
  return {
    name: 'tag-coverage',
    // The policy's patterns are compiled in evaluate; the engine loads while the scans are read.
    collect: (ctx) =>
      whileLoadingPatterns(tagPolicyHasPatterns(ctx.config.tagPolicy), async () => {
        const { log } = ctx;
        const listed = await listAccountsOrGap(ports.directory);
        if ('gap' in listed) return listed.gap;
        const plan = planTagScan(listed.accounts, ctx);
        const { results, missing } = await ports.scans.scanResults();
        const byAccount = new Map(results.map((r) => [r.accountId, r]));
        const why = new Map(missing.map((m) => [m.accountId, m]));
        const planned = new Set(plan.accounts.map((a) => a.id));
        const ignored = results.filter((r) => !planned.has(r.accountId)).length;
        const ordered = plan.accounts.map(
          (a) => byAccount.get(a.id) ?? unscanned(a.id, plan.regions, why.get(a.id), ports.scans.name),
        );
        log.info(
          `tag-coverage (fan-out): ${plan.accounts.length} accounts planned, ${results.length - ignored} scanned${ignored ? `, ${ignored} results outside the plan ignored` : ''}`,
        );
        const spendRead = await readTagSpend(ports.spend, plan.accounts, ctx);
        const sources = [...new Set(results.map((r) => r.source))];
        const collected = assembleTagObservations(
          plan.accounts,
          ordered,
          spendRead,
          sources.length > 0 ? sources : [ports.scans.name],
          plan.unreadable,
        );
        return { ...collected, scope: { ...collected.scope, retired: plan.retired } };
      }),
    evaluate: evaluateTagCollected,
  };
}

function unscanned(
  accountId: string,
  regions: readonly string[],
  missing: MissingScan | undefined,
  source: string,
): AccountScanResult {
  return {
    accountId,
    source,
    resources: [],
    completed: [],
    failed: regions.map((region) => ({
      scope: `${accountId}/${region}`,
      reason: missing?.reason ?? NO_SCAN_RESULT,
      errorName: missing?.errorName ?? 'ScanError',
    })),
  };
}
