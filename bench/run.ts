/**
 * `npm run bench [-- --only <name>[,<name>]] [-- --quick]`
 *
 * Runs each scenario in its own child process (tsx loader, --expose-gc), so
 * each peak RSS is that scenario's alone, prints a report per scenario and a
 * final PASS/FAIL table, and writes the same figures to bench/out/results.json.
 * Exits 1 when a scenario crashes; a missed target is reported, not fatal
 * (benchmarks are read, not gated).
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatScenario, formatSummary, type ScenarioResult } from './report.js';
import { SCENARIO_NAMES } from './scenarios.js';

const here = dirname(fileURLToPath(import.meta.url));
const OUT_DIR = join(here, 'out');
// Room for the 1.6 M-resource org scan; the default old-space limit depends on the machine.
const CHILD_EXEC_ARGV = ['--import', 'tsx', '--expose-gc', '--max-old-space-size=6144'];

function runInChild(name: string, quick: boolean): Promise<ScenarioResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, 'child.ts'), [name, ...(quick ? ['--quick'] : [])], {
      execArgv: CHILD_EXEC_ARGV,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: ScenarioResult | undefined;
    child.on('message', (message: { result?: ScenarioResult }) => {
      result = message.result;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result && code === 0) resolve(result);
      else reject(new Error(`scenario ${name} exited with ${signal ?? `code ${code}`}`));
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, quick: { type: 'boolean', default: false } },
    allowPositionals: false,
  });
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = only?.filter((n) => !SCENARIO_NAMES.includes(n)) ?? [];
  if (unknown.length > 0) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIO_NAMES.join(', ')}`);
    process.exit(2);
  }
  const selected = only ?? SCENARIO_NAMES;
  const quick = values.quick ?? false;
  const loadBefore = loadavg()[0] ?? 0;
  console.log(
    `finops-guardrails bench${quick ? ' (--quick)' : ''}: node ${process.version}, ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}, load average ${loadBefore.toFixed(2)}`,
  );
  // Timings are only comparable on an idle machine; say so when it is not.
  if (loadBefore > cpus().length * 0.5)
    console.log('warning: the machine is busy; wall times will read high.');
  const started = performance.now();
  const results: ScenarioResult[] = [];
  const failures: string[] = [];
  for (const name of selected) {
    const t0 = performance.now();
    try {
      const result = await runInChild(name, quick);
      results.push(result);
      console.log(formatScenario(result));
      console.log(`   (scenario took ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    } catch (error) {
      failures.push(name);
      console.error(`!! ${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  const totalSeconds = (performance.now() - started) / 1000;
  console.log('== summary');
  console.log(formatSummary(results));
  const failed = results.flatMap((r) =>
    r.figures.filter((f) => f.pass === false).map((f) => `${r.scenario}: ${f.name}`),
  );
  console.log(
    `\n${results.length} scenario(s) in ${totalSeconds.toFixed(1)} s (load average now ${(loadavg()[0] ?? 0).toFixed(2)}); ${failed.length} target(s) missed${failures.length ? `; crashed: ${failures.join(', ')}` : ''}`,
  );
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, 'results.json');
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        generatedAt: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        quick,
        totalSeconds,
        loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 },
        results,
        crashed: failures,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`figures written to ${file}`);
  if (failures.length > 0) process.exitCode = 1;
}

await main();
