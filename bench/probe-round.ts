/**
 * Scenario 3: one round of the probe check against 200 loopback HTTP targets
 * that answer after a delay drawn uniformly from 0..1 s, once at the check's
 * default concurrency and once with every target in flight; plus the size of
 * the probe function's Lambda bundle.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttpProbeTransport } from '../shared/adapters/probe/http-transport.js';
import { PROBE_CONCURRENCY, probeCheck } from '../shared/checks/probe/check.js';
import { type ProbeTarget, probeTargetSchema } from '../shared/checks/probe/types.js';
import { parseConfig } from '../shared/config/loader.js';
import { bundleSize, probeBundleEntry } from './bundle-size.js';
import { peakRssMiB } from './memory.js';
import { seededRandom } from './random.js';
import { below, type Figure, info, type ScenarioOptions, type ScenarioResult } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, '..');
/** A low bound, to show what a round costs when the bound is below the target count. */
const LOW_CONCURRENCY = 16;
const MAX_DELAY_MS = 1000;
/** Allowance over 2x the slowest target for connection setup, judging and the event loop. */
const OVERHEAD_MS = 250;
const TIMEOUT_MS = 5000;

/** Serves `/t/<i>` after `delays[i]` ms with a small JSON body. */
async function delayedServer(delays: readonly number[]): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const index = Number(req.url?.split('/')[2]);
    const delay = delays[index] ?? 0;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      res.end(`{"status":"ok","target":${index}}`);
    }, delay);
  });
  server.maxConnections = 10_000;
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 }, resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

interface Round {
  readonly concurrency: number;
  readonly wallMs: number;
  readonly failed: number;
}

async function probeRound(targets: readonly ProbeTarget[], concurrency: number): Promise<Round> {
  const check = probeCheck(
    { transport: createHttpProbeTransport(), location: 'bench' },
    { concurrency, targets, ignoreRegions: true },
  );
  const config = parseConfig('version: 1', 'bench');
  const started = performance.now();
  const collected = await check.collect({
    config,
    now: new Date(),
    log: { info: () => {}, warn: () => {} },
  });
  const wallMs = performance.now() - started;
  const failed = collected.observations.observed.filter((o) => !o.verdict.passed).length;
  return { concurrency, wallMs, failed };
}

export async function run({ quick }: ScenarioOptions): Promise<ScenarioResult> {
  const count = quick ? 50 : 200;
  const rng = seededRandom(3);
  const delays = Array.from({ length: count }, () => Math.round(rng.uniform(0, MAX_DELAY_MS)));
  const slowest = Math.max(...delays);
  const sumDelays = delays.reduce((a, b) => a + b, 0);
  const { server, port } = await delayedServer(delays);
  const targets = delays.map((_, i) =>
    probeTargetSchema.parse({
      name: `target-${i}`,
      url: `http://127.0.0.1:${port}/t/${i}`,
      allowPrivateAddresses: true,
      timeoutMs: TIMEOUT_MS,
      expect: { json: [{ path: '$.status', equals: 'ok' }] },
    }),
  );
  let rounds: Round[];
  try {
    // Warm-up: first-use costs (module init, JIT) should not land on either measured round.
    await probeRound(targets.slice(0, 4), 4);
    rounds = [await probeRound(targets, LOW_CONCURRENCY), await probeRound(targets, PROBE_CONCURRENCY)];
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  const peak = peakRssMiB();
  const [byDefault, allAtOnce] = rounds as [Round, Round];
  const entry = probeBundleEntry(ROOT);
  const bundle = await bundleSize(ROOT, entry.entryPoints, join(here, 'out', 'bundles'), entry.label);
  const worstCaseDefaultS = (Math.ceil(count / LOW_CONCURRENCY) * TIMEOUT_MS) / 1000;

  const figures: Figure[] = [
    info('slowest target latency', slowest, 'ms'),
    below(
      `round wall time, check default (concurrency ${PROBE_CONCURRENCY}: all ${count} at once)`,
      allAtOnce.wallMs,
      'ms',
      2 * slowest + OVERHEAD_MS,
    ),
    info('  ratio to the slowest target', allAtOnce.wallMs / slowest, 'x'),
    info(`round wall time, a low bound (concurrency ${LOW_CONCURRENCY})`, byDefault.wallMs, 'ms'),
    info('  ratio to the slowest target', byDefault.wallMs / slowest, 'x'),
    info('  lower bound: sum of delays / concurrency', sumDelays / LOW_CONCURRENCY, 'ms'),
    info('failed verdicts (default / all at once)', `${byDefault.failed} / ${allAtOnce.failed}`),
    info('peak RSS (process)', peak, 'MiB'),
    info(
      `Lambda bundle, ${entry.standIn ? 'STAND-IN (probe check + probeAll)' : entry.entryPoints[0]} (minified)`,
      bundle.bytes / 1024,
      'KiB',
    ),
    info('  gzipped', bundle.gzipBytes / 1024, 'KiB'),
  ];
  return {
    scenario: 'probe-round',
    title: 'one probe round over loopback targets with 0..1 s latency',
    sizes: { targets: count, maxDelayMs: MAX_DELAY_MS, timeoutMs: TIMEOUT_MS },
    figures,
    notes: [
      `target for all-at-once: < 2 x slowest + ${OVERHEAD_MS} ms overhead.`,
      `at a bound of ${LOW_CONCURRENCY}, a round costs about sum(latency)/${LOW_CONCURRENCY}, not max(latency): ${count} targets that all time out at ${TIMEOUT_MS / 1000} s would take ${worstCaseDefaultS} s, ${worstCaseDefaultS > 60 ? 'longer than the one-minute schedule' : 'within the one-minute schedule'}, and sub-minute rounds get fewer per invocation. Probing is I/O-bound (peak RSS above is with all ${count} in flight), so a concurrency near the target count is cheap.`,
      entry.standIn
        ? 'functions/probe/handler.ts did not exist: the bundle is a STAND-IN of shared/checks/probe/check.ts + shared/adapters/probe/probe-all.ts, without the handler, its middleware chain or its SDK clients.'
        : `bundle of ${entry.entryPoints[0]} built as GuardrailFunction builds it (esbuild ESM, minify, node24, AWS SDK bundled), built in ${Math.round(bundle.buildMs)} ms.`,
    ],
  };
}
