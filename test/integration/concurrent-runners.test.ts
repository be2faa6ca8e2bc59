import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearAwsClients } from '../../shared/adapters/aws/clients.js';
import { parseConfig } from '../../shared/config/loader.js';
import type { Envelope } from '../../shared/core/envelope.js';
import { LeaseHeldError } from '../../shared/core/errors.js';
import { runCheck } from '../../shared/core/pipeline.js';
import type { Sink } from '../../shared/core/ports.js';
import { account, consumerView, idsWithTwoBodies, type World, worldCheck } from '../support/fault-world.js';
import { dynamoKind, fileKind, type StoreKind, testClock, testProcess } from '../support/state-stores.js';

const config = parseConfig('version: 1\n');
const silent = { info: () => {}, warn: () => {} };
const PAIRS = 50;

class RecordingSink implements Sink {
  readonly name = 'recording';
  readonly events: Envelope[] = [];
  async deliver(events: readonly Envelope[]): Promise<void> {
    // Yield, so the other runner gets to run while this one delivers.
    await new Promise((resolve) => setImmediate(resolve));
    this.events.push(...events);
  }
}

/** A world of pair n: a pseudo-random half of twelve accounts in violation, some escalated. */
function worldOf(n: number): World {
  const accounts = Array.from({ length: 12 }, (_, i) => i + 1).filter((i) => (i * 7 + n * 13) % 5 < 3);
  return {
    findings: accounts.map((i) => ({
      account: account(i),
      severity: (i + n) % 4 === 0 ? 'error' : 'warning',
    })),
    scope: { completed: Array.from({ length: 12 }, (_, i) => `${account(i + 1)}/us-east-1`), failed: [] },
  };
}

const kinds: Array<
  [string, () => Promise<StoreKind & { stop?: () => Promise<void>; cleanup?: () => void }>]
> = [
  ['file', async () => fileKind()],
  ['dynamodb', dynamoKind],
];

describe.each(kinds)('%s state: concurrent runners', (_name, make) => {
  let kind: Awaited<ReturnType<(typeof kinds)[number][1]>>;
  beforeAll(async () => {
    kind = await make();
  });
  afterAll(async () => {
    clearAwsClients();
    await kind.stop?.();
    kind.cleanup?.();
  });

  it(`${PAIRS} pairs on one state: one runs, the other delivers nothing; no commit lost, no id reused`, async () => {
    const clock = testClock();
    const open = await kind.fresh(clock);
    const everything: Envelope[] = [];
    let contended = 0;
    for (let n = 0; n < PAIRS; n += 1) {
      const world = worldOf(n);
      const runners = [open(testProcess()), open(testProcess())].map((state, side) => {
        const sink = new RecordingSink();
        const done = runCheck(
          worldCheck(() => world),
          {
            config,
            state,
            sinks: [sink],
            now: new Date(Date.UTC(2026, 10, 20, 0, n, side)),
            log: silent,
            runId: `pair-${n}-${side}`,
          },
        );
        return { sink, done };
      });
      const results = await Promise.allSettled(runners.map((r) => r.done));
      const winners = results.filter((r) => r.status === 'fulfilled').length;
      expect(winners, `pair ${n}`).toBeGreaterThanOrEqual(1);
      results.forEach((result, side) => {
        const runner = runners[side];
        if (result.status === 'rejected') {
          contended += 1;
          expect(result.reason, `pair ${n} side ${side}`).toBeInstanceOf(LeaseHeldError);
          expect(runner?.sink.events, `pair ${n}: the loser delivered`).toEqual([]);
        }
        everything.push(...(runner?.sink.events ?? []));
      });
      // Whatever won, the state now holds exactly what consumers were told.
      const state = await open(testProcess()).load('tag-coverage');
      expect(state.outbox, `pair ${n}`).toBeUndefined();
      const openKeys = state.incidents.filter((r) => r.status === 'open').map((r) => r.dedupkey);
      expect(new Set(openKeys), `pair ${n}: a commit was lost`).toEqual(
        new Set(consumerView(everything).keys()),
      );
    }
    expect(idsWithTwoBodies(everything)).toEqual([]);
    // The pairs really overlapped: most of them had a loser.
    expect(contended).toBeGreaterThan(PAIRS / 2);
  });
});
