import * as z from 'zod/mini';
import {
  type S3Location,
  type ScanPointer,
  s3LocationSchema,
} from '../adapters/aws/scan-results-location.js';
import { planTagScan, scanAccounts, type TagCoveragePorts } from '../checks/tag-coverage/scan.js';
import type { AccountScanResult } from '../checks/tag-coverage/scan-result.js';
import type { GuardrailsConfig } from '../config/schema.js';
import type { ProgressLog } from '../core/ports.js';
import '../core/zod-locale.js';

const accountId = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id'));
/** Execution names: 1–80 characters of letters, digits, `-` and `_`. */
const runId = z.string().check(z.regex(/^[\w-]{1,80}$/, 'must be 1-80 letters, digits, - or _'));

/**
 * True when the run should fan out through the Step Functions Distributed
 * Map: more accounts to scan than `organization.fanOutAboveAccounts`.
 *
 * @example
 * shouldFanOut(config, 51); // true with the default threshold of 50
 */
export function shouldFanOut(config: GuardrailsConfig, accountCount: number): boolean {
  return accountCount > config.organization.fanOutAboveAccounts;
}

/** The run id (and execution name) of a scheduled run: `tag-coverage-20261120T060000Z`. */
export function fanOutRunId(now: Date): string {
  return `tag-coverage-${now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '')}`;
}

/** The execution input the scheduled function starts the state machine with. */
export const fanOutInputSchema = z.object({
  runId,
  now: z.iso.datetime(),
  regions: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  /** The item list for the Map's ItemReader (S3 JSON array of `{accountId}`). */
  plan: s3LocationSchema,
});
export type FanOutInput = z.infer<typeof fanOutInputSchema>;

/** One Distributed Map child: ItemBatcher's `{ Items, BatchInput }`. */
export const scanBatchEventSchema = z.object({
  Items: z.array(z.looseObject({ accountId })).check(z.minLength(1)),
  BatchInput: z.looseObject({
    runId,
    regions: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
  }),
});
export type ScanBatchEvent = z.infer<typeof scanBatchEventSchema>;

/** The aggregator's input: the execution input plus the Map's output under `map` (its ResultPath). */
export const aggregateEventSchema = z.looseObject({
  runId,
  now: z.iso.datetime(),
  map: z.looseObject({ ResultWriterDetails: s3LocationSchema }),
});
export type AggregateEvent = z.infer<typeof aggregateEventSchema>;

/** Where a worker puts a scan: S3 in Lambda, memory in tests. */
export interface ScanWriter {
  writeScan(runId: string, result: AccountScanResult): Promise<ScanPointer>;
}

/**
 * A fan-out worker's job: scans its batch of accounts exactly as the
 * in-process check does ({@link scanAccounts}, same concurrency bound),
 * writes each account's full result to S3 and returns only pointers, so
 * a Map item result stays a few hundred bytes whatever the account holds.
 */
export async function scanBatch(
  deps: { readonly inventory: TagCoveragePorts['inventory']; readonly writer: ScanWriter },
  config: GuardrailsConfig,
  event: ScanBatchEvent,
): Promise<ScanPointer[]> {
  const regions = event.BatchInput.regions ?? config.organization.regions;
  const results = await scanAccounts(
    deps.inventory,
    event.Items.map((i) => i.accountId),
    regions,
    config.organization.scanConcurrency,
  );
  return Promise.all(results.map((r) => deps.writer.writeScan(event.BatchInput.runId, r)));
}

/** What the scheduled entry did. */
export type ScheduledRun<S> =
  | { readonly mode: 'in-process'; readonly accounts: number; readonly summary: S }
  | {
      readonly mode: 'fan-out';
      readonly accounts: number;
      readonly runId: string;
      readonly alreadyStarted: boolean;
    };

export interface ScheduledRunDeps<S> {
  readonly config: GuardrailsConfig;
  readonly sources: TagCoveragePorts;
  readonly log: ProgressLog;
  /** Runs the in-process check on the accounts already listed (e.g. `runInLambda(tagCoverageCheck(ports), …)`). */
  readonly runInProcess: (sources: TagCoveragePorts) => Promise<S>;
  /** Absent when no state machine is deployed: then every run is in-process. */
  readonly fanOut?: {
    writePlan(runId: string, accountIds: readonly string[]): Promise<S3Location>;
    start(name: string, input: FanOutInput): Promise<{ readonly alreadyStarted: boolean }>;
  };
}

/**
 * The scheduled tag-coverage entry: lists the accounts once, then either
 * runs the check in this function or, above the threshold, writes the plan
 * and starts the fan-out state machine, whose aggregator finishes the run.
 */
export async function runTagCoverageScheduled<S>(
  deps: ScheduledRunDeps<S>,
  now: Date,
): Promise<ScheduledRun<S>> {
  const all = await deps.sources.directory.listAccounts();
  const plan = planTagScan(all, { config: deps.config });
  const listed = { ...deps.sources, directory: { listAccounts: async () => all } };
  if (!deps.fanOut || !shouldFanOut(deps.config, plan.accounts.length)) {
    return { mode: 'in-process', accounts: plan.accounts.length, summary: await deps.runInProcess(listed) };
  }
  const id = fanOutRunId(now);
  const location = await deps.fanOut.writePlan(
    id,
    plan.accounts.map((a) => a.id),
  );
  const started = await deps.fanOut.start(id, {
    runId: id,
    now: now.toISOString(),
    regions: [...plan.regions],
    plan: location,
  });
  deps.log.info(`tag-coverage: fanning out ${plan.accounts.length} accounts`, {
    runId: id,
    alreadyStarted: started.alreadyStarted,
  });
  return {
    mode: 'fan-out',
    accounts: plan.accounts.length,
    runId: id,
    alreadyStarted: started.alreadyStarted,
  };
}
