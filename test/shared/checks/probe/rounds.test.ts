import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../../shared/adapters/memory/memory-state.js';
import { createHttpProbeTransport } from '../../../../shared/adapters/probe/http-transport.js';
import { probeCheck } from '../../../../shared/checks/probe/check.js';
import { roundsPerPeriod, runProbeRounds } from '../../../../shared/checks/probe/rounds.js';
import type { Envelope } from '../../../../shared/core/envelope.js';
import { DeliveryError } from '../../../../shared/core/errors.js';
import type { Sink } from '../../../../shared/core/ports.js';
import {
  probeConfig,
  RecordingSink,
  type ScriptedTarget,
  silentLog,
  startScriptedTarget,
  target,
} from './probe-fixture.js';

const start = Date.parse('2026-05-01T12:00:00Z');

/** A clock that moves only when the code under test sleeps; `onTick` lets the world change with it. */
function fakeTime(onTick: (now: number) => void = () => {}) {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    clock: () => new Date(now),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
      onTick(now);
    },
  };
}

let api: ScriptedTarget;
beforeAll(async () => {
  api = await startScriptedTarget();
});
afterAll(async () => {
  await api.server.close();
});

describe('roundsPerPeriod', () => {
  it('fits rounds of the interval into one minute, at least one', () => {
    expect(roundsPerPeriod(20)).toBe(3);
    expect(roundsPerPeriod(15)).toBe(4);
    expect(roundsPerPeriod(90)).toBe(1);
  });
});

describe('runProbeRounds', () => {
  it('detects an outage in under 60 s with 20 s rounds and a failure threshold of 2', async () => {
    // Prepare: healthy at the start of the minute, down from 5 s in.
    const outageAt = start + 5_000;
    api.status = 200;
    const time = fakeTime((now) => {
      api.status = now >= outageAt ? 503 : 200;
    });
    const sink = new RecordingSink();
    const config = probeConfig([target('checkout-api', `${api.server.origin}/`, { failureThreshold: 2 })]);
    const check = probeCheck({ transport: createHttpProbeTransport(), location: 'us-west-2' });
    // Act
    const { reports } = await runProbeRounds(
      check,
      { config, state: new MemoryStateStore(), sinks: [sink], log: silentLog },
      { rounds: roundsPerPeriod(20), intervalSeconds: 20, clock: time.clock, sleep: time.sleep },
    );
    // Assess
    expect(reports).toHaveLength(3);
    expect(time.sleeps).toEqual([20_000, 20_000]);
    expect(sink.events.map((e) => e.action)).toEqual(['trigger']);
    const detectedAfterMs = Date.parse(sink.events[0]?.time ?? '') - outageAt;
    expect(detectedAfterMs).toBeLessThan(60_000);
    expect(detectedAfterMs).toBe(35_000);
  });

  it('keeps rounds on a fixed grid when a round is slow', async () => {
    const time = fakeTime();
    let calls = 0;
    const slowCheck = {
      name: 'probe' as const,
      collect: async () => {
        calls += 1;
        await time.sleep(7_000); // the round itself takes 7 s of clock
        return { observations: null, scope: { completed: [], failed: [] } };
      },
      evaluate: () => ({ findings: [] }),
    };
    await runProbeRounds(
      slowCheck,
      { config: probeConfig([]), state: new MemoryStateStore(), sinks: [], log: silentLog },
      { rounds: 3, intervalSeconds: 20, clock: time.clock, sleep: time.sleep },
    );
    expect(calls).toBe(3);
    expect(time.sleeps).toEqual([7_000, 13_000, 7_000, 13_000, 7_000]);
  });

  it('starts no round after stopAt', async () => {
    const time = fakeTime();
    const { reports } = await runProbeRounds(
      probeCheck({ transport: createHttpProbeTransport(), location: 'x' }),
      { config: probeConfig([]), state: new MemoryStateStore(), sinks: [], log: silentLog },
      {
        rounds: 6,
        intervalSeconds: 10,
        clock: time.clock,
        sleep: time.sleep,
        stopAt: new Date(start + 25_000),
      },
    );
    expect(reports).toHaveLength(3);
  });

  it('re-sends a failed round’s events in the next round and fails only if the last round failed', async () => {
    // Prepare: the sink refuses the first delivery only.
    api.status = 503;
    let refusals = 1;
    const delivered: Envelope[] = [];
    const flaky: Sink = {
      name: 'flaky',
      deliver: async (events) => {
        if (refusals-- > 0)
          throw new DeliveryError(
            'down',
            events.map((e) => e.id),
          );
        delivered.push(...events);
      },
    };
    const time = fakeTime();
    const config = probeConfig([target('checkout-api', `${api.server.origin}/`, { failureThreshold: 1 })]);
    const deps = { config, state: new MemoryStateStore(), sinks: [flaky], log: silentLog };
    const check = probeCheck({ transport: createHttpProbeTransport(), location: 'x' });
    // Act
    const outcome = await runProbeRounds(check, deps, { rounds: 2, intervalSeconds: 20, ...time });
    // Assess
    expect(outcome.failures.map((f) => f.round)).toEqual([0]);
    expect(delivered.map((e) => [e.action, e.sequence])).toEqual([['trigger', 1]]);
    refusals = 5;
    const fresh = { ...deps, state: new MemoryStateStore() };
    await expect(runProbeRounds(check, fresh, { rounds: 1, intervalSeconds: 20, ...time })).rejects.toThrow(
      /last probe round failed/,
    );
  });
});
