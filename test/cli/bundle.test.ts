import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/command-index.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');
let outdir: string;
let meta: Metafile;

interface Metafile {
  readonly outputs: Record<
    string,
    {
      readonly entryPoint?: string;
      readonly inputs: Record<string, unknown>;
      readonly imports: ReadonlyArray<{ readonly path: string; readonly kind: string }>;
    }
  >;
}

/** The input files an output loads before it runs: itself and its static imports, transitively. */
function staticInputs(entryPoint: string): string[] {
  const start = Object.keys(meta.outputs).find((o) => meta.outputs[o]?.entryPoint === entryPoint);
  if (!start) throw new Error(`no output for ${entryPoint}`);
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const output = queue.pop() as string;
    if (seen.has(output)) continue;
    seen.add(output);
    for (const i of meta.outputs[output]?.imports ?? [])
      if (i.kind === 'import-statement' && i.path in meta.outputs) queue.push(i.path);
  }
  return [...seen].flatMap((o) => Object.keys(meta.outputs[o]?.inputs ?? {}));
}

/** Runs bin/finops-guardrails.mjs, which checks the Node version and loads the bundle, in a plain Node.js. */
async function cli(...args: string[]) {
  return run(process.execPath, ['bin/finops-guardrails.mjs', ...args], { cwd: ROOT });
}

// The bundle bin/ runs, built by `npm ci` and rebuilt when stale by the global setup.
beforeAll(() => {
  outdir = join(ROOT, 'dist', 'cli');
  meta = JSON.parse(readFileSync(join(outdir, 'meta.json'), 'utf8')) as Metafile;
});

describe('the CLI bundle (scripts/build-cli.mjs) behind bin/finops-guardrails.mjs', () => {
  it('starts --help and --version without the AWS SDK, zod, YAML or the CloudFormation type list', () => {
    const loaded = staticInputs('cli/main.ts');
    expect(loaded).toContain('cli/command-index.ts');
    expect(
      loaded.filter((f) => /node_modules\/(@aws-sdk|@smithy|zod|yaml)\/|taggable-types/.test(f)),
    ).toEqual([]);
  });

  it('loads no AWS SDK for detect, and each command from its own chunk', () => {
    const detect = staticInputs('cli/commands/detect.ts');
    expect(detect).toContain('shared/checks/cost-anomaly/detector.ts');
    expect(detect.filter((f) => /node_modules\/(@aws-sdk|@smithy)\//.test(f))).toEqual([]);
    for (const command of COMMANDS)
      expect(
        Object.values(meta.outputs).some((o) => o.entryPoint === `cli/commands/${command.name}.ts`),
      ).toBe(true);
  });

  it('leaves the CDK and tsx out', () => {
    const inputs = Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs));
    expect(inputs.filter((f) => /node_modules\/(aws-cdk-lib|tsx|@aws-cdk)\//.test(f))).toEqual([]);
  });

  it('prints the package version and the help of every command', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect((await cli('--version')).stdout).toBe(`${version}\n`);
    const help = (await cli('--help')).stdout;
    for (const command of COMMANDS) expect(help).toContain(command.term);
  });

  it('runs detect and validate-config from the bundle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-bundle-in-'));
    const series = join(dir, 'series.csv');
    const days = Array.from(
      { length: 30 },
      (_, i) => `2026-01-${String(i + 1).padStart(2, '0')},${10 + (i % 7)}`,
    );
    writeFileSync(series, `timestamp,value\n${days.join('\n')}\n`);
    const detect = await cli('detect', '--input', series);
    expect(detect.stdout.split('\n')[0]).toBe('timestamp,value,expected,lower,upper,score,anomaly');
    expect(detect.stdout.trimEnd().split('\n')).toHaveLength(31);
    const valid = await cli('validate-config', 'examples/demo-org/guardrails.config.yaml');
    expect(valid.stdout).toMatch(/valid \(3 workloads/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the example organization from inside dist/, where the demo chunk lives', async () => {
    const { stdout } = await cli('demo', '--only', 'tags', '--json');
    expect(stdout.trimEnd().split('\n').length).toBeGreaterThan(3);
  });
});
