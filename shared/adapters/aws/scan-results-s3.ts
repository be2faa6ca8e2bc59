import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod/mini';
import type { MissingScan, ScanResultSource, ScanResults } from '../../checks/tag-coverage/from-scans.js';
import { type AccountScanResult, accountScanResultSchema } from '../../checks/tag-coverage/scan-result.js';
import { mapSettled } from '../../core/concurrency.js';
import { GuardrailError, InputError } from '../../core/errors.js';
import '../../core/zod-locale.js';
import { type AwsClientOptions, awsClient } from './clients.js';
import { type S3Location, type ScanPointer, scanPointerSchema } from './scan-results-location.js';
import { S3_SCAN_RESULTS_SOURCE } from './source-names.js';

export {
  type S3Location,
  type ScanPointer,
  s3LocationSchema,
  scanPointerSchema,
} from './scan-results-location.js';

/** Where a run's plan and scans live, under the results bucket. */
export const RUNS_PREFIX = 'tag-coverage/runs';
/** Parallel GetObject calls when the aggregator reads the scans back. */
export const READ_CONCURRENCY = 16;

/** The Distributed Map's `manifest.json`: result files grouped by child execution status. */
const resultFileSchema = z.object({ Key: z.string().check(z.minLength(1)), Size: z.optional(z.number()) });
export const mapRunManifestSchema = z.object({
  DestinationBucket: z.string().check(z.minLength(3)),
  MapRunArn: z.optional(z.string()),
  ResultFiles: z.object({
    SUCCEEDED: z._default(z.array(resultFileSchema), []),
    FAILED: z._default(z.array(resultFileSchema), []),
    PENDING: z._default(z.array(resultFileSchema), []),
  }),
});

/** `Input` and `Output` are JSON strings with Transformation NONE (the S3 default); parsed values are taken too. */
const jsonText = z.union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())]);
/** One child execution in a SUCCEEDED_n / FAILED_n / PENDING_n file. */
export const mapRunEntrySchema = z.object({
  ExecutionArn: z.optional(z.string()),
  Status: z.optional(z.string()),
  Input: z.optional(jsonText),
  Output: z.optional(jsonText),
  Error: z.optional(z.string()),
  Cause: z.optional(z.string()),
});
const batchInputSchema = z.object({ Items: z.array(z.object({ accountId: z.string() })) });

export interface S3ScanResultsOptions {
  /** The results bucket (env RESULTS_BUCKET); same account and region as the state machine. */
  readonly bucket: string;
  /** Default: {@link awsClient}(S3Client). */
  readonly client?: S3Client;
  readonly clientOptions?: AwsClientOptions;
}

/**
 * The fan-out's S3 traffic: the plan the Map's ItemReader reads, each
 * worker's full scan (one object per account, so no scan ever passes
 * through a Step Functions payload), and the aggregator's read-back through
 * the Map run's ResultWriter manifest.
 *
 * @example
 * const store = new S3ScanResults({ bucket: process.env.RESULTS_BUCKET ?? '' });
 * const pointer = await store.writeScan(runId, result);
 */
export class S3ScanResults {
  readonly bucket: string;
  readonly #client: S3Client;

  constructor(options: S3ScanResultsOptions) {
    this.bucket = options.bucket;
    this.#client = options.client ?? awsClient(S3Client, options.clientOptions ?? {});
  }

  /** Writes the run's item list, `[{accountId}]`, for the Map's ItemReader (S3 JSON). */
  async writePlan(runId: string, accountIds: readonly string[]): Promise<S3Location> {
    const key = `${RUNS_PREFIX}/${runId}/plan.json`;
    await this.#put(key, JSON.stringify(accountIds.map((accountId) => ({ accountId }))));
    return { Bucket: this.bucket, Key: key };
  }

  /** Writes one account's scan; a retried worker overwrites the same key. */
  async writeScan(runId: string, result: AccountScanResult): Promise<ScanPointer> {
    const key = `${RUNS_PREFIX}/${runId}/scans/${result.accountId}.json`;
    await this.#put(key, JSON.stringify(result));
    return {
      accountId: result.accountId,
      bucket: this.bucket,
      key,
      resources: result.resources.length,
      completedScopes: result.completed.length,
      failedScopes: result.failed.length,
    };
  }

  /**
   * The scans of one Map run, read through its ResultWriter manifest:
   * SUCCEEDED entries carry the workers' pointers (`Output`), FAILED and
   * PENDING entries the batch (`Input`) whose accounts are then missing, with
   * the child execution's error as the reason.
   */
  fromMapRun(manifest: S3Location): ScanResultSource {
    return { name: S3_SCAN_RESULTS_SOURCE, scanResults: () => this.#readRun(manifest) };
  }

  async #readRun(location: S3Location): Promise<ScanResults> {
    const manifest = parseWith(mapRunManifestSchema, await this.#json(location), location);
    const bucket = manifest.DestinationBucket;
    const pointers: ScanPointer[] = [];
    const missing: MissingScan[] = [];
    for (const file of manifest.ResultFiles.SUCCEEDED) {
      for (const entry of await this.#entries({ Bucket: bucket, Key: file.Key })) {
        const output = z.array(scanPointerSchema).safeParse(decode(entry.Output));
        if (!output.success)
          throw new InputError(`s3://${bucket}/${file.Key}`, 'an Output is not a list of scan pointers');
        pointers.push(...output.data);
      }
    }
    for (const file of [...manifest.ResultFiles.FAILED, ...manifest.ResultFiles.PENDING]) {
      for (const entry of await this.#entries({ Bucket: bucket, Key: file.Key })) {
        const input = batchInputSchema.safeParse(decode(entry.Input));
        if (!input.success) continue;
        const reason = entry.Error
          ? `fan-out worker failed: ${entry.Error}${entry.Cause ? `: ${entry.Cause.slice(0, 300)}` : ''}`
          : `fan-out worker did not finish (${entry.Status ?? 'PENDING'})`;
        for (const item of input.data.Items)
          missing.push({ accountId: item.accountId, reason, errorName: entry.Error ?? 'ScanError' });
      }
    }
    const settled = await mapSettled(pointers, READ_CONCURRENCY, async (p) =>
      parseWith(accountScanResultSchema, await this.#json({ Bucket: p.bucket, Key: p.key }), {
        Bucket: p.bucket,
        Key: p.key,
      }),
    );
    const results = settled.map((s) => {
      // A result that was written but cannot be read back fails the run: the Map can be redriven.
      if (s.status === 'rejected') throw s.reason;
      return s.value;
    });
    return { results, missing };
  }

  /** A result file's entries: a JSON array (OutputType JSON, the default) or JSON Lines. */
  async #entries(location: S3Location): Promise<z.infer<typeof mapRunEntrySchema>[]> {
    const text = await this.#text(location);
    const trimmed = text.trim();
    let raw: unknown;
    try {
      raw = trimmed.startsWith('[')
        ? JSON.parse(trimmed)
        : trimmed.split('\n').flatMap((line) => (line.trim() ? [JSON.parse(line)] : []));
    } catch (error) {
      throw new InputError(`s3://${location.Bucket}/${location.Key}`, 'not JSON', { cause: error });
    }
    return parseWith(z.array(mapRunEntrySchema), raw, location);
  }

  async #json(location: S3Location): Promise<unknown> {
    const text = await this.#text(location);
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new InputError(`s3://${location.Bucket}/${location.Key}`, 'not JSON', { cause: error });
    }
  }

  async #text(location: S3Location): Promise<string> {
    try {
      const response = await this.#client.send(new GetObjectCommand(location));
      const text = await response.Body?.transformToString('utf-8');
      if (text === undefined) throw new GuardrailError('empty body');
      return text;
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      throw new GuardrailError(`cannot read s3://${location.Bucket}/${location.Key}: ${name}`, {
        cause: error,
      });
    }
  }

  async #put(key: string, body: string): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
  }
}

function decode(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function parseWith<S extends z.core.$ZodType>(schema: S, raw: unknown, location: S3Location): z.infer<S> {
  const result = z.safeParse(schema, raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
  throw new InputError(`s3://${location.Bucket}/${location.Key}`, where, { cause: result.error });
}
