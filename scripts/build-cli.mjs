// Bundles the TypeScript CLI (cli/main.ts) into dist/cli with esbuild, so the command starts
// without a TypeScript loader. Each command is a dynamic import in cli/command-index.ts, and
// code splitting turns each into its own chunk: `--help` loads commander and nothing else.
// Run by `npm ci` (prepare), `npm run build`, and `npm start` (prestart, with --if-stale: only
// when a source file changed since the last build).
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Packages left out of the bundle: the CDK and its spec are large and no command reaches them at run time. */
export const EXTERNAL_PACKAGES = ['aws-cdk-lib', 'constructs', 'cdk-nag', '@aws-cdk/*', 'esbuild'];

/**
 * The esbuild options of the CLI bundle.
 *
 * @param {string} root the package directory
 * @param {string} outdir where the bundle goes
 */
export function cliBuildOptions(root, outdir) {
  return {
    absWorkingDir: root,
    entryPoints: { main: join(root, 'cli', 'main.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // The SDK's ES module builds tree-shake better than its CommonJS ones.
    mainFields: ['module', 'main'],
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    external: EXTERNAL_PACKAGES,
    minifySyntax: true,
    minifyWhitespace: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    // Bundled CommonJS packages call require() for Node built-ins; an ES module has none of its own.
    banner: {
      js: "import { createRequire as __cliRequire } from 'node:module'; const require = __cliRequire(import.meta.url);",
    },
  };
}

/**
 * Builds the bundle; returns esbuild's metafile.
 *
 * @param {{ root?: string, outdir?: string }} [options]
 */
export async function buildCli(options = {}) {
  const root = options.root ?? join(dirname(fileURLToPath(import.meta.url)), '..');
  const outdir = options.outdir ?? join(root, 'dist', 'cli');
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('esbuild is not installed: run `npm ci` (it is a development dependency)');
  }
  rmSync(outdir, { recursive: true, force: true });
  const result = await esbuild.build(cliBuildOptions(root, outdir));
  // What the bundle was built from and what each chunk imports: --if-stale and the bundle test read it.
  writeFileSync(join(outdir, META_FILE), `${JSON.stringify(result.metafile)}\n`);
  return result.metafile;
}

const META_FILE = 'meta.json';

/**
 * Whether the bundle in `outdir` is missing or older than any file it was built from.
 *
 * @param {string} root
 * @param {string} outdir
 */
export function bundleIsStale(root, outdir) {
  const meta = join(outdir, META_FILE);
  if (!existsSync(meta) || !existsSync(join(outdir, 'main.mjs'))) return true;
  const builtAt = statSync(meta).mtimeMs;
  const inputs = [
    ...Object.keys(JSON.parse(readFileSync(meta, 'utf8')).inputs),
    'package.json',
    'scripts/build-cli.mjs',
  ];
  return inputs.some((input) => {
    const file = join(root, input);
    return !existsSync(file) || statSync(file).mtimeMs > builtAt;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const at = process.argv.indexOf('--outdir');
  const outdir = at > 0 && process.argv[at + 1] ? process.argv[at + 1] : join(root, 'dist', 'cli');
  const fresh = process.argv.includes('--if-stale') && !bundleIsStale(root, outdir);
  if (!fresh)
    buildCli({ root, outdir }).then(
      (metafile) => {
        const bytes = Object.values(metafile.outputs).reduce((sum, o) => sum + (o.bytes ?? 0), 0);
        process.stdout.write(
          `built ${outdir} (${Math.round(bytes / 1024)} KB) in ${Date.now() - started} ms\n`,
        );
      },
      (error) => {
        process.stderr.write(`build failed: ${error.message}\n`);
        process.exitCode = 1;
      },
    );
}
