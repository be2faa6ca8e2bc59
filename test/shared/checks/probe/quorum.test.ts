import { describe, expect, it } from 'vitest';
import { MemoryQuorumStore } from '../../../../shared/adapters/memory/memory-quorum-store.js';
import {
  judgeQuorum,
  latestPerLocation,
  previousQuorumMinute,
  quorumMinute,
} from '../../../../shared/checks/probe/quorum.js';

const at = (location: string, failed: boolean) => ({ location, failed });

describe('judgeQuorum', () => {
  it('fails only when at least K of N locations failed', () => {
    // Prepare
    const results = [at('us-west-2', true), at('eu-west-1', true), at('ap-south-1', false)];
    // Act / Assess
    expect(judgeQuorum(results, 2).failed).toBe(true);
    expect(judgeQuorum(results, 3).failed).toBe(false);
    expect(judgeQuorum(results.slice(0, 1), 2).failed).toBe(false);
  });

  it('reports which locations failed and how many reported', () => {
    const verdict = judgeQuorum([at('a', true), at('b', false)], 1);
    expect(verdict).toEqual({ failed: true, required: 1, reporting: 2, failing: [at('a', true)] });
  });

  it('never lets a quorum of 0 page on no failure', () => {
    expect(judgeQuorum([at('a', false)], 0).failed).toBe(false);
  });
});

describe('quorum minutes', () => {
  it('buckets a time to its minute and steps back one', () => {
    const minute = quorumMinute(new Date('2026-05-01T12:03:42.123Z'));
    expect(minute).toBe('2026-05-01T12:03Z');
    expect(previousQuorumMinute(minute)).toBe('2026-05-01T12:02Z');
    expect(previousQuorumMinute('2026-05-01T00:00Z')).toBe('2026-04-30T23:59Z');
  });

  it("fills a location missing this minute with its previous minute's result", () => {
    const merged = latestPerLocation([at('a', false)], [at('a', true), at('b', true)]);
    expect(merged).toEqual([at('a', false), at('b', true)]);
  });
});

describe('MemoryQuorumStore', () => {
  it('keeps the latest result per location and minute', async () => {
    const store = new MemoryQuorumStore();
    await store.record('api', 'a', '2026-05-01T12:03Z', true, 'status 503');
    await store.record('api', 'a', '2026-05-01T12:03Z', false, '');
    await store.record('api', 'b', '2026-05-01T12:03Z', true, 'timeout TIMEOUT');
    await store.record('api', 'b', '2026-05-01T12:04Z', false, '');
    expect(await store.results('api', '2026-05-01T12:03Z')).toEqual([
      at('a', false),
      { location: 'b', failed: true, detail: 'timeout TIMEOUT' },
    ]);
    expect(await store.results('other', '2026-05-01T12:03Z')).toEqual([]);
  });
});
