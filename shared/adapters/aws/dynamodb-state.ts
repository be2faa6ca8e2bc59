import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CheckName } from '../../core/constants.js';
import { GuardrailError, LeaseHeldError, StateConflictError } from '../../core/errors.js';
import type { Lease, LeaseRequest, StateStore } from '../../core/ports.js';
import {
  type CheckState,
  type IncidentRecord,
  type IncidentWrite,
  incidentRecordSchema,
  type MemoryChanges,
  type Outbox,
  outboxFromStored,
  type StoredOutbox,
  storedOutbox,
  storedOutboxSchema,
} from '../../core/state.js';
import { type RetryPolicy, retryRemaining } from './backoff.js';
import { type AwsClientOptions, awsClient } from './clients.js';

export const INCIDENT_PREFIX = 'INC#';
export const MEMORY_PREFIX = 'MEM#';
/** One part of a staged outbox: `OUT#<outbox id>#<part>`. */
export const OUTBOX_PREFIX = 'OUT#';
/** The check's lease and the marker of its staged outbox, in one item so one conditional write fences both. */
export const CONTROL_KEY = 'CONTROL';
/** Outbox parts stay well under DynamoDB's 400 KB item limit. */
const OUTBOX_PART_BYTES = 300_000;
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
  /** Judges lease expiry; tests pass a fake one. */
  readonly clock?: () => Date;
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

/** One staged part, as its body is stored: a slice of the outbox's JSON form. */
type OutboxPart = Pick<StoredOutbox, 'events' | 'incidents'> & {
  readonly memorySet: StoredOutbox['memory']['set'];
  readonly memoryDelete: StoredOutbox['memory']['delete'];
};

/** The marker of a staged outbox, kept on the control item. */
interface OutboxMarker {
  readonly id: string;
  readonly parts: number;
  readonly createdAt: string;
}

/**
 * Splits an outbox into parts of at most about {@link OUTBOX_PART_BYTES}
 * of JSON each, so each fits one item. An event is never split.
 */
export function outboxParts(outbox: StoredOutbox, maxBytes = OUTBOX_PART_BYTES): OutboxPart[] {
  const parts: OutboxPart[] = [];
  let current = { events: [], incidents: [], memorySet: [], memoryDelete: [] } as {
    events: StoredOutbox['events'];
    incidents: StoredOutbox['incidents'];
    memorySet: StoredOutbox['memory']['set'];
    memoryDelete: StoredOutbox['memory']['delete'];
  };
  let bytes = 0;
  const add = <K extends keyof typeof current>(key: K, value: (typeof current)[K][number]) => {
    const size = Buffer.byteLength(JSON.stringify(value)) + 1;
    if (bytes > 0 && bytes + size > maxBytes) {
      parts.push(current);
      current = { events: [], incidents: [], memorySet: [], memoryDelete: [] };
      bytes = 0;
    }
    (current[key] as unknown[]).push(value);
    bytes += size;
  };
  for (const event of outbox.events) add('events', event);
  for (const write of outbox.incidents) add('incidents', write);
  for (const pair of outbox.memory.set) add('memorySet', pair);
  for (const key of outbox.memory.delete) add('memoryDelete', key);
  parts.push(current);
  return parts;
}

/**
 * The {@link StateStore} on one DynamoDB table. In each check's partition
 * (`pk` = check name, or a location's partition for probes):
 *
 * - `INC#<dedupkey>`: an incident record, written conditionally on the
 *   version the run loaded;
 * - `MEM#<key>`: a memory entry (e.g. when a resource was first seen);
 * - `OUT#<run>#<part>`: the parts of a staged outbox;
 * - `CONTROL`: the lease (`holder`, `leaseUntil`) and the marker of the
 *   staged outbox (`outbox`), in one item, so the marker is written only
 *   by the lease holder, in one conditional write.
 *
 * A commit is not one transaction (an org-wide first run writes 10^5
 * memory entries; TransactWriteItems takes 100). It is made harmless to
 * interrupt by order instead: the whole outbox (events, incident writes and
 * memory changes) is staged in parts, then its marker; every apply is
 * idempotent (a record already at its new version is skipped); the marker
 * is removed only after everything is applied. A run that dies anywhere
 * leaves either no marker (nothing applied, nothing delivered) or a marker
 * whose outbox the next run re-sends and applies again.
 *
 * @example
 * const store = new DynamoDbStateStore({ tableName: process.env.STATE_TABLE ?? '', onInvalid: (i, e) => log.warn(e.message, i) });
 * const lease = await store.acquire('tag-coverage', { holder: runId, ttlMs: 16 * 60_000 });
 */
export class DynamoDbStateStore implements StateStore {
  readonly tableName: string;
  readonly #client: DynamoDBDocumentClient;
  readonly #retentionMs: number;
  readonly #concurrency: number;
  readonly #options: DynamoDbStateStoreOptions;
  readonly #partitionOf: (check: string) => string;
  readonly #clock: () => Date;
  /** Outbox parts no marker points to (a run died while staging), seen by the last load: removed at commit. */
  readonly #orphans = new Map<string, string[]>();
  /** How many parts each outbox this store staged or loaded has, so commit can remove them. */
  readonly #partCounts = new Map<string, number>();

  constructor(options: DynamoDbStateStoreOptions) {
    this.tableName = options.tableName;
    this.#options = options;
    this.#partitionOf = options.partitionOf ?? ((check) => check);
    this.#retentionMs = options.resolvedRetentionMs ?? 90 * DAY_MS;
    this.#concurrency = options.concurrency ?? 10;
    this.#clock = options.clock ?? (() => new Date());
    this.#client = options.client ?? documentClient(awsClient(DynamoDBClient, options.clientOptions));
  }

  async acquire(check: CheckName, request: LeaseRequest): Promise<Lease> {
    const now = this.#clock().getTime();
    const leaseUntil = now + request.ttlMs;
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.#controlKey(check),
          UpdateExpression: 'SET #holder = :holder, #until = :until, #acquiredAt = :acquiredAt',
          ConditionExpression: 'attribute_not_exists(#holder) OR #until < :now OR #holder = :holder',
          ExpressionAttributeNames: {
            '#holder': 'holder',
            '#until': 'leaseUntil',
            '#acquiredAt': 'acquiredAt',
          },
          ExpressionAttributeValues: {
            ':holder': request.holder,
            ':until': leaseUntil,
            ':now': now,
            ':acquiredAt': new Date(now).toISOString(),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      const held = await this.#heldBy(
        check,
        error.Item as Record<string, { S?: string; N?: string }> | undefined,
      );
      const holder = held.holder ?? 'another run';
      const until = held.leaseUntil === undefined ? undefined : new Date(held.leaseUntil);
      throw new LeaseHeldError(
        `${this.tableName} ${this.#partitionOf(check)}: the state is held by run ${holder}${until ? ` until ${until.toISOString()}` : ''}`,
        holder,
        until,
        { cause: error },
      );
    }
    return { check, holder: request.holder, expiresAt: new Date(leaseUntil) };
  }

  /**
   * Who holds the lease: from the failed write's old item (DynamoDB returns
   * it, ReturnValuesOnConditionCheckFailure), else read back (emulators).
   */
  async #heldBy(
    check: CheckName,
    old: Record<string, { S?: string; N?: string }> | undefined,
  ): Promise<{ holder?: string; leaseUntil?: number }> {
    if (old?.holder?.S) return { holder: old.holder.S, leaseUntil: Number(old.leaseUntil?.N) };
    const out = await this.#client.send(
      new GetCommand({ TableName: this.tableName, Key: this.#controlKey(check), ConsistentRead: true }),
    );
    const item = out.Item ?? {};
    return {
      ...(typeof item.holder === 'string' && { holder: item.holder }),
      ...(typeof item.leaseUntil === 'number' && { leaseUntil: item.leaseUntil }),
    };
  }

  async release(lease: Lease): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.#controlKey(lease.check),
          UpdateExpression: 'REMOVE #holder, #until, #acquiredAt',
          ConditionExpression: '#holder = :holder',
          ExpressionAttributeNames: {
            '#holder': 'holder',
            '#until': 'leaseUntil',
            '#acquiredAt': 'acquiredAt',
          },
          ExpressionAttributeValues: { ':holder': lease.holder },
        }),
      );
    } catch (error) {
      // Taken over after it expired: nothing of ours to release.
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  async load(check: CheckName): Promise<CheckState> {
    const incidents: IncidentRecord[] = [];
    const memory = new Map<string, unknown>();
    const parts = new Map<string, Item>();
    let marker: OutboxMarker | undefined;
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
      for (const item of page.Items ?? []) {
        const sk = typeof item.sk === 'string' ? item.sk : '';
        if (sk === CONTROL_KEY) marker = item.outbox as OutboxMarker | undefined;
        else if (sk.startsWith(OUTBOX_PREFIX)) parts.set(sk, item);
        else this.#readItem(check, item, incidents, memory);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    const outbox = marker ? this.#assembleOutbox(check, marker, parts) : undefined;
    if (marker) this.#partCounts.set(marker.id, marker.parts);
    const current = marker ? new Set(this.#partKeys(marker)) : new Set<string>();
    this.#orphans.set(
      check,
      [...parts.keys()].filter((sk) => !current.has(sk)),
    );
    return { incidents, memory, ...(outbox && { outbox }) };
  }

  async stage(lease: Lease, outbox: Outbox): Promise<void> {
    const parts = outboxParts(storedOutbox(outbox));
    const marker: OutboxMarker = { id: outbox.id, parts: parts.length, createdAt: outbox.createdAt };
    const pk = this.#partitionOf(lease.check);
    const keys = this.#partKeys(marker);
    this.#partCounts.set(outbox.id, parts.length);
    await this.#batchWrite(
      lease.check,
      parts.map((part, i) => ({
        PutRequest: { Item: { pk, sk: keys[i] as string, body: JSON.stringify(part) } },
      })),
    );
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.#controlKey(lease.check),
          UpdateExpression: 'SET #outbox = :marker',
          ConditionExpression:
            '#holder = :holder AND #until > :now AND (attribute_not_exists(#outbox) OR #outbox.#id = :id)',
          ExpressionAttributeNames: {
            '#holder': 'holder',
            '#until': 'leaseUntil',
            '#outbox': 'outbox',
            '#id': 'id',
          },
          ExpressionAttributeValues: {
            ':holder': lease.holder,
            ':now': this.#clock().getTime(),
            ':marker': marker,
            ':id': outbox.id,
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      throw new StateConflictError(
        `${this.tableName} ${pk}: cannot stage run ${lease.holder}'s outbox: the lease was lost or another outbox is pending`,
        { cause: error },
      );
    }
  }

  async commit(lease: Lease, outbox: Outbox): Promise<void> {
    const check = lease.check;
    await this.#renew(lease);
    // Incidents first: if one conflicts (the state changed under a lost lease), the memory computed
    // from it is not kept either.
    await this.#writeIncidents(check, outbox.id, outbox.incidents);
    await this.#writeMemory(check, outbox.memory);
    // The marker goes last: until it is gone, the next run finishes this commit.
    await this.#client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.#controlKey(check),
        UpdateExpression: 'REMOVE #outbox',
        ConditionExpression: '#holder = :holder',
        ExpressionAttributeNames: { '#holder': 'holder', '#outbox': 'outbox' },
        ExpressionAttributeValues: { ':holder': lease.holder },
      }),
    );
    const pk = this.#partitionOf(check);
    const stale = [...(this.#orphans.get(check) ?? [])];
    this.#orphans.delete(check);
    const marker = {
      id: outbox.id,
      parts: this.#partCounts.get(outbox.id) ?? 0,
      createdAt: outbox.createdAt,
    };
    this.#partCounts.delete(outbox.id);
    await this.#batchWrite(
      check,
      [...this.#partKeys(marker), ...stale].map((sk) => ({ DeleteRequest: { Key: { pk, sk } } })),
    );
  }

  /** Fails unless `lease` still holds the check, and extends it by its original length. */
  async #renew(lease: Lease): Promise<void> {
    const now = this.#clock().getTime();
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.#controlKey(lease.check),
          UpdateExpression: 'SET #until = :until',
          ConditionExpression: '#holder = :holder AND #until > :now',
          ExpressionAttributeNames: { '#holder': 'holder', '#until': 'leaseUntil' },
          ExpressionAttributeValues: {
            ':holder': lease.holder,
            ':now': now,
            ':until': Math.max(lease.expiresAt.getTime(), now + 60_000),
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      throw new StateConflictError(
        `${this.tableName} ${this.#partitionOf(lease.check)}: run ${lease.holder} no longer holds the state lease`,
        { cause: error },
      );
    }
  }

  #controlKey(check: CheckName): Item {
    return { pk: this.#partitionOf(check), sk: CONTROL_KEY };
  }

  #partKeys(marker: OutboxMarker): string[] {
    return Array.from(
      { length: marker.parts },
      (_, i) => `${OUTBOX_PREFIX}${marker.id}#${String(i).padStart(5, '0')}`,
    );
  }

  #assembleOutbox(check: CheckName, marker: OutboxMarker, parts: ReadonlyMap<string, Item>): Outbox {
    const stored: StoredOutbox = {
      id: marker.id,
      createdAt: marker.createdAt,
      events: [],
      incidents: [],
      memory: { set: [], delete: [] },
    };
    for (const sk of this.#partKeys(marker)) {
      const body = parts.get(sk)?.body;
      if (typeof body !== 'string') {
        throw new GuardrailError(`${this.tableName} ${check}/${sk}: outbox part missing`);
      }
      const part = JSON.parse(body) as OutboxPart;
      stored.events.push(...part.events);
      stored.incidents.push(...part.incidents);
      stored.memory.set.push(...part.memorySet);
      stored.memory.delete.push(...part.memoryDelete);
    }
    const parsed = storedOutboxSchema.safeParse(stored);
    if (!parsed.success) {
      throw new GuardrailError(`${this.tableName} ${check}: outbox ${marker.id} is not valid`, {
        cause: parsed.error,
      });
    }
    return outboxFromStored(parsed.data);
  }

  #readItem(check: CheckName, item: Item, incidents: IncidentRecord[], memory: Map<string, unknown>): void {
    const sk = typeof item.sk === 'string' ? item.sk : '';
    if (sk.startsWith(MEMORY_PREFIX)) {
      memory.set(sk.slice(MEMORY_PREFIX.length), item.value);
      return;
    }
    if (!sk.startsWith(INCIDENT_PREFIX)) return; // Another kind of item; not ours to judge.
    const { pk: _pk, sk: _sk, expiresAt: _expiresAt, writtenBy: _writtenBy, ...fields } = item;
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

  async #writeIncidents(check: CheckName, writer: string, writes: readonly IncidentWrite[]): Promise<void> {
    const results = await settleWithConcurrency(writes, this.#concurrency, (write) =>
      this.#putIncident(check, writer, write),
    );
    const conflicts: string[] = [];
    let firstOther: unknown;
    let firstConflict: unknown;
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      if (result.reason instanceof StateConflictError) {
        conflicts.push(writes[i]?.record.dedupkey ?? `#${i}`);
        firstConflict ??= result.reason;
      } else firstOther ??= result.reason;
    });
    if (firstOther !== undefined) throw firstOther;
    if (conflicts.length === 1 && firstConflict !== undefined) throw firstConflict;
    if (conflicts.length > 1) {
      throw new StateConflictError(
        `${conflicts.length} incidents changed since load: ${conflicts.join(', ')}`,
        { cause: firstConflict },
      );
    }
  }

  /**
   * Writes a record if the store still holds the version the run loaded, or
   * already holds this very write (same version, written by the same outbox:
   * an interrupted commit got that far). Another run's write at that version
   * is a conflict.
   */
  async #putIncident(
    check: CheckName,
    writer: string,
    { record, expectedVersion }: IncidentWrite,
  ): Promise<void> {
    if (record.check !== check) {
      throw new GuardrailError(`record ${record.dedupkey} belongs to ${record.check}, not ${check}`);
    }
    const item: Item = {
      ...record,
      pk: this.#partitionOf(check),
      sk: `${INCIDENT_PREFIX}${record.dedupkey}`,
      writtenBy: writer,
    };
    // Resolved records expire; a reopened one is written whole, so it loses the TTL.
    if (record.status === 'resolved') {
      item.expiresAt = Math.floor((Date.parse(record.lastNotified) + this.#retentionMs) / 1000);
    }
    const names = { '#v': 'version', '#by': 'writtenBy' };
    const again = '(#v = :target AND #by = :writer)';
    const condition =
      expectedVersion === null
        ? {
            ConditionExpression: `attribute_not_exists(pk) OR ${again}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':target': record.version, ':writer': writer },
          }
        : {
            ConditionExpression: `#v = :expected OR ${again}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: {
              ':expected': expectedVersion,
              ':target': record.version,
              ':writer': writer,
            },
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
    await this.#batchWrite(check, requests);
  }

  /** BatchWriteItem in chunks of 25, `concurrency` at once, retrying UnprocessedItems with backoff. */
  async #batchWrite(check: CheckName, requests: readonly WriteRequest[]): Promise<void> {
    const chunks: WriteRequest[][] = [];
    for (let i = 0; i < requests.length; i += BATCH_WRITE_MAX)
      chunks.push(requests.slice(i, i + BATCH_WRITE_MAX));
    const results = await settleWithConcurrency(chunks, this.#concurrency, async (chunk) => {
      const left = await retryRemaining(chunk, (batch) => this.#batchWriteOnce(batch), this.#options.retry);
      if (left.length > 0) {
        throw new GuardrailError(
          `${this.tableName} ${check}: ${left.length} write(s) unprocessed after retries`,
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
