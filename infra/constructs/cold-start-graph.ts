import { resolve } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';

/** Leaves every `import()` out: what remains is what a cold start must load. */
const dynamicImportsExternal: Plugin = {
  name: 'dynamic-imports-external',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
    );
  },
};

/**
 * The files whose code a cold start runs: a bundle of the same entry with
 * every `import()` left out, and the inputs of which any code survives tree
 * shaking (absolute paths). Built unminified, so that no constant is inlined
 * away from the file that declares it. Nothing is written.
 */
export async function coldStartGraph(options: BuildOptions): Promise<ReadonlySet<string>> {
  const result = await build({
    ...options,
    splitting: false,
    // Syntax minification inlines constants across files, which would leave their file with no code here.
    minify: false,
    minifySyntax: false,
    minifyWhitespace: false,
    minifyIdentifiers: false,
    sourcemap: false,
    write: false,
    metafile: true,
    plugins: [...(options.plugins ?? []), dynamicImportsExternal],
    logLevel: 'silent',
  });
  const cwd = options.absWorkingDir ?? process.cwd();
  const files = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput > 0 && !input.includes(':')) files.add(resolve(cwd, input));
    }
  }
  return files;
}
