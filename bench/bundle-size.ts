/**
 * Size of a Lambda function's bundle built as GuardrailFunction
 * (infra/constructs/guardrail-function.ts) has NodejsFunction build it:
 * esbuild, ESM, minified, platform node, target node24, mainFields
 * module/main, the createRequire banner, everything bundled (the AWS SDK too).
 * Source maps are left out: they are a separate file.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface BundleSize {
  readonly label: string;
  readonly entryPoints: readonly string[];
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly buildMs: number;
}

/**
 * Bundles `entryPoints` (relative to `root`) into `outDir` and measures the
 * output. Several entry points are bundled together behind one generated
 * entry, as a stand-in for a handler that does not exist yet.
 */
export async function bundleSize(
  root: string,
  entryPoints: readonly string[],
  outDir: string,
  label: string,
  options: { readonly define?: Readonly<Record<string, string>>; readonly external?: readonly string[] } = {},
): Promise<BundleSize & { readonly outfile: string }> {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${label.replace(/[^\w.-]+/g, '-')}.mjs`);
  const started = performance.now();
  const stdin =
    entryPoints.length === 1
      ? undefined
      : {
          contents: entryPoints.map((e, i) => `export * as m${i} from './${e}';`).join('\n'),
          resolveDir: root,
          sourcefile: 'bench-entry.ts',
          loader: 'ts' as const,
        };
  await build({
    ...(stdin ? { stdin } : { entryPoints: entryPoints.map((e) => join(root, e)) }),
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    outfile,
    mainFields: ['module', 'main'],
    logLevel: 'silent',
    ...(options.define && { define: { ...options.define } }),
    ...(options.external && { external: [...options.external] }),
    banner: { js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);" },
  });
  const buildMs = performance.now() - started;
  return {
    label,
    entryPoints,
    outfile,
    bytes: statSync(outfile).size,
    gzipBytes: gzipSync(readFileSync(outfile)).length,
    buildMs,
  };
}

/** The probe function's handler if present, else the probe check and transport as a labelled stand-in. */
export function probeBundleEntry(root: string): { entryPoints: string[]; label: string; standIn: boolean } {
  const handler = 'functions/probe/handler.ts';
  if (existsSync(join(root, handler)))
    return { entryPoints: [handler], label: 'probe-handler', standIn: false };
  return {
    entryPoints: ['shared/checks/probe/check.ts', 'shared/adapters/probe/probe-all.ts'],
    label: 'probe-check-stand-in',
    standIn: true,
  };
}
