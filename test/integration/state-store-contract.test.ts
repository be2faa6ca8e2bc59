import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearAwsClients } from '../../shared/adapters/aws/clients.js';
import type { Envelope } from '../../shared/core/envelope.js';
import { LeaseHeldError, StateConflictError } from '../../shared/core/errors.js';
import { eventIdOf } from '../../shared/core/identity.js';
import type { Lease, StateStore } from '../../shared/core/ports.js';
import type { IncidentRecord, Outbox } from '../../shared/core/state.js';
import {
  dynamoKind,
  fileKind,
  memoryKind,
  type StoreKind,
  type TestClock,
  testClock,
  testProcess,
} from '../support/state-stores.js';

const MINUTE = 60_000;

function record(dedupkey: string, overrides: Partial<IncidentRecord> = {}): IncidentRecord {
  return {
    dedupkey,
    check: 'tag-coverage',
    scope: '111111111111/us-east-1',
    status: 'open',
    severity: 'warning',
    sequence: 1,
    firstSeen: '2026-11-20T06:00:00.000Z',
    lastSeen: '2026-11-20T06:00:00.000Z',
    lastNotified: '2026-11-20T06:00:00.000Z',
    snapshot: {
      type: 'tag.violation',
      rule: 'required-tags',
      subject: 'account 111111111111',
      origin: '111111111111',
      summary: 'team-a: 3 resources break the tagging policy',
      category: 'tagging',
    },
    version: 1,
    ...overrides,
  };
}

function event(r: IncidentRecord, evidenceBytes = 10): Envelope {
  return {
    specversion: '1.0',
    id: eventIdOf(r.dedupkey, r.sequence),
    source: 'finops-guardrails/tag-coverage/111111111111',
    type: 'finops-guardrails.tag.violation',
    subject: r.snapshot.subject,
    time: r.lastSeen,
    datacontenttype: 'application/json',
    dedupkey: r.dedupkey,
    action: 'trigger',
    severity: r.severity,
    sequence: r.sequence,
    data: {
      summary: r.snapshot.summary,
      category: 'tagging',
      check: 'tag-coverage',
      rule: 'required-tags',
      evidence: { padding: 'x'.repeat(evidenceBytes), nested: { deep: [1, { two: null }] } },
      firstSeen: r.firstSeen,
      lastSeen: r.lastSeen,
    },
  };
}

function outbox(
  id: string,
  records: readonly IncidentRecord[],
  memory: Record<string, unknown> = {},
): Outbox {
  return {
    id,
    createdAt: '2026-11-20T06:00:00.000Z',
    events: records.map((r) => event(r)),
    incidents: records.map((r) => ({ record: r, expectedVersion: r.version === 1 ? null : r.version - 1 })),
    memory: { set: new Map(Object.entries(memory)), delete: [] },
  };
}

const kinds: Array<() => Promise<StoreKind & { stop?: () => Promise<void>; cleanup?: () => void }>> = [
  async () => memoryKind,
  async () => fileKind(),
  dynamoKind,
];

describe.each(kinds.map((make, i) => [['memory', 'file', 'dynamodb'][i], make] as const))(
  'StateStore contract: %s',
  (_name, make) => {
    let kind: Awaited<ReturnType<(typeof kinds)[number]>>;
    let clock: TestClock;
    let open: Awaited<ReturnType<StoreKind['fresh']>>;

    beforeAll(async () => {
      kind = await make();
    });
    afterAll(async () => {
      clearAwsClients();
      await kind.stop?.();
      kind.cleanup?.();
    });

    async function freshStore(): Promise<{ store: StateStore; other: StateStore; kill: () => void }> {
      clock = testClock();
      open = await kind.fresh(clock);
      const first = testProcess();
      return { store: open(first), other: open(testProcess()), kill: first.kill };
    }

    it('lets one runner hold a check at a time, naming the holder to the second', async () => {
      const { store, other } = await freshStore();
      const lease = await store.acquire('tag-coverage', { holder: 'run-a', ttlMs: 15 * MINUTE });

      const second = other.acquire('tag-coverage', { holder: 'run-b', ttlMs: 15 * MINUTE });

      await expect(second).rejects.toBeInstanceOf(LeaseHeldError);
      await expect(second).rejects.toThrow(/run-a/);
      await store.release(lease);
      const taken = await other.acquire('tag-coverage', { holder: 'run-b', ttlMs: 15 * MINUTE });
      expect(taken.holder).toBe('run-b');
    });

    it('lets a new runner take over a lease whose runner died', async () => {
      const { store, other, kill } = await freshStore();
      await store.acquire('tag-coverage', { holder: 'run-dead', ttlMs: 15 * MINUTE });

      kill();
      clock.advance(16 * MINUTE);

      const lease = await other.acquire('tag-coverage', { holder: 'run-next', ttlMs: 15 * MINUTE });
      expect(lease.holder).toBe('run-next');
    });

    it('returns a staged outbox exactly as staged, even one larger than a DynamoDB item', async () => {
      const { store } = await freshStore();
      const lease = await store.acquire('tag-coverage', { holder: 'run-a', ttlMs: 15 * MINUTE });
      const records = ['k:a', 'k:b', 'k:c'].map((k) => record(k));
      const staged: Outbox = {
        ...outbox('run-a', records, { 'first-seen:arn:1': '2026-11-01T00:00:00.000Z' }),
        events: records.map((r) => event(r, 180_000)),
      };

      await store.stage(lease, staged);
      const loaded = await store.load('tag-coverage');

      expect(loaded.outbox?.events).toEqual(staged.events);
      expect(loaded.outbox?.incidents).toEqual(staged.incidents);
      expect(loaded.outbox?.memory.set).toEqual(staged.memory.set);
      expect(loaded.incidents).toEqual([]); // staged, not applied
    });

    it('applies an outbox on commit and clears it; committing it again changes nothing', async () => {
      const { store } = await freshStore();
      const lease = await store.acquire('tag-coverage', { holder: 'run-a', ttlMs: 15 * MINUTE });
      const box = outbox('run-a', [record('k:a'), record('k:b')], { seen: 1 });
      await store.stage(lease, box);

      await store.commit(lease, box);
      await store.commit(lease, box);
      const state = await store.load('tag-coverage');

      expect(state.outbox).toBeUndefined();
      expect(state.incidents.map((r) => r.dedupkey).sort()).toEqual(['k:a', 'k:b']);
      expect(state.memory.get('seen')).toBe(1);
    });

    it('refuses a write at a version the store no longer holds, and another run’s write at the same version', async () => {
      const { store, other } = await freshStore();
      const first = await store.acquire('tag-coverage', { holder: 'run-a', ttlMs: 15 * MINUTE });
      await store.commit(first, outbox('run-a', [record('k:a')]));
      await store.release(first);

      const second = await other.acquire('tag-coverage', { holder: 'run-b', ttlMs: 15 * MINUTE });
      const stale = outbox('run-b', [record('k:a', { sequence: 2, severity: 'error', version: 2 })]);
      const twice = {
        ...stale,
        incidents: [{ record: stale.incidents[0]?.record as IncidentRecord, expectedVersion: null }],
      };
      await expect(other.commit(second, twice)).rejects.toBeInstanceOf(StateConflictError);
      await other.commit(second, stale);
      const rival = outbox('run-c', [record('k:a', { sequence: 2, severity: 'critical', version: 2 })]);
      await expect(other.commit(second, { ...rival, id: 'run-c' })).rejects.toBeInstanceOf(
        StateConflictError,
      );

      const state = await other.load('tag-coverage');
      expect(state.incidents).toEqual([stale.incidents[0]?.record]);
    });

    it('stops a runner that lost its lease from staging or committing anything', async () => {
      const { store, other, kill } = await freshStore();
      const lost: Lease = await store.acquire('tag-coverage', { holder: 'run-slow', ttlMs: MINUTE });
      kill();
      clock.advance(2 * MINUTE);
      await other.acquire('tag-coverage', { holder: 'run-next', ttlMs: 15 * MINUTE });

      await expect(store.stage(lost, outbox('run-slow', [record('k:a')]))).rejects.toBeInstanceOf(
        StateConflictError,
      );
      await expect(store.commit(lost, outbox('run-slow', [record('k:a')]))).rejects.toBeInstanceOf(
        StateConflictError,
      );
      const state = await other.load('tag-coverage');
      expect(state.incidents).toEqual([]);
      expect(state.outbox).toBeUndefined();
    });

    it('keeps checks apart: a lease and an outbox of one check do not touch another', async () => {
      const { store, other } = await freshStore();
      const tags = await store.acquire('tag-coverage', { holder: 'run-a', ttlMs: 15 * MINUTE });
      await store.stage(tags, outbox('run-a', [record('k:a')]));

      const costs = await other.acquire('cost-anomaly', { holder: 'run-b', ttlMs: 15 * MINUTE });

      expect(costs.check).toBe('cost-anomaly');
      expect((await other.load('cost-anomaly')).outbox).toBeUndefined();
    });
  },
);
