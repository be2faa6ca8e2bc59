import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CheckName } from '../../core/constants.js';
import { GuardrailError, StateConflictError } from '../../core/errors.js';
import type { StateStore } from '../../core/ports.js';
import {
  type CheckState,
  type IncidentRecord,
  type IncidentWrite,
  incidentRecordSchema,
  type MemoryChanges,
  type StateChanges,
} from '../../core/state.js';
import { type RetryPolicy, retryRemaining } from './backoff.js';
import { type AwsClientOptions, awsClient } from './clients.js';

export const INCIDENT_PREFIX = 'INC#';
export const MEMORY_PREFIX = 'MEM#';
/** DynamoDB's cap on requests per BatchWriteItem. */
const BATCH_WRITE_MAX = 25;
const DAY_MS = 86_400_000;

type Item = Record<string, unknown>;
type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

export interface DynamoDbStateStoreOptions {
  readonly tableName: string;
  /** Default: a DocumentClient over {@link awsClient}(DynamoDBClient, clientOptions). */
  readonly client?: DynamoDBDocumentClient;
  readonly clientOptions?: AwsClientOptions;
  /** How long a resolved record is kept (`expiresAt` TTL after `lastNotified`); default 90 days. */
  readonly resolvedRetentionMs?: number;
  /** Puts in flight at once; default 10. */
  readonly concurrency?: number;
  /** Query page size; only tests need it (DynamoDB pages at 1 MB anyway). */
  readonly pageLimit?: number;
  /**
   * Called for an item that is not a valid record; the item is then skipped.
   * Without it, `load` throws: a corrupt record must not quietly look like
   * "no open incident".
   */
  readonly onInvalid?: (item: Readonly<Item>, error: Error) => void;
  /** Budget for BatchWriteItem `UnprocessedItems`. */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * The partition of a check's records; default the check name. Probes in
   * several regions share one global table and keep each location's state
   * apart (`probe@us-west-2`): one region's failure streak must not count
   * another's rounds, nor two regions race on one record.
   */
  readonly partitionOf?: (check: string) => string;
}

const documentClients = new WeakMap<DynamoDBClient, DynamoDBDocumentClient>();

/**
 * One DocumentClient per cached DynamoDBClient. `from()` writes its translate
 * config onto the shared client's config, so wrapping the same client twice
 * with different options would silently change the first wrapper too.
 */
function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  let doc = documentClients.get(client);
  if (doc === undefined) {
    doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    documentClients.set(client, doc);
  }
  return doc;
}

/** Runs `task` over `items`, at most `limit` at once; settles every task before reporting. */
async function settleWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<PromiseSettledResult<void>[]> {
  const results: PromiseSettledResult<void>[] = new Array(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      const item = items[index] as T;
      try {
        await task(item);
        results[index] = { status: 'fulfilled', value: undefined };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

function isConditionalCheckFailure(
  error: unknown,
): error is { name: string; Item?: Record<string, { N?: string }> } {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * The {@link StateStore} on one DynamoDB table (`pk` = check name, `sk` =
 * `INC#<dedupkey>` for an incident record or `MEM#<key>` for a memory entry;
 * `expiresAt` is the TTL attribute). Incident writes are conditional on the
 * version the run loaded, so two overlapping runs cannot both move a
 * problem's sequence: the loser gets a {@link StateConflictError}. A commit
 * is not atomic: on a conflict, the other writes may have landed, which is
 * safe because the next run reloads and reconciles from what is there.
 *
 * @example
 * const store = new DynamoDbStateStore({ tableName: process.env.STATE_TABLE ?? '', onInvalid: (i, e) => log.warn(e.message, i) });
 * const state = await store.load('tag-coverage');
 * await store.commit('tag-coverage', { incidents: writes, memory: NO_MEMORY_CHANGES });
 */
export class DynamoDbStateStore implements StateStore {
  readonly tableName: string;
  readonly #client: DynamoDBDocumentClient;
  readonly #retentionMs: number;
  readonly #concurrency: number;
  readonly #options: DynamoDbStateStoreOptions;
  readonly #partitionOf: (check: string) => string;

  constructor(options: DynamoDbStateStoreOptions) {
    this.tableName = options.tableName;
    this.#options = options;
    this.#partitionOf = options.partitionOf ?? ((check) => check);
    this.#retentionMs = options.resolvedRetentionMs ?? 90 * DAY_MS;
    this.#concurrency = options.concurrency ?? 10;
    this.#client = options.client ?? documentClient(awsClient(DynamoDBClient, options.clientOptions));
  }

  async load(check: CheckName): Promise<CheckState> {
    const incidents: IncidentRecord[] = [];
    const memory = new Map<string, unknown>();
    let startKey: Item | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': this.#partitionOf(check) },
          // The previous run's commit must be visible, or this run would re-trigger what it just sent.
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          Limit: this.#options.pageLimit,
        }),
      );
      for (const item of page.Items ?? []) this.#readItem(check, item, incidents, memory);
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return { incidents, memory };
  }

  async commit(check: CheckName, changes: StateChanges): Promise<void> {
    const results = await settleWithConcurrency(changes.incidents, this.#concurrency, (write) =>
      this.#putIncident(check, write),
    );
    const conflicts: string[] = [];
    let firstOther: unknown;
    let firstConflict: unknown;
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      if (result.reason instanceof StateConflictError) {
        conflicts.push(changes.incidents[i]?.record.dedupkey ?? `#${i}`);
        firstConflict ??= result.reason;
      } else firstOther ??= result.reason;
    });
    if (firstOther !== undefined) throw firstOther;
    if (conflicts.length === 1 && firstConflict !== undefined) throw firstConflict;
    if (conflicts.length > 1) {
      throw new StateConflictError(
        `${conflicts.length} incidents changed since load: ${conflicts.join(', ')}`,
        {
          cause: firstConflict,
        },
      );
    }
    // Memory after incidents: if incidents conflict, the run's memory (computed from stale state) is not kept.
    await this.#writeMemory(check, changes.memory);
  }

  #readItem(check: CheckName, item: Item, incidents: IncidentRecord[], memory: Map<string, unknown>): void {
    const sk = typeof item.sk === 'string' ? item.sk : '';
    if (sk.startsWith(MEMORY_PREFIX)) {
      memory.set(sk.slice(MEMORY_PREFIX.length), item.value);
      return;
    }
    if (!sk.startsWith(INCIDENT_PREFIX)) return; // Another kind of item; not ours to judge.
    const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...fields } = item;
    const parsed = incidentRecordSchema.safeParse(fields);
    let error: Error | undefined;
    if (!parsed.success) error = parsed.error;
    else if (parsed.data.check !== check || `${INCIDENT_PREFIX}${parsed.data.dedupkey}` !== sk) {
      error = new Error('record check/dedupkey do not match its key');
    }
    if (error === undefined && parsed.success) {
      incidents.push(parsed.data);
      return;
    }
    const reason = new GuardrailError(`${this.tableName} ${check}/${sk}: invalid incident record`, {
      cause: error,
    });
    if (this.#options.onInvalid === undefined) throw reason;
    this.#options.onInvalid(item, reason);
  }

  async #putIncident(check: CheckName, { record, expectedVersion }: IncidentWrite): Promise<void> {
    if (record.check !== check) {
      throw new GuardrailError(`record ${record.dedupkey} belongs to ${record.check}, not ${check}`);
    }
    const item: Item = {
      ...record,
      pk: this.#partitionOf(check),
      sk: `${INCIDENT_PREFIX}${record.dedupkey}`,
    };
    // Resolved records expire; a reopened one is written whole, so it loses the TTL.
    if (record.status === 'resolved') {
      item.expiresAt = Math.floor((Date.parse(record.lastNotified) + this.#retentionMs) / 1000);
    }
    const condition =
      expectedVersion === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#v = :expected',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          };
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...condition,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      // The old item comes back from DynamoDB (ReturnValuesOnConditionCheckFailure); not from every emulator.
      const held = error.Item?.version?.N;
      const found = held
        ? `version ${held}`
        : error.Item
          ? 'a record without a version'
          : 'a different state';
      const expected = expectedVersion === null ? 'no record' : `version ${expectedVersion}`;
      throw new StateConflictError(
        `${check} incident ${record.dedupkey}: expected ${expected}, found ${found}`,
        {
          cause: error,
        },
      );
    }
  }

  async #writeMemory(check: CheckName, changes: MemoryChanges): Promise<void> {
    // BatchWriteItem rejects two requests for one key; a key both set and deleted is set.
    const requests: WriteRequest[] = [
      ...[...changes.set].map(
        ([key, value]): WriteRequest => ({
          PutRequest: { Item: { pk: this.#partitionOf(check), sk: `${MEMORY_PREFIX}${key}`, value } },
        }),
      ),
      ...[...new Set(changes.delete)]
        .filter((key) => !changes.set.has(key))
        .map(
          (key): WriteRequest => ({
            DeleteRequest: { Key: { pk: this.#partitionOf(check), sk: `${MEMORY_PREFIX}${key}` } },
          }),
        ),
    ];
    const chunks: WriteRequest[][] = [];
    for (let i = 0; i < requests.length; i += BATCH_WRITE_MAX)
      chunks.push(requests.slice(i, i + BATCH_WRITE_MAX));
    const results = await settleWithConcurrency(chunks, this.#concurrency, async (chunk) => {
      const left = await retryRemaining(chunk, (batch) => this.#batchWriteOnce(batch), this.#options.retry);
      if (left.length > 0) {
        throw new GuardrailError(
          `${this.tableName} ${check}: ${left.length} memory write(s) unprocessed after retries`,
        );
      }
    });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  /** One BatchWriteItem; returns the requests DynamoDB left unprocessed (throttling, capacity). */
  async #batchWriteOnce(batch: readonly WriteRequest[]): Promise<readonly WriteRequest[]> {
    const out = await this.#client.send(
      new BatchWriteCommand({ RequestItems: { [this.tableName]: [...batch] } }),
    );
    return (out.UnprocessedItems?.[this.tableName] ?? []) as WriteRequest[];
  }
}
