import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { barrelStaticView } from './barrel-static-view.js';
import { coldStartChunk } from './cold-start-chunk.js';
import { coldStartGraph } from './cold-start-graph.js';

/**
 * Lets CommonJS dependencies call `require` inside the ESM bundle: esbuild
 * leaves `require` calls of external or dynamic modules as they are, and ESM
 * has no `require` of its own. Every output file gets it (each chunk is a
 * module of its own).
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** Every Lambda handler, by its directory under `functions/`: what the stacks deploy, the bench measures and the IAM test audits. */
export const LAMBDA_HANDLERS = [
  'tag-coverage',
  'cost-anomaly',
  'cost-policy',
  'scan-account',
  'aggregate',
  'forwarder',
  'probe',
] as const;

/**
 * Credential providers Lambda never reaches: a function's credentials are in
 * its environment (AWS_ACCESS_KEY_ID…), which the SDK's default chain reads
 * first, and the chain imports these (and the STS/SSO clients they carry)
 * only when the environment has none. Left out of the bundle, they stay
 * dynamic `import()`s that the runtime's own SDK would answer; about 90 KB
 * less to load at every cold start. The container (`-http`) and instance
 * metadata (`imds`) providers stay in.
 */
export const UNREACHED_CREDENTIAL_PROVIDERS: readonly string[] = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/token-providers',
  '@aws-sdk/nested-clients',
];

/**
 * Node built-ins whose ESM facade costs a cold start more than the module
 * itself (each shim says why), mapped to shims that load them without one.
 */
const shim = (name: string) => fileURLToPath(new URL(`../bundle-shims/${name}.ts`, import.meta.url));
const BUILTIN_SHIMS: Readonly<Record<string, string>> = {
  http: shim('node-http'),
  'node:http': shim('node-http'),
  process: shim('node-process'),
  'node:process': shim('node-process'),
  util: shim('node-util'),
  'node:util': shim('node-util'),
};

/** What one function's bundle is built from. */
export interface FunctionBundleInput {
  /** Absolute path of the handler's TypeScript file. */
  readonly entry: string;
  /** Directory the bundle is written to: `index.mjs`, its chunks and source maps. */
  readonly outdir: string;
  /** esbuild `define`: the config compiled in (see shared/runtime/bundled-config.ts). */
  readonly define?: Readonly<Record<string, string>>;
  /** @default true — the bench leaves them out to measure the code alone. */
  readonly sourcemap?: boolean;
}

/**
 * The one way a function is bundled (GuardrailFunction at synth, the
 * cold-start bench, the bundle tests): esbuild, ESM for Node 24, minified,
 * the AWS SDK inside (the handlers are tested against the SDK versions in
 * the lock file, not whichever version the Lambda runtime ships), ESM
 * `module` entry points first so the SDK tree-shakes.
 *
 * Code splitting: what a handler reaches only through `import()` (the
 * schema behind an unbundled config, the fan-out's Step Functions and S3
 * clients, the report renderer, an inventory source the config does not
 * use) goes to chunks beside `index.mjs` that Node reads only when that
 * path runs, so a cold start neither compiles nor evaluates them. Chunks
 * sit in the same directory as the entry, so `import.meta.url` (the chart
 * library copied next to the bundle) means the same place in every file.
 * `node:http`, `node:process` and `node:util` are loaded without an ESM facade
 * (infra/bundle-shims/).
 */
export function functionBuildOptions(input: FunctionBundleInput): BuildOptions {
  return {
    entryPoints: { index: input.entry },
    outdir: input.outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    minify: true,
    sourcemap: input.sourcemap ?? true,
    mainFields: ['module', 'main'],
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    banner: { js: ESM_REQUIRE_BANNER },
    external: [...UNREACHED_CREDENTIAL_PROVIDERS],
    alias: { ...BUILTIN_SHIMS },
    logLevel: 'warning',
    // A name a shim does not export must fail the build, not read as undefined in Lambda.
    logOverride: { 'import-is-undefined': 'error' },
    metafile: true,
    ...(input.define && { define: { ...input.define } }),
  };
}

/**
 * Builds a function's bundle into `outdir` with {@link functionBuildOptions},
 * in two passes: the first finds the files a cold start runs
 * ({@link coldStartGraph}), the second writes the code-split bundle with
 * those files in one chunk ({@link coldStartChunk}) and without what the
 * SDK's barrels re-export for the lazy paths only
 * ({@link barrelStaticView}). The cold-start bench and the bundle tests
 * build with this; synth through {@link bundleFunction}.
 */
export async function buildFunction(
  input: FunctionBundleInput,
  overrides: Partial<BuildOptions> = {},
): Promise<Metafile> {
  const options = { ...functionBuildOptions(input), ...overrides };
  const coldStart = await coldStartGraph(options);
  const entries = new Set(
    Object.values(options.entryPoints as Record<string, string>).map((e) => resolve(e)),
  );
  const result = await build({
    ...options,
    plugins: [...(options.plugins ?? []), barrelStaticView(coldStart), coldStartChunk(coldStart, entries)],
    // The wrappers import every cold-start file for its chunk, side-effect-free SDK modules included.
    logOverride: { ...options.logOverride, 'ignored-bare-import': 'silent' },
  });
  return result.metafile as Metafile;
}

/** The script {@link bundleFunction} runs in a child process (tsx loads its TypeScript). */
const BUNDLE_CHILD = fileURLToPath(new URL('./bundle-function-child.ts', import.meta.url));

/**
 * Builds a function's bundle into `outdir` and copies `assetFiles` next to
 * it. Synchronous, because CDK's local bundling calls it while
 * synthesizing, and esbuild runs plugins only in its asynchronous API: the
 * build ({@link buildFunction}) runs in a child `node`, whose metafile this
 * returns.
 */
export function bundleFunction(
  input: FunctionBundleInput,
  assetFiles: ReadonlyArray<{ readonly source: string; readonly target: string }> = [],
): Metafile {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const out = execFileSync(process.execPath, ['--import', tsx, BUNDLE_CHILD], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  for (const file of assetFiles) copyFileSync(file.source, join(input.outdir, file.target));
  return JSON.parse(out) as Metafile;
}

/** Bytes of a bundle's JavaScript: all of it, and what a cold start loads (the entry and its static imports). */
export interface BundleBytes {
  readonly total: number;
  readonly coldStart: number;
  /** Output files a cold start loads, the entry first. */
  readonly coldStartFiles: readonly string[];
}

/**
 * Sizes a bundle from its metafile. A cold start loads `index.mjs` and,
 * transitively, every chunk it imports statically; chunks reached only by
 * `import()` load when their path runs. Source maps are not counted.
 */
export function bundleBytes(metafile: Metafile): BundleBytes {
  const outputs = metafile.outputs;
  const js = Object.keys(outputs).filter((path) => path.endsWith('.mjs'));
  // Chunks reached by import() count as entry points in the metafile too; the handler's is index.mjs.
  const entry = js.find((path) => path === 'index.mjs' || path.endsWith('/index.mjs'));
  if (entry === undefined) throw new Error('the bundle has no entry point');
  const loaded = [entry];
  for (let i = 0; i < loaded.length; i++) {
    for (const imported of outputs[loaded[i] as string]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external && !loaded.includes(imported.path))
        loaded.push(imported.path);
    }
  }
  const bytes = (paths: readonly string[]) =>
    paths.reduce((sum, path) => sum + (outputs[path]?.bytes ?? 0), 0);
  return { total: bytes(js), coldStart: bytes(loaded), coldStartFiles: loaded };
}
