import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClient } from '../../shared/adapters/aws/clients.js';
import { DynamoDbStateStore } from '../../shared/adapters/aws/dynamodb-state.js';
import { FileStateStore } from '../../shared/adapters/file/state-file.js';
import { MemoryStateStore } from '../../shared/adapters/memory/memory-state.js';
import type { StateStore } from '../../shared/core/ports.js';

// dynalite ships no types; this is the one function the tests call.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: {
  createTableMs?: number;
}) => Server;

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A controllable clock shared by every "process" of one store. */
export interface TestClock {
  now: number;
  readonly read: () => Date;
  advance(ms: number): void;
}

export function testClock(start = Date.UTC(2026, 10, 20, 6)): TestClock {
  const clock: TestClock = {
    now: start,
    read: () => new Date(clock.now),
    advance: (ms) => {
      clock.now += ms;
    },
  };
  return clock;
}

/**
 * One kind of state store, opened as many times as a test has "processes"
 * (each its own instance, as separate runners would have), over the same
 * underlying state.
 */
export interface StoreKind {
  readonly name: 'memory' | 'file' | 'dynamodb';
  /** A fresh, empty state; returns a way to open it as one process. */
  fresh(clock: TestClock): Promise<(process: ProcessIdentity) => StateStore>;
}

/** Who a process is, for the file lock's liveness check: `alive` false stands for a process killed with -9. */
export interface ProcessIdentity {
  readonly pid: number;
  readonly alive: () => boolean;
}

let pids = 4_000_000;
/** A process identity that is alive until `kill()`. */
export function testProcess(): ProcessIdentity & { kill(): void } {
  let alive = true;
  pids += 1;
  return {
    pid: pids,
    alive: () => alive,
    kill: () => {
      alive = false;
    },
  };
}

export const memoryKind: StoreKind = {
  name: 'memory',
  async fresh(clock) {
    // One process's memory: every "process" shares the instance, as threads of one CLI would.
    const store = new MemoryStateStore(undefined, { clock: clock.read });
    return () => store;
  },
};

/** Files under a temporary directory removed by `cleanup`. */
export function fileKind(): StoreKind & { cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'guardrails-state-'));
  let files = 0;
  return {
    name: 'file',
    async fresh(clock) {
      files += 1;
      const path = join(dir, `state-${files}.json`);
      const lives = new Map<number, () => boolean>();
      return (process) => {
        lives.set(process.pid, process.alive);
        return new FileStateStore(path, {
          clock: clock.read,
          pid: process.pid,
          processAlive: (pid) => lives.get(pid)?.() ?? false,
        });
      };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** DynamoDB on dynalite over loopback; each `fresh` state is a new table. */
export interface DynamoKind extends StoreKind {
  readonly client: DynamoDBClient;
  readonly clientOptions: { endpoint: string; region: string; credentials: typeof credentials };
  /** Creates an empty state table and returns its name. */
  createTable(): Promise<string>;
  stop(): Promise<void>;
}

export async function dynamoKind(): Promise<DynamoKind> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientOptions = { endpoint, region: 'us-east-1', credentials };
  const client = awsClient(DynamoDBClient, clientOptions);
  let tables = 0;
  async function createTable(): Promise<string> {
    tables += 1;
    const tableName = `guardrails-state-${tables}`;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
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
    return tableName;
  }
  return {
    name: 'dynamodb',
    client,
    clientOptions,
    createTable,
    async fresh(clock) {
      const tableName = await createTable();
      return () =>
        new DynamoDbStateStore({ tableName, clientOptions, clock: clock.read, retry: { maxRetries: 0 } });
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
