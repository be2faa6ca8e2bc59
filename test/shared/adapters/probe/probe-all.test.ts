import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createHttpProbeTransport,
  type ProbeTransport,
} from '../../../../shared/adapters/probe/http-transport.js';
import { probeAll } from '../../../../shared/adapters/probe/probe-all.js';
import { probeTargetSchema } from '../../../../shared/checks/probe/types.js';
import { startHttpServer, type TestServer } from './test-servers.js';

const servers: TestServer[] = [];
const timers: NodeJS.Timeout[] = [];

afterEach(async () => {
  for (const timer of timers.splice(0)) clearTimeout(timer);
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Wraps the real transport to record when each target finished. */
function timedTransport(finishedAt: Map<string, number>): ProbeTransport {
  const inner = createHttpProbeTransport();
  return {
    probe: async (target, options) => {
      const result = await inner.probe(target, options);
      finishedAt.set(target.name, performance.now());
      return result;
    },
  };
}

describe('probeAll', () => {
  it('lets 19 fast targets finish at once while one hangs for 2 s', async () => {
    // Prepare
    const server = await startHttpServer((request, response) => {
      if (request.url === '/slow') timers.push(setTimeout(() => response.end('late'), 2_000));
      else response.end('fast');
    });
    servers.push(server);
    const targets = Array.from({ length: 20 }, (_, index) =>
      probeTargetSchema.parse({
        name: `target-${index}`,
        url: `${server.origin}/${index === 0 ? 'slow' : 'fast'}`,
        allowPrivateAddresses: true,
        timeoutMs: 3_000,
      }),
    );
    const finishedAt = new Map<string, number>();
    const started = performance.now();

    // Act
    const results = await probeAll(targets, { concurrency: 5, transport: timedTransport(finishedAt) });

    // Assess
    expect(results.map((result) => result.target)).toEqual(targets.map((target) => target.name));
    expect(results.every((result) => result.status === 200)).toBe(true);
    expect(results[0]?.body).toBe('late');
    // Had any fast target queued behind the slow one it would finish after 2 s; the
    // margins are wide so a loaded CI machine cannot blur the two.
    const slowFinished = (finishedAt.get('target-0') ?? 0) - started;
    const lastFastFinished = Math.max(
      ...targets
        .slice(1)
        .map((target) => (finishedAt.get(target.name) ?? Number.POSITIVE_INFINITY) - started),
    );
    expect(lastFastFinished).toBeLessThan(1_500);
    expect(slowFinished - lastFastFinished).toBeGreaterThan(500);
    expect(slowFinished).toBeGreaterThanOrEqual(1_900);
  });

  it('never has more than `concurrency` probes in flight', async () => {
    // Prepare
    let inFlight = 0;
    let peak = 0;
    const server = await startHttpServer((_request, response) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      timers.push(
        setTimeout(() => {
          inFlight -= 1;
          response.end('ok');
        }, 30),
      );
    });
    servers.push(server);
    const targets = Array.from({ length: 12 }, (_, index) =>
      probeTargetSchema.parse({ name: `t${index}`, url: server.origin, allowPrivateAddresses: true }),
    );

    // Act
    const results = await probeAll(targets, { concurrency: 3 });

    // Assess
    expect(results).toHaveLength(12);
    expect(peak).toBe(3);
  });

  it('turns a transport that throws into an error result instead of losing the batch', async () => {
    // Prepare
    const targets = ['a', 'b'].map((name) => probeTargetSchema.parse({ name, url: 'https://example.com/' }));
    const broken: ProbeTransport = {
      probe: async (target) => {
        if (target.name === 'a') throw new Error('bug');
        return { ...emptyResult(target.name), status: 200 };
      },
    };

    // Act
    const results = await probeAll(targets, { transport: broken });

    // Assess
    expect(results[0]?.error).toEqual({ kind: 'internal', code: 'INTERNAL', message: 'bug' });
    expect(results[1]?.status).toBe(200);
  });
});

function emptyResult(name: string) {
  return {
    target: name,
    url: 'https://example.com/',
    startedAt: '2026-01-01T00:00:00.000Z',
    headers: {},
    body: '',
    bodyBytes: 0,
    bodyTruncated: false,
    redirects: [],
    addresses: [],
    timings: { totalMs: 1 },
  };
}
