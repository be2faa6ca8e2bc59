import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbStateStore } from '../../../../shared/adapters/aws/dynamodb-state.js';
import type { CheckName } from '../../../../shared/core/constants.js';
import { GuardrailError, StateConflictError } from '../../../../shared/core/errors.js';
import { type IncidentRecord, NO_MEMORY_CHANGES, type StateChanges } from '../../../../shared/core/state.js';

const TABLE = 'guardrails-state';

function record(dedupkey: string, overrides: Partial<IncidentRecord> = {}): IncidentRecord {
  return {
    dedupkey,
    check: 'tag-coverage',
    scope: '123456789012/us-east-1',
    status: 'open',
    severity: 'warning',
    sequence: 1,
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-01-02T00:00:00.000Z',
    lastNotified: '2026-01-02T00:00:00.000Z',
    snapshot: {
      type: 'tag.violation',
      rule: 'required-tags',
      subject: 'arn:aws:s3:::bucket',
      origin: '123456789012',
      summary: 'bucket lacks the owner tag',
      category: 'tagging',
    },
    version: 1,
    ...overrides,
  };
}

/** Commits changes as a run holding the lease would (the lease and marker writes are mocked to succeed). */
function commitTo(store: DynamoDbStateStore, check: CheckName, changes: StateChanges): Promise<void> {
  const lease = { check, holder: 'run-1', expiresAt: new Date('2026-01-02T00:16:00.000Z') };
  return store.commit(lease, { id: 'run-1', createdAt: '2026-01-02T00:00:00.000Z', events: [], ...changes });
}

const item = (r: IncidentRecord) => ({ pk: r.check, sk: `INC#${r.dedupkey}`, ...r });
const noWait = { sleep: async () => {}, random: () => 0.5 };

function conditionalFailure(version?: number) {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(version === undefined ? {} : { Item: { version: { N: String(version) } } }),
  });
}

describe('DynamoDbStateStore.load', () => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const ddb = mockClient(client);
  afterEach(() => ddb.reset());

  it('follows LastEvaluatedKey across pages and splits incidents from memory', async () => {
    const a = record('tag-coverage:required-tags:a');
    const b = record('tag-coverage:required-tags:b', { status: 'resolved' });
    ddb
      .on(QueryCommand)
      .resolvesOnce({
        Items: [item(a), { pk: 'tag-coverage', sk: 'MEM#first-seen:x', value: '2026-01-01' }],
        LastEvaluatedKey: { pk: 'tag-coverage', sk: 'MEM#first-seen:x' },
      })
      .resolvesOnce({ Items: [{ ...item(b), expiresAt: 1_800_000_000 }] });

    const state = await new DynamoDbStateStore({ tableName: TABLE, client }).load('tag-coverage');

    expect(state.incidents).toEqual([a, b]);
    expect(state.memory).toEqual(new Map([['first-seen:x', '2026-01-01']]));
    expect(ddb).toReceiveCommandTimes(QueryCommand, 2);
    expect(ddb).toReceiveNthCommandWith(QueryCommand, 1, {
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'tag-coverage' },
      ConsistentRead: true,
    });
    expect(ddb).toReceiveNthCommandWith(QueryCommand, 2, {
      ExclusiveStartKey: { pk: 'tag-coverage', sk: 'MEM#first-seen:x' },
    });
  });

  it('skips an invalid record and reports it to onInvalid', async () => {
    const good = record('tag-coverage:required-tags:a');
    const corrupt = { pk: 'tag-coverage', sk: 'INC#broken', dedupkey: 'broken', version: 'one' };
    ddb.on(QueryCommand).resolves({ Items: [corrupt, item(good)] });
    const onInvalid = vi.fn();

    const state = await new DynamoDbStateStore({ tableName: TABLE, client, onInvalid }).load('tag-coverage');

    expect(state.incidents).toEqual([good]);
    expect(onInvalid).toHaveBeenCalledWith(corrupt, expect.any(GuardrailError));
  });

  it('refuses to load a table with an invalid record when nobody listens for it', async () => {
    const moved = record('tag-coverage:required-tags:a');
    ddb.on(QueryCommand).resolves({ Items: [{ ...item(moved), sk: 'INC#elsewhere' }] });

    await expect(new DynamoDbStateStore({ tableName: TABLE, client }).load('tag-coverage')).rejects.toThrow(
      /tag-coverage\/INC#elsewhere: invalid incident record/,
    );
  });
});

describe('DynamoDbStateStore.commit', () => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const ddb = mockClient(client);
  afterEach(() => ddb.reset());

  const putInputs = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input as PutCommandInput);
  beforeEach(() => ddb.on(UpdateCommand).resolves({}));

  it('creates a new record only if absent and updates one only at the loaded version', async () => {
    ddb.on(PutCommand).resolves({});
    const fresh = record('k:new');
    const updated = record('k:old', { sequence: 3, version: 5 });

    await commitTo(new DynamoDbStateStore({ tableName: TABLE, client }), 'tag-coverage', {
      incidents: [
        { record: fresh, expectedVersion: null },
        { record: updated, expectedVersion: 4 },
      ],
      memory: NO_MEMORY_CHANGES,
    });

    expect(ddb).toReceiveCommandWith(PutCommand, {
      TableName: TABLE,
      Item: { pk: 'tag-coverage', sk: 'INC#k:new', writtenBy: 'run-1', ...fresh },
      ConditionExpression: 'attribute_not_exists(pk) OR (#v = :target AND #by = :writer)',
      ExpressionAttributeValues: { ':target': 1, ':writer': 'run-1' },
    });
    expect(ddb).toReceiveCommandWith(PutCommand, {
      Item: { pk: 'tag-coverage', sk: 'INC#k:old', writtenBy: 'run-1', ...updated },
      ConditionExpression: '#v = :expected OR (#v = :target AND #by = :writer)',
      ExpressionAttributeNames: { '#v': 'version', '#by': 'writtenBy' },
      ExpressionAttributeValues: { ':expected': 4, ':target': 5, ':writer': 'run-1' },
    });
    expect(ddb).toReceiveCommandTimes(BatchWriteCommand, 0);
  });

  it('keeps each location in its own partition when told to, for loads, puts and memory', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    const store = new DynamoDbStateStore({
      tableName: TABLE,
      client,
      partitionOf: (check) => `${check}@us-west-2`,
    });
    const fresh = record('k:new', { check: 'probe' });

    await store.load('probe');
    await commitTo(store, 'probe', {
      incidents: [{ record: fresh, expectedVersion: null }],
      memory: { set: new Map([['probe:api', { failures: 1 }]]), delete: ['probe:old'] },
    });

    expect(ddb).toReceiveCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':pk': 'probe@us-west-2' },
    });
    expect(ddb).toReceiveCommandWith(PutCommand, {
      Item: { pk: 'probe@us-west-2', sk: 'INC#k:new', writtenBy: 'run-1', ...fresh },
    });
    const requests = ddb
      .commandCalls(BatchWriteCommand)
      .flatMap((c) => c.args[0].input.RequestItems?.[TABLE] ?? []);
    expect(requests.map((r) => r.PutRequest?.Item?.pk ?? r.DeleteRequest?.Key?.pk)).toEqual([
      'probe@us-west-2',
      'probe@us-west-2',
    ]);
  });

  it('gives resolved records a TTL of lastNotified plus the retention, and open ones none', async () => {
    ddb.on(PutCommand).resolves({});
    const resolved = record('k:resolved', { status: 'resolved', lastNotified: '2026-01-10T00:00:00.000Z' });

    await commitTo(
      new DynamoDbStateStore({ tableName: TABLE, client, resolvedRetentionMs: 86_400_000 }),
      'tag-coverage',
      {
        incidents: [
          { record: resolved, expectedVersion: 1 },
          { record: record('k:open'), expectedVersion: null },
        ],
        memory: NO_MEMORY_CHANGES,
      },
    );

    const [first, second] = putInputs();
    expect(first?.Item?.expiresAt).toBe(Date.parse('2026-01-11T00:00:00.000Z') / 1000);
    expect(second?.Item).not.toHaveProperty('expiresAt');
  });

  it('turns a failed condition into a StateConflictError naming the dedupkey', async () => {
    ddb.on(PutCommand).rejects(conditionalFailure(6));

    const commit = commitTo(new DynamoDbStateStore({ tableName: TABLE, client }), 'tag-coverage', {
      incidents: [{ record: record('k:raced', { version: 5 }), expectedVersion: 4 }],
      memory: { set: new Map([['a', 1]]), delete: [] },
    });

    await expect(commit).rejects.toThrow(StateConflictError);
    await expect(commit).rejects.toThrow(
      'tag-coverage incident k:raced: expected version 4, found version 6',
    );
    expect(ddb).toReceiveCommandTimes(BatchWriteCommand, 0);
  });

  it('names every conflicting dedupkey and still settles the other writes', async () => {
    ddb.on(PutCommand).callsFake(async (input: PutCommandInput) => {
      if (input.Item?.dedupkey === 'k:b') return {};
      throw conditionalFailure();
    });

    const commit = commitTo(new DynamoDbStateStore({ tableName: TABLE, client }), 'tag-coverage', {
      incidents: ['k:a', 'k:b', 'k:c'].map((k) => ({ record: record(k), expectedVersion: null })),
      memory: NO_MEMORY_CHANGES,
    });

    await expect(commit).rejects.toThrow(new StateConflictError('2 incidents changed since load: k:a, k:c'));
    expect(ddb).toReceiveCommandTimes(PutCommand, 3);
  });

  it('passes other errors through unchanged', async () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    ddb.on(PutCommand).rejects(denied);

    await expect(
      commitTo(new DynamoDbStateStore({ tableName: TABLE, client }), 'tag-coverage', {
        incidents: [{ record: record('k:a'), expectedVersion: null }],
        memory: NO_MEMORY_CHANGES,
      }),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('refuses a record of another check', async () => {
    await expect(
      commitTo(new DynamoDbStateStore({ tableName: TABLE, client }), 'probe', {
        incidents: [{ record: record('k:a'), expectedVersion: null }],
        memory: NO_MEMORY_CHANGES,
      }),
    ).rejects.toThrow(/belongs to tag-coverage, not probe/);
  });

  it('keeps at most `concurrency` puts in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    ddb.on(PutCommand).callsFake(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      return {};
    });

    await commitTo(new DynamoDbStateStore({ tableName: TABLE, client, concurrency: 3 }), 'tag-coverage', {
      incidents: Array.from({ length: 12 }, (_, i) => ({ record: record(`k:${i}`), expectedVersion: null })),
      memory: NO_MEMORY_CHANGES,
    });

    expect(ddb).toReceiveCommandTimes(PutCommand, 12);
    expect(peak).toBe(3);
  });

  it('writes memory sets and deletes in BatchWrite requests of at most 25', async () => {
    ddb.on(BatchWriteCommand).resolves({});
    const set = Object.fromEntries(Array.from({ length: 27 }, (_, i) => [`seen:${i}`, { firstSeen: i }]));

    await commitTo(new DynamoDbStateStore({ tableName: TABLE, client }), 'tag-coverage', {
      incidents: [],
      memory: { set: new Map(Object.entries(set)), delete: ['gone:1', 'gone:2', 'seen:0'] },
    });

    const batches = ddb
      .commandCalls(BatchWriteCommand)
      .map((c) => c.args[0].input.RequestItems?.[TABLE] ?? []);
    expect(batches.map((b) => b.length)).toEqual([25, 4]);
    expect(batches[0]?.[0]).toEqual({
      PutRequest: { Item: { pk: 'tag-coverage', sk: 'MEM#seen:0', value: { firstSeen: 0 } } },
    });
    // `seen:0` is both set and deleted: set wins, so only two deletes are sent.
    expect(batches[1]?.slice(2)).toEqual([
      { DeleteRequest: { Key: { pk: 'tag-coverage', sk: 'MEM#gone:1' } } },
      { DeleteRequest: { Key: { pk: 'tag-coverage', sk: 'MEM#gone:2' } } },
    ]);
  });

  it('retries UnprocessedItems alone, with backoff', async () => {
    const unprocessed = { DeleteRequest: { Key: { pk: 'tag-coverage', sk: 'MEM#b' } } };
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: [unprocessed] } })
      .resolves({});
    const sleep = vi.fn(async () => {});

    await commitTo(
      new DynamoDbStateStore({ tableName: TABLE, client, retry: { ...noWait, sleep } }),
      'tag-coverage',
      {
        incidents: [],
        memory: { set: new Map([['a', 1]]), delete: ['b'] },
      },
    );

    expect(ddb).toReceiveCommandTimes(BatchWriteCommand, 2);
    expect(ddb).toReceiveNthCommandWith(BatchWriteCommand, 2, { RequestItems: { [TABLE]: [unprocessed] } });
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it('fails when UnprocessedItems outlast the retry budget', async () => {
    ddb
      .on(BatchWriteCommand)
      .callsFake((input: BatchWriteCommandInput) => ({ UnprocessedItems: input.RequestItems }));

    await expect(
      commitTo(
        new DynamoDbStateStore({ tableName: TABLE, client, retry: { ...noWait, maxRetries: 2 } }),
        'tag-coverage',
        {
          incidents: [],
          memory: {
            set: new Map([
              ['a', 1],
              ['b', 2],
            ]),
            delete: [],
          },
        },
      ),
    ).rejects.toThrow(/2 write\(s\) unprocessed after retries/);
    expect(ddb).toReceiveCommandTimes(BatchWriteCommand, 3);
  });
});
