import { whileLoadingPatterns } from '../../config/pattern-compiler.js';
import type { Check } from '../../core/ports.js';
import { evaluateTagCoverage } from './evaluate.js';
import { tagPolicyHasPatterns } from './policy.js';
import {
  assembleTagObservations,
  listAccountsOrGap,
  planTagScan,
  readTagSpend,
  scanAccounts,
  type TagCollected,
  type TagCoveragePorts,
} from './scan.js';

export * from './scan.js';
export type { AccountScanResult } from './scan-result.js';

/** The evaluation both paths share. */
export function evaluateTagCollected(observations: TagCollected, ctx: Parameters<Check['evaluate']>[1]) {
  return evaluateTagCoverage(observations, { completeAccounts: observations.completeAccounts }, ctx);
}

/**
 * The tag-coverage check: scans every (account, region) with bounded
 * concurrency, reads untagged spend, and assembles what was read completely
 * (see {@link assembleTagObservations}). The fan-out path runs the same
 * pieces, split across Step Functions (see `tagCoverageFromScans`).
 */
export function tagCoverageCheck(ports: TagCoveragePorts): Check<TagCollected> {
  return {
    name: 'tag-coverage',
    // The policy's patterns are compiled in evaluate; the engine loads while the inventory is read.
    collect: (ctx) =>
      whileLoadingPatterns(tagPolicyHasPatterns(ctx.config.tagPolicy), async () => {
        const { config, log } = ctx;
        const listed = await listAccountsOrGap(ports.directory);
        if ('gap' in listed) return listed.gap;
        const plan = planTagScan(listed.accounts, ctx);
        log.info(
          `tag-coverage: ${plan.accounts.length} accounts to scan${plan.skipped ? `, ${plan.skipped} skipped (not ACTIVE or not selected)` : ''}`,
        );
        const results = await scanAccounts(
          ports.inventory,
          plan.accounts.map((a) => a.id),
          plan.regions,
          config.organization.scanConcurrency,
          log,
        );
        const spendRead = await readTagSpend(ports.spend, plan.accounts, ctx);
        const collected = assembleTagObservations(
          plan.accounts,
          results,
          spendRead,
          [ports.inventory.name],
          plan.unreadable,
        );
        return { ...collected, scope: { ...collected.scope, retired: plan.retired } };
      }),
    evaluate: evaluateTagCollected,
  };
}
