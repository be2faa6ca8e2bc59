import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClient, clearAwsClients } from '../../shared/adapters/aws/clients.js';
import {
  DynamoDbStateStore,
  type DynamoDbStateStoreOptions,
} from '../../shared/adapters/aws/dynamodb-state.js';
import type { CheckName } from '../../shared/core/constants.js';
import { StateConflictError } from '../../shared/core/errors.js';
import { type IncidentRecord, NO_MEMORY_CHANGES, type StateChanges } from '../../shared/core/state.js';

// dynalite ships no types; this is the one function the tests call.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: {
  createTableMs?: number;
}) => Server;

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';
const TABLE = 'guardrails-state';

function record(dedupkey: string, overrides: Partial<IncidentRecord> = {}): IncidentRecord {
  return {
    dedupkey,
    check: 'probe',
    scope: 'observer/eu-west-1',
    status: 'open',
    severity: 'critical',
    sequence: 1,
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-01-01T00:05:00.000Z',
    lastNotified: '2026-01-01T00:05:00.000Z',
    snapshot: {
      type: 'probe.failure',
      rule: 'http-status',
      subject: 'https://shop.example.com/health',
      origin: 'observer',
      summary: 'shop health returns 503',
      category: 'availability',
      links: { runbook: 'https://runbooks.example.com/shop' },
    },
    version: 1,
    ...overrides,
  };
}

let runs = 0;
/** Commits changes as one whole run: takes the lease, commits, releases. */
async function commitAs(store: DynamoDbStateStore, check: CheckName, changes: StateChanges): Promise<void> {
  runs += 1;
  const lease = await store.acquire(check, { holder: `run-${runs}`, ttlMs: 60_000 });
  try {
    await store.commit(lease, {
      id: lease.holder,
      createdAt: '2026-01-01T00:00:00.000Z',
      events: [],
      ...changes,
    });
  } finally {
    await store.release(lease);
  }
}

describe('DynamoDbStateStore against dynalite over HTTP', () => {
  let server: Server;
  let endpoint: string;
  let doc: DynamoDBDocumentClient;
  const store = (extra: Partial<DynamoDbStateStoreOptions> = {}) =>
    new DynamoDbStateStore({ tableName: TABLE, clientOptions: { endpoint, region, credentials }, ...extra });

  beforeAll(async () => {
    server = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ddb = awsClient(DynamoDBClient, { endpoint, region, credentials });
    doc = DynamoDBDocumentClient.from(ddb);
    await ddb.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
  });

  afterAll(async () => {
    clearAwsClients();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('loads back exactly what it committed: records, memory, and nothing of other checks', async () => {
    const open = record('probe:http-status:shop');
    const resolved = record('probe:http-status:api', { status: 'resolved', sequence: 2, version: 2 });
    const memory = {
      'failures:shop': { consecutive: 3, since: '2026-01-01T00:03:00.000Z' },
      'failures:api': 0,
    };

    await commitAs(store(), 'probe', {
      incidents: [
        { record: open, expectedVersion: null },
        { record: resolved, expectedVersion: null },
      ],
      memory: { set: new Map(Object.entries(memory)), delete: [] },
    });
    await commitAs(store(), 'tag-coverage', {
      incidents: [],
      memory: { set: new Map([['other', true]]), delete: [] },
    });
    const state = await store().load('probe');

    expect([...state.incidents].sort((a, b) => a.dedupkey.localeCompare(b.dedupkey))).toEqual([
      resolved,
      open,
    ]);
    expect(state.memory).toEqual(new Map(Object.entries(memory)));
  });

  it('stores the TTL on resolved records only', async () => {
    const get = async (dedupkey: string) =>
      (await doc.send(new GetCommand({ TableName: TABLE, Key: { pk: 'probe', sk: `INC#${dedupkey}` } })))
        .Item;

    expect((await get('probe:http-status:api'))?.expiresAt).toBe(
      Date.parse('2026-01-01T00:05:00.000Z') / 1000 + 90 * 86_400,
    );
    expect(await get('probe:http-status:shop')).not.toHaveProperty('expiresAt');
  });

  it('rejects a write at a stale version, and a create of a record that exists', async () => {
    const key = 'probe:tls-expiry:shop';
    await commitAs(store(), 'probe', {
      incidents: [{ record: record(key), expectedVersion: null }],
      memory: NO_MEMORY_CHANGES,
    });
    // Two runs loaded version 1; the first moves it to 2.
    await commitAs(store(), 'probe', {
      incidents: [{ record: record(key, { sequence: 2, version: 2 }), expectedVersion: 1 }],
      memory: NO_MEMORY_CHANGES,
    });

    const stale = commitAs(store(), 'probe', {
      incidents: [
        { record: record(key, { sequence: 2, severity: 'error', version: 2 }), expectedVersion: 1 },
      ],
      memory: { set: new Map([['failures:tls', 1]]), delete: [] },
    });
    await expect(stale).rejects.toThrow(StateConflictError);
    // dynalite ignores ReturnValuesOnConditionCheckFailure, so the held version is not in the message here.
    await expect(stale).rejects.toThrow(`probe incident ${key}: expected version 1, found `);
    await expect(
      commitAs(store(), 'probe', {
        incidents: [{ record: record(key), expectedVersion: null }],
        memory: NO_MEMORY_CHANGES,
      }),
    ).rejects.toThrow(`probe incident ${key}: expected no record, found `);

    const state = await store().load('probe');
    expect(state.incidents.find((r) => r.dedupkey === key)).toMatchObject({
      severity: 'critical',
      version: 2,
    });
    expect(state.memory.has('failures:tls')).toBe(false);
  });

  it('pages through a check with more items than one Query returns', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `mem:${String(i).padStart(2, '0')}`);
    await commitAs(store(), 'cost-anomaly', {
      incidents: Array.from({ length: 7 }, (_, i) => ({
        record: record(`cost-anomaly:waste:w${i}`, { check: 'cost-anomaly' }),
        expectedVersion: null,
      })),
      memory: { set: new Map(keys.map((k, i) => [k, i])), delete: [] },
    });

    const state = await store({ pageLimit: 4 }).load('cost-anomaly');

    expect(state.incidents).toHaveLength(7);
    expect([...state.memory.keys()].sort()).toEqual(keys);
  });

  it('deletes memory entries', async () => {
    await commitAs(store(), 'probe', {
      incidents: [],
      memory: { set: new Map(), delete: ['failures:api', 'never-set'] },
    });

    const state = await store().load('probe');

    expect(state.memory.has('failures:api')).toBe(false);
    expect(state.memory.has('failures:shop')).toBe(true);
  });
});
