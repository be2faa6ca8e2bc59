import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../shared/adapters/memory/memory-state.js';
import { parseConfig } from '../../../shared/config/loader.js';
import { DeliveryError } from '../../../shared/core/errors.js';
import { runCheck } from '../../../shared/core/pipeline.js';
import type { Check } from '../../../shared/core/ports.js';
import { foldReportSnapshot } from '../../../shared/core/report-memory.js';
import {
  DAILY_HISTORY_DAYS,
  ENTRY_KEY_MAX,
  type ReportSnapshot,
  ROUND_HISTORY,
} from '../../../shared/core/report-snapshot.js';
import { applyChanges, type MemoryChanges, NO_MEMORY_CHANGES } from '../../../shared/core/state.js';
import { readReportMemory } from '../../../shared/report/read-report-memory.js';
import { type FakeWorld, fakeCheck, silentLog, violation } from '../../support/fake-check.js';

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);

/** Folds a snapshot and applies the changes, as a commit would. */
function commit(memory: Map<string, unknown>, snapshot: ReportSnapshot, now: Date): MemoryChanges {
  const changes = foldReportSnapshot(NO_MEMORY_CHANGES, snapshot, memory, now);
  applyChanges(new Map(), memory, { incidents: [], memory: changes }, 'test');
  return changes;
}

describe('foldReportSnapshot', () => {
  it('leaves the changes alone when the check made no snapshot', () => {
    const changes = { set: new Map([['first:x', 1]]), delete: ['first:y'] };
    expect(foldReportSnapshot(changes, undefined, new Map(), at('2026-11-20T06:00:00Z'))).toBe(changes);
  });

  it("keeps the check's own changes and adds the report's beside them", () => {
    const changes = foldReportSnapshot(
      { set: new Map([['first:x', 1]]), delete: ['first:y'] },
      { latest: new Map([['coverage/org', { byCount: 0.9 }]]) },
      new Map(),
      at('2026-11-20T06:00:00Z'),
    );
    expect([...changes.set.keys()]).toEqual(['first:x', 'report:latest:coverage/org']);
    expect(changes.delete).toEqual(['first:y']);
  });

  it('writes only the latest entries whose value changed', () => {
    const memory = new Map<string, unknown>();
    commit(
      memory,
      {
        latest: new Map([
          ['a', { v: 1 }],
          ['b', { v: 2 }],
        ]),
      },
      at('2026-11-20T06:00:00Z'),
    );
    const second = commit(
      memory,
      {
        latest: new Map([
          ['a', { v: 1 }],
          ['b', { v: 3 }],
        ]),
      },
      at('2026-11-20T07:00:00Z'),
    );
    expect([...second.set.keys()]).toEqual(['report:latest:b']);
  });

  it('deletes an entry a complete prefix covers and the run did not see, unless kept', () => {
    const memory = new Map<string, unknown>([
      ['report:latest:coverage/account/1', { n: 1 }],
      ['report:latest:coverage/account/2', { n: 2 }],
      ['report:latest:coverage/account/3', { n: 3 }],
      ['report:latest:other/x', { n: 4 }],
    ]);
    const changes = commit(
      memory,
      {
        latest: new Map([['coverage/account/1', { n: 1 }]]),
        complete: ['coverage/'],
        keep: (entry) => entry === 'coverage/account/3',
      },
      at('2026-11-20T06:00:00Z'),
    );
    expect(changes.delete).toEqual(['report:latest:coverage/account/2']);
    expect([...memory.keys()].sort()).toEqual([
      'report:latest:coverage/account/1',
      'report:latest:coverage/account/3',
      'report:latest:other/x',
    ]);
  });

  it('adds one point a day, a second run the same day replacing it, in day order', () => {
    const memory = new Map<string, unknown>();
    commit(
      memory,
      { latest: new Map(), daily: new Map([['coverage/org', [0.8]]]) },
      at('2026-11-19T06:00:00Z'),
    );
    commit(
      memory,
      { latest: new Map(), daily: new Map([['coverage/org', [0.85]]]) },
      at('2026-11-20T06:00:00Z'),
    );
    commit(
      memory,
      { latest: new Map(), daily: new Map([['coverage/org', [0.9]]]) },
      at('2026-11-20T18:00:00Z'),
    );
    expect(memory.get('report:daily:coverage/org')).toEqual({
      points: [
        ['2026-11-19', [0.8]],
        ['2026-11-20', [0.9]],
      ],
    });
  });

  it(`keeps ${DAILY_HISTORY_DAYS} days, and ages out and finally deletes a series no run adds to`, () => {
    const memory = new Map<string, unknown>();
    const start = Date.parse('2026-01-01T06:00:00Z');
    for (let i = 0; i < DAILY_HISTORY_DAYS + 10; i += 1) {
      const daily = new Map<string, unknown>([['kept', i]]);
      if (i === 0) daily.set('gone', 'once');
      commit(memory, { latest: new Map(), daily }, new Date(start + i * DAY));
    }
    const points = (memory.get('report:daily:kept') as { points: unknown[][] }).points;
    expect(points).toHaveLength(DAILY_HISTORY_DAYS);
    expect(points[0]).toEqual([new Date(start + 10 * DAY).toISOString().slice(0, 10), 10]);
    expect(memory.has('report:daily:gone')).toBe(false);
  });

  it(`keeps the last ${ROUND_HISTORY} rounds in a ring, overwriting the oldest, one item a round`, () => {
    const memory = new Map<string, unknown>();
    const start = Date.parse('2026-11-20T00:00:00Z');
    let last: MemoryChanges = NO_MEMORY_CHANGES;
    for (let i = 0; i < ROUND_HISTORY + 5; i += 1)
      last = commit(
        memory,
        { latest: new Map(), rounds: new Map([['probe/api', { i }]]) },
        new Date(start + i * 60_000),
      );
    expect([...last.set.keys()]).toEqual(['report:round:probe/api#4']);
    const rounds = readReportMemory(memory).rounds.get('probe/api') ?? [];
    expect(rounds).toHaveLength(ROUND_HISTORY);
    expect(rounds.map((r) => (r.value as { i: number }).i)).toEqual(
      Array.from({ length: ROUND_HISTORY }, (_, k) => k + 5),
    );
  });

  it('puts a replayed round back in its own slot', () => {
    const memory = new Map<string, unknown>();
    const now = at('2026-11-20T06:00:00Z');
    commit(memory, { latest: new Map(), rounds: new Map([['probe/api', { ok: true }]]) }, now);
    commit(memory, { latest: new Map(), rounds: new Map([['probe/api', { ok: true }]]) }, now);
    expect([...memory.keys()]).toEqual(['report:round:probe/api#0']);
  });

  it('forgets the rounds of a probe no run has added to for a week', () => {
    const memory = new Map<string, unknown>();
    commit(memory, { latest: new Map(), rounds: new Map([['probe/old', 1]]) }, at('2026-11-01T00:00:00Z'));
    commit(memory, { latest: new Map(), rounds: new Map([['probe/new', 1]]) }, at('2026-11-05T00:00:00Z'));
    expect(memory.has('report:round:probe/old#0')).toBe(true);
    commit(memory, { latest: new Map(), rounds: new Map([['probe/new', 2]]) }, at('2026-11-09T00:00:00Z'));
    expect(memory.has('report:round:probe/old#0')).toBe(false);
    expect(memory.has('report:round:probe/new#1')).toBe(true);
  });

  it('bounds long entry keys with a hash, so a DynamoDB sort key fits, and reads them back under the same key', () => {
    const memory = new Map<string, unknown>();
    const long = `coverage/owner/${'x'.repeat(2000)}`;
    commit(
      memory,
      { latest: new Map([[long, 1]]), daily: new Map([[long, 2]]), rounds: new Map([[long, 3]]) },
      at('2026-11-20T06:00:00Z'),
    );
    for (const key of memory.keys()) expect(key.length).toBeLessThanOrEqual(ENTRY_KEY_MAX + 20);
    const read = readReportMemory(memory);
    const [latestKey] = [...read.latest.keys()];
    expect(read.daily.has(latestKey as string)).toBe(true);
    expect(read.rounds.has(latestKey as string)).toBe(true);
    const other = `coverage/owner/${'x'.repeat(1999)}y`;
    commit(memory, { latest: new Map([[other, 1]]) }, at('2026-11-20T06:00:00Z'));
    expect(readReportMemory(memory).latest.size).toBe(2);
  });
});

describe('report history through the pipeline', () => {
  const world: FakeWorld = { findings: [violation('111122223333')], scope: { completed: [], failed: [] } };
  const reporting: Check<FakeWorld> = {
    ...fakeCheck(world),
    evaluate: (observations) => ({
      findings: observations.findings,
      report: {
        latest: new Map([['coverage/org', { byCount: 0.5 }]]),
        daily: new Map([['coverage/org', [0.5]]]),
      },
    }),
  };
  const config = parseConfig('version: 1', 'test');

  it('commits the report memory with the run, and none of it when delivery fails', async () => {
    const state = new MemoryStateStore();
    const failing = {
      name: 'down',
      deliver: async () => {
        throw new DeliveryError('down', ['x']);
      },
    };
    await expect(
      runCheck(reporting, {
        config,
        state,
        sinks: [failing],
        now: at('2026-11-20T06:00:00Z'),
        log: silentLog,
      }),
    ).rejects.toThrow(DeliveryError);
    const staged = await state.load('tag-coverage');
    expect([...staged.memory.keys()]).toEqual([]);
    expect([...(staged.outbox?.memory.set.keys() ?? [])]).toEqual([
      'report:latest:coverage/org',
      'report:daily:coverage/org',
    ]);

    await runCheck(reporting, { config, state, sinks: [], now: at('2026-11-20T06:05:00Z'), log: silentLog });
    expect((await state.load('tag-coverage')).memory.get('report:daily:coverage/org')).toEqual({
      points: [['2026-11-20', [0.5]]],
    });
  });
});
