/**
 * Cold start of every Lambda function: each handler bundled as
 * GuardrailFunction bundles it (infra/constructs/function-bundle.ts
 * buildFunction: esbuild, ESM, minified, code-split with what a cold start
 * runs in one chunk, the AWS SDK and the validated config inside),
 * then its `index.mjs` imported in a fresh `node` process with the
 * environment the stacks give it, against a bare `node` start. The import
 * runs the handler's cold-start code (config, clients, middleware) and loads
 * the chunks it imports statically, but sends nothing: no client makes a call
 * before an invocation. Chunks behind `import()` are not loaded.
 *
 * Targets (issue 10): at most 500 KiB minified loaded at a cold start (the
 * entry and its static chunks; the whole bundle is reported beside it), and
 * at most 100 ms of import over a bare start, on this machine. Times are medians of several fresh
 * processes; the target is judged on CPU time, which the machine's load
 * (printed) stretches far less than wall time.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildFunction, bundleBytes, LAMBDA_HANDLERS } from '../infra/constructs/function-bundle.js';
import { configBundleText } from '../shared/config/config-json.js';
import { loadConfig } from '../shared/config/loader.js';
import { CONFIG_GLOBAL } from '../shared/runtime/bundled-config.js';
import { below, type Figure, info, type ScenarioOptions, type ScenarioResult } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The checkout whose handlers are measured; COLD_START_ROOT measures another (e.g. `git archive` of an older commit). */
const ROOT = process.env.COLD_START_ROOT ?? join(here, '..');
const OUT = join(here, 'out', 'cold-start');
const HANDLERS = LAMBDA_HANDLERS;
const MAX_BUNDLE_KIB = 500;
const MAX_IMPORT_MS = 100;

/** What the stacks put in each function's environment; plausible values, nothing is called. */
const ENVIRONMENT: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'example',
  STATE_TABLE_NAME: 'GuardrailsStack-StateTable-EXAMPLE',
  INCIDENT_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/100000000002/finops-guardrails-incidents',
  RESULTS_BUCKET: 'guardrailsstack-resultsbucket-example',
  FAN_OUT_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:100000000002:stateMachine:TagCoverageFanOut',
  PAGING_TOPIC_ARN: 'arn:aws:sns:us-west-2:100000000002:ProbeStack-PagingTopic',
  PAGERDUTY_SECRET_ARN: 'arn:aws:secretsmanager:us-west-2:100000000002:secret:pagerduty-AbCdEf',
  PROBE_LOCATION: 'us-west-2',
  POWERTOOLS_SERVICE_NAME: 'bench',
};

/** What one fresh process measured: the import's wall and CPU time, and the CPU of the whole process. */
interface ImportSample {
  readonly importWallMs: number;
  readonly importCpuMs: number;
  readonly processCpuMs: number;
}

/**
 * One fresh `node` that imports the bundle. CPU time (user + system, every
 * thread of the process) is what the import costs whatever else the machine
 * runs; wall time is what Lambda's init phase would see on an idle machine.
 */
function importSample(file: string): ImportSample {
  const script = [
    'const cpu0 = process.cpuUsage(); const t0 = performance.now();',
    `await import(${JSON.stringify(file)});`,
    'const wall = performance.now() - t0; const cpu = process.cpuUsage(cpu0); const all = process.cpuUsage();',
    'process.stdout.write(JSON.stringify({ importWallMs: wall, importCpuMs: (cpu.user + cpu.system) / 1000, processCpuMs: (all.user + all.system) / 1000 }));',
  ].join('\n');
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...ENVIRONMENT },
    encoding: 'utf8',
  });
  return JSON.parse(out) as ImportSample;
}

/** CPU time of a fresh `node` that does nothing. */
function bareCpuMs(): number {
  const script =
    'const all = process.cpuUsage(); process.stdout.write(String((all.user + all.system) / 1000));';
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  const samples = options.quick ? 3 : 7;
  const config = loadConfig(join(ROOT, 'examples/demo-org/guardrails.config.yaml'));
  const define = { [CONFIG_GLOBAL]: JSON.stringify(configBundleText(config)) };
  const bare = median(Array.from({ length: samples }, bareCpuMs));
  const figures: Figure[] = [info('bare node start (CPU)', bare, 'ms')];
  const rows: Array<Array<string | number>> = [];
  for (const handler of HANDLERS) {
    const outdir = join(OUT, handler);
    rmSync(outdir, { recursive: true, force: true });
    const metafile = await buildFunction({
      entry: join(ROOT, `functions/${handler}/handler.ts`),
      outdir,
      define,
      sourcemap: false,
    });
    const bytes = bundleBytes(metafile);
    const gzipBytes = bytes.coldStartFiles.reduce(
      (sum, file) => sum + gzipSync(readFileSync(file)).length,
      0,
    );
    const bundle = {
      outfile: join(outdir, 'index.mjs'),
      bytes: bytes.coldStart,
      total: bytes.total,
      gzipBytes,
    };
    const runs = Array.from({ length: samples }, () => importSample(bundle.outfile));
    const overBare = median(runs.map((r) => r.processCpuMs)) - bare;
    const importCpu = median(runs.map((r) => r.importCpuMs));
    const importWall = median(runs.map((r) => r.importWallMs));
    figures.push(
      below(`${handler}: loaded at cold start (minified)`, bundle.bytes / 1024, 'KiB', MAX_BUNDLE_KIB),
      info(`${handler}: whole bundle (minified)`, bundle.total / 1024, 'KiB'),
      below(`${handler}: import over a bare start (CPU)`, overBare, 'ms', MAX_IMPORT_MS),
      info(`${handler}: import() wall time`, importWall, 'ms'),
    );
    rows.push([
      handler,
      Math.round(bundle.bytes / 1024),
      Math.round(bundle.total / 1024),
      Math.round(bundle.gzipBytes / 1024),
      Math.round(importCpu),
      Math.round(importWall),
      Math.round(overBare),
    ]);
  }
  // The floor of the functions that keep state: the state table's client alone, bundled the same way.
  const floorDir = join(OUT, 'state-client-only');
  rmSync(floorDir, { recursive: true, force: true });
  const floorMetafile = await buildFunction({
    entry: join(ROOT, 'bench/entries/state-client-only.ts'),
    outdir: floorDir,
    define,
    sourcemap: false,
  });
  const floorRuns = Array.from({ length: samples }, () => importSample(join(floorDir, 'index.mjs')));
  figures.push(
    info(
      'floor: the state table client alone, loaded (minified)',
      bundleBytes(floorMetafile).coldStart / 1024,
      'KiB',
    ),
    info(
      'floor: the state table client alone, import over a bare start (CPU)',
      median(floorRuns.map((r) => r.processCpuMs)) - bare,
      'ms',
    ),
  );
  writeFileSync(join(OUT, 'figures.json'), `${JSON.stringify(rows)}\n`);
  return {
    scenario: 'cold-start',
    title: 'Lambda cold start: bundle size and import time of each function',
    sizes: { handlers: HANDLERS.length, samples, 'load average': Number((loadavg()[0] ?? 0).toFixed(2)) },
    figures,
    notes: [
      'Bundled as GuardrailFunction bundles (function-bundle.ts buildFunction: esbuild ESM, minified, code-split with what a cold start runs in one chunk, AWS SDK and config inside); source maps are separate files and not counted.',
      'Cold-start KiB = index.mjs and the chunks it imports statically (what an init loads); whole bundle = every chunk, including those behind import().',
      'Import over a bare start = median CPU time (user + system, all threads) of a fresh `node` that imports the bundle, less that of a bare `node`: load on a shared machine stretches wall time, not CPU time. Wall time of the import() is reported beside it.',
      'The import runs the cold-start code with the environment the stacks set (fake ARNs and credentials); nothing is sent.',
      'Floor: bench/entries/state-client-only.ts, the state table adapter alone, bundled and imported the same way: what every function that keeps state loads before its own code.',
    ],
    tables: [
      {
        title: 'per function',
        columns: [
          'function',
          'cold-start KiB',
          'whole bundle KiB',
          'cold-start gzip KiB',
          'import() CPU ms',
          'import() wall ms',
          'over bare start, CPU ms',
        ],
        rows,
      },
    ],
  };
}
