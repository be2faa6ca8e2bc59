import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  buildFunction,
  bundleBytes,
  bundleFunction,
  LAMBDA_HANDLERS,
} from '../../infra/constructs/function-bundle.js';
import { configBundleText } from '../../shared/config/config-json.js';
import { loadConfig } from '../../shared/config/loader.js';
import { CONFIG_GLOBAL } from '../../shared/runtime/bundled-config.js';
import { repoFile, SYNTH_TIMEOUT_MS } from './support/cdk.js';

// Real esbuild bundles on a shared 2-core machine: a hang guard, not a timing assertion.
vi.setConfig({ testTimeout: SYNTH_TIMEOUT_MS });
vi.stubEnv('GOMAXPROCS', '1');

const out = mkdtempSync(join(tmpdir(), 'function-bundle-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const config = loadConfig(repoFile('examples/demo-org/guardrails.config.yaml'));
const define = { [CONFIG_GLOBAL]: JSON.stringify(configBundleText(config)) };

type Bundled = {
  dir: string;
  coldStartFiles: readonly string[];
  coldStartInputs: string[];
  lazyInputs: string[];
};
const builds = new Map<string, Promise<Bundled>>();

/**
 * Bundles a handler as GuardrailFunction does (once per handler and config);
 * returns its output directory and the inputs a cold start loads. In-process
 * (`buildFunction`) unless `viaChild`, which goes through the synchronous
 * `bundleFunction` CDK calls, and its child process.
 */
function bundled(handler: string, withConfig = true, viaChild = false): Promise<Bundled> {
  const dir = join(out, `${handler}${withConfig ? '' : '-no-config'}${viaChild ? '-child' : ''}`);
  let found = builds.get(dir);
  if (found === undefined) {
    const input = {
      entry: repoFile(`functions/${handler}/handler.ts`),
      outdir: dir,
      ...(withConfig && { define }),
    };
    found = (viaChild ? Promise.resolve(bundleFunction(input)) : buildFunction(input)).then((metafile) => {
      const { coldStartFiles } = bundleBytes(metafile);
      const inputsOf = (files: readonly string[]) =>
        files.flatMap((f) => Object.keys(metafile.outputs[f]?.inputs ?? {}));
      const lazyFiles = Object.keys(metafile.outputs).filter(
        (f) => f.endsWith('.mjs') && !coldStartFiles.includes(f),
      );
      return {
        dir,
        coldStartFiles,
        coldStartInputs: inputsOf(coldStartFiles),
        lazyInputs: inputsOf(lazyFiles),
      };
    });
    builds.set(dir, found);
  }
  return found;
}

/** Enough of a function's environment for its bundle to import (nothing is sent). */
const LAMBDA_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'example',
  STATE_TABLE_NAME: 'StateTable',
  INCIDENT_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/100000000002/incidents',
};

const loaded = (inputs: string[], fragment: string) => inputs.some((input) => input.includes(fragment));

/** Asserts each fragment is in the bundle's lazy chunks and not in what a cold start loads. */
function expectOnlyLazy(
  bundle: Pick<Bundled, 'coldStartInputs' | 'lazyInputs'>,
  fragments: readonly string[],
) {
  for (const fragment of fragments) {
    expect(loaded(bundle.coldStartInputs, fragment), fragment).toBe(false);
    expect(loaded(bundle.lazyInputs, fragment), fragment).toBe(true);
  }
}

describe('function bundles', () => {
  it('leave the paths not every invocation takes to chunks a cold start does not load (tag-coverage)', async () => {
    const { dir, coldStartFiles, coldStartInputs, lazyInputs } = await bundled('tag-coverage');
    // The demo config names only the Tagging API; the fan-out, the report and the schema are lazy.
    expectOnlyLazy({ coldStartInputs, lazyInputs }, [
      '@aws-sdk/client-s3/',
      '@aws-sdk/client-sfn/',
      'shared/report/',
      '@aws-sdk/client-config-service/',
      '@aws-sdk/client-resource-explorer-2/',
      '@aws-sdk/client-resource-groups-tagging-api/',
      // Every run reads these, after it takes the state lease: they load on first use, the
      // pattern engine beside the inventory reads.
      '@aws-sdk/client-organizations/',
      '@aws-sdk/client-cost-explorer/',
      '@aws-sdk/client-sts/',
      're2js/',
    ]);
    // The state lease is a run's first call.
    expect(loaded(coldStartInputs, '@aws-sdk/client-dynamodb/')).toBe(true);
    // DynamoDB speaks JSON: the XML and query protocols the SDK's barrels also re-export, which
    // only the lazy S3 path uses, stay out of the cold start.
    expectOnlyLazy({ coldStartInputs, lazyInputs }, [
      '@aws-sdk/xml-builder/',
      '@aws-sdk/core/dist-es/submodules/protocols/xml/',
    ]);
    // What a cold start runs is one chunk beside the entry, however many lazy paths share it.
    expect(coldStartFiles).toHaveLength(2);

    // Every chunk links and evaluates in Node after the entry, as a lazy path loads it: each
    // import() target's wrapper and each chunk's imports resolve to names that exist.
    const script = [
      "const { readdirSync } = await import('node:fs');",
      `const dir = ${JSON.stringify(dir)};`,
      'const before = new Set(process.moduleLoadList);',
      "const m = await import(dir + '/index.mjs');",
      "const workers = process.moduleLoadList.some((x) => !before.has(x) && x.includes('worker_threads'));",
      "const chunks = readdirSync(dir).filter((f) => f.startsWith('chunk-') && f.endsWith('.mjs'));",
      "for (const f of chunks) await import(dir + '/' + f);",
      'process.stdout.write(JSON.stringify({ handler: typeof m.handler, workers, chunks: chunks.length }));',
    ].join('\n');
    const result = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: LAMBDA_ENV,
      }),
    );
    expect(result.handler).toBe('function');
    expect(result.chunks).toBeGreaterThan(10);
    // The state store's isDeepStrictEqual comes from node:util without its ESM facade, whose
    // getters would load worker_threads and a dozen other internal modules at init.
    expect(result.workers).toBe(false);
  });

  it('leave the config schema out of a bundle with a compiled-in config, and lazy in one without', async () => {
    const compiled = await bundled('scan-account');
    for (const absent of ['shared/config/schema.ts', 'zod/v4/classic/']) {
      expect(loaded(compiled.coldStartInputs, absent), absent).toBe(false);
      expect(loaded(compiled.lazyInputs, absent), absent).toBe(false);
    }
    const fromEnvironment = await bundled('scan-account', false);
    expect(loaded(fromEnvironment.coldStartInputs, 'shared/config/schema.ts')).toBe(false);
    expect(loaded(fromEnvironment.lazyInputs, 'shared/config/schema.ts')).toBe(true);
  });

  it('carry no evaluation, state table or pattern engine where a run only scans (scan-account)', async () => {
    const { coldStartInputs, lazyInputs } = await bundled('scan-account');
    for (const absent of ['shared/checks/tag-coverage/evaluate.ts', '@aws-sdk/client-dynamodb/']) {
      expect(loaded(coldStartInputs, absent), absent).toBe(false);
      expect(loaded(lazyInputs, absent), absent).toBe(false);
    }
    // RE2 is reachable only through the config schema, which loads when GUARDRAILS_CONFIG replaces the bundled config.
    expect(loaded(coldStartInputs, 're2js/')).toBe(false);
    expectOnlyLazy({ coldStartInputs, lazyInputs }, ['@aws-sdk/client-s3/', '@aws-sdk/client-sts/']);
  });

  it('load the queue, paging and secret clients only when a round has something to send (probe)', async () => {
    const { coldStartInputs, lazyInputs } = await bundled('probe');
    expectOnlyLazy({ coldStartInputs, lazyInputs }, [
      '@aws-sdk/client-sqs/',
      '@aws-sdk/client-sns/',
      '@aws-sdk/client-secrets-manager/',
    ]);
    // The state and quorum table is read every round.
    expect(loaded(coldStartInputs, '@aws-sdk/client-dynamodb/')).toBe(true);
  });

  it('load in Node without the built-ins whose ESM facades cost a cold start (forwarder)', async () => {
    const { dir, coldStartInputs } = await bundled('forwarder', true, true);
    expect(loaded(coldStartInputs, '@aws-sdk/client-secrets-manager/')).toBe(false);
    expect(loaded(coldStartInputs, 'shared/config/schema.ts')).toBe(false);
    const code = readdirSync(dir)
      .filter((f) => f.endsWith('.mjs'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    expect(code).not.toMatch(/from\s*["'](node:)?(http|process)["']/);
    expect(readdirSync(dir).filter((f) => f.startsWith('chunk-')).length).toBeGreaterThan(0);
    // The bundling plugins' modules are named relative to the checkout in the source maps: an
    // absolute path would make the asset, hashed on its output, differ between build machines.
    const maps = readdirSync(dir)
      .filter((f) => f.endsWith('.map'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    expect(maps).toContain('barrel-local:node_modules/');
    expect(maps).not.toContain(`"${repoFile('')}`);
    expect(maps).not.toContain(`:${repoFile('')}`);

    // A fresh node imports the split bundle: its handler is there, and neither undici nor the
    // diagnostic report module was loaded.
    const script = [
      'const before = new Set(process.moduleLoadList);',
      `const m = await import(${JSON.stringify(join(dir, 'index.mjs'))});`,
      'const added = process.moduleLoadList.filter((x) => !before.has(x));',
      "process.stdout.write(JSON.stringify({ handler: typeof m.handler, undici: added.some((x) => x.includes('undici')), report: added.some((x) => x.includes('process/report')) }));",
    ].join('\n');
    const result = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: LAMBDA_ENV,
      }),
    );
    expect(result).toEqual({ handler: 'function', undici: false, report: false });
  });
});

describe('LAMBDA_HANDLERS', () => {
  it('names every handler under functions/, so the bench and the IAM audit miss none', () => {
    const dirs = readdirSync(repoFile('functions'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect([...LAMBDA_HANDLERS].sort()).toEqual(dirs.sort());
  });
});
