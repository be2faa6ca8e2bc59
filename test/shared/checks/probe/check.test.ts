import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryQuorumStore } from '../../../../shared/adapters/memory/memory-quorum-store.js';
import { MemoryStateStore } from '../../../../shared/adapters/memory/memory-state.js';
import { createHttpProbeTransport } from '../../../../shared/adapters/probe/http-transport.js';
import { probeCheck } from '../../../../shared/checks/probe/check.js';
import type { QuorumStore } from '../../../../shared/checks/probe/quorum.js';
import { runCheck } from '../../../../shared/core/pipeline.js';
import {
  probeConfig,
  RecordingSink,
  type ScriptedTarget,
  silentLog,
  startScriptedTarget,
  target,
} from './probe-fixture.js';

const transport = createHttpProbeTransport();
const minute = (n: number) => new Date(Date.UTC(2026, 4, 1, 12, n, 5));

let api: ScriptedTarget;
beforeAll(async () => {
  api = await startScriptedTarget();
});
afterAll(async () => {
  await api.server.close();
});

/** Runs one pipeline round per script character ('F': the server answers 503, 'P': 200). */
async function playScript(script: string, extra: Parameters<typeof target>[2] = {}) {
  const config = probeConfig([target('checkout-api', `${api.server.origin}/health`, extra)]);
  const state = new MemoryStateStore();
  const sink = new RecordingSink();
  const check = probeCheck({ transport, location: 'us-west-2' });
  const actions: string[] = [];
  for (const [i, c] of [...script].entries()) {
    api.status = c === 'F' ? 503 : 200;
    const before = sink.events.length;
    await runCheck(check, { config, state, sinks: [sink], now: minute(i + 3), log: silentLog });
    actions.push(
      sink.events
        .slice(before)
        .map((e) => e.action)
        .join('+') || '-',
    );
  }
  return { actions, sink, state };
}

describe('probeCheck through runCheck against a real server', () => {
  it('triggers once after failureThreshold failures and resolves once after successThreshold passes', async () => {
    // Prepare / Act
    const { actions, sink } = await playScript('FFFFPFPP');
    // Assess
    expect(actions).toEqual(['-', 'trigger', '-', '-', '-', '-', '-', 'resolve']);
    const [trigger, resolve] = sink.events;
    expect(trigger?.dedupkey).toBe('probe:http:checkout-api');
    expect(resolve?.dedupkey).toBe(trigger?.dedupkey);
  });

  it('never pages a flapping target below the thresholds', async () => {
    const { actions } = await playScript('FPFPFPFP');
    expect(actions.every((a) => a === '-')).toBe(true);
  });

  it('honours thresholds set on the target', async () => {
    const { actions } = await playScript('FFFPPP', { failureThreshold: 3, successThreshold: 3 });
    expect(actions).toEqual(['-', '-', 'trigger', '-', '-', 'resolve']);
  });

  it('pages with a standalone summary, the URL as subject and the evidence of the failure', async () => {
    const { sink } = await playScript('FFF');
    const trigger = sink.events[0];
    expect(trigger?.type).toBe('finops-guardrails.probe.failure');
    expect(trigger?.severity).toBe('critical');
    expect(trigger?.source).toBe('finops-guardrails/probe/observer');
    expect(trigger?.subject).toBe(`${api.server.origin}/health`);
    expect(trigger?.data.category).toBe('availability');
    expect(trigger?.data.summary).toBe(
      'checkout-api DOWN from us-west-2: status 503 (expected 200-399) for 2 checks since 12:03Z',
    );
    expect(trigger?.data.summary.length).toBeLessThanOrEqual(130);
    expect(trigger?.data.evidence).toMatchObject({
      status: 503,
      failures: [{ assertion: 'status', expected: ['200-399'], actual: 503 }],
      addresses: ['127.0.0.1'],
      consecutiveFailures: 2,
      timings: { totalMs: expect.any(Number) },
    });
  });

  it('keeps no state-machine memory for a healthy probe, only its report round, and reports heartbeat, availability and latency', async () => {
    const config = probeConfig([target('checkout-api', `${api.server.origin}/health`)]);
    const state = new MemoryStateStore();
    api.status = 200;
    const report = await runCheck(probeCheck({ transport, location: 'local' }), {
      config,
      state,
      sinks: [],
      now: minute(0),
      log: silentLog,
    });
    const memory = (await state.load('probe')).memory;
    expect([...memory.keys()].filter((k) => !k.startsWith('report:'))).toEqual([]);
    expect(memory.get('report:round:probe/checkout-api#0')).toMatchObject({
      at: minute(0).toISOString(),
      value: { ok: true, status: 200 },
    });
    expect(report.scope.completed).toEqual(['probe/checkout-api']);
    expect(report.metrics).toMatchObject({
      ProbeHeartbeat: 1,
      'ProbeAvailability.checkout-api': 1,
      'ProbeLatencyMs.checkout-api': expect.any(Number),
      ProbesFailing: 0,
    });
  });

  it('counts an unreachable target as a failed round, not a scan gap', async () => {
    const closed = await startScriptedTarget();
    const url = `${closed.server.origin}/`;
    await closed.server.close();
    const config = probeConfig([target('gone', url, { failureThreshold: 1 })]);
    const report = await runCheck(probeCheck({ transport, location: 'local' }), {
      config,
      state: new MemoryStateStore(),
      sinks: [],
      now: minute(0),
      log: silentLog,
    });
    expect(report.scope).toMatchObject({ completed: ['probe/gone'], failed: [] });
    expect(report.findings[0]?.summary).toMatch(/^gone DOWN from local: connection ECONNREFUSED/);
  });

  it('probes only the targets listed for this location unless told to ignore regions', async () => {
    const config = probeConfig([
      target('here', `${api.server.origin}/`, { regions: ['us-west-2'] }),
      target('elsewhere', `${api.server.origin}/`, { regions: ['eu-west-1'] }),
    ]);
    const ctx = { config, now: minute(0), log: silentLog };
    const scoped = await probeCheck({ transport, location: 'us-west-2' }).collect(ctx);
    const all = await probeCheck({ transport, location: 'local' }, { ignoreRegions: true }).collect(ctx);
    expect(scoped.scope.completed).toEqual(['probe/here']);
    expect(all.scope.completed).toEqual(['probe/here', 'probe/elsewhere']);
  });

  it('forgets the memory of a probe removed from the config', async () => {
    const state = new MemoryStateStore(
      new Map([['probe', { incidents: [], memory: new Map([['probe:old', { x: 1 }]]) }]]),
    );
    await runCheck(probeCheck({ transport, location: 'local' }), {
      config: probeConfig([]),
      state,
      sinks: [],
      now: minute(0),
      log: silentLog,
    });
    expect((await state.load('probe')).memory.has('probe:old')).toBe(false);
  });
});

describe('probeCheck quorum', () => {
  const quorumConfig = () =>
    probeConfig([
      target('checkout-api', `${api.server.origin}/health`, {
        regions: ['us-west-2', 'eu-west-1', 'ap-south-1'],
        quorum: 2,
        failureThreshold: 1,
      }),
    ]);

  it('pages only when K of N locations failed the same minute', async () => {
    // Prepare: three locations sharing one quorum store and one state table.
    const quorum = new MemoryQuorumStore();
    const state = new MemoryStateStore();
    const sink = new RecordingSink();
    const config = quorumConfig();
    const at = (location: string) => probeCheck({ transport, quorum, location });
    api.status = 503;
    // Act: the first location fails alone, then a second one fails too.
    const first = await runCheck(at('us-west-2'), {
      config,
      state,
      sinks: [sink],
      now: minute(3),
      log: silentLog,
    });
    const second = await runCheck(at('eu-west-1'), {
      config,
      state,
      sinks: [sink],
      now: minute(3),
      log: silentLog,
    });
    // Assess
    expect(first.findings).toEqual([]);
    expect(second.findings).toHaveLength(1);
    expect(sink.events.map((e) => e.action)).toEqual(['trigger']);
    expect(sink.events[0]?.data.summary).toMatch(/^checkout-api DOWN from 2 of 2 locations: status 503/);
    expect(sink.events[0]?.data.evidence).toMatchObject({
      quorum: {
        required: 2,
        failing: 2,
        failingLocations: [
          { location: 'eu-west-1', detail: 'status 503 (expected 200-399)' },
          { location: 'us-west-2', detail: 'status 503 (expected 200-399)' },
        ],
      },
    });
  });

  it('does not page when only one location of three fails', async () => {
    const quorum = new MemoryQuorumStore();
    const config = quorumConfig();
    const state = new MemoryStateStore();
    await quorum.record('checkout-api', 'eu-west-1', '2026-05-01T12:03Z', false, '');
    await quorum.record('checkout-api', 'ap-south-1', '2026-05-01T12:03Z', false, '');
    api.status = 503;
    const report = await runCheck(probeCheck({ transport, quorum, location: 'us-west-2' }), {
      config,
      state,
      sinks: [],
      now: minute(3),
      log: silentLog,
    });
    expect(report.findings).toEqual([]);
  });

  it('turns a quorum store that cannot answer into a scan gap that keeps the page open', async () => {
    const broken: QuorumStore = {
      record: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
      results: async () => [],
    };
    const config = quorumConfig();
    const report = await runCheck(probeCheck({ transport, quorum: broken, location: 'us-west-2' }), {
      config,
      state: new MemoryStateStore(),
      sinks: [],
      now: minute(3),
      log: silentLog,
    });
    expect(report.scope.completed).toEqual([]);
    expect(report.scope.failed[0]).toMatchObject({ scope: 'probe/checkout-api' });
    expect(report.findings.map((f) => f.type)).toEqual(['guardrail.scan-gap']);
  });
});
