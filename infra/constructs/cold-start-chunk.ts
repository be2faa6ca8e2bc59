import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { init, parse } from 'es-module-lexer';
import type { Plugin } from 'esbuild';
import { transformSync } from 'esbuild';

const NAMESPACE = 'cold-start-lazy';
/** Marks the resolve this plugin asks esbuild for, so that it does not answer itself. */
const INNER = Symbol('cold-start-chunk');

/** What `import()` of a file needs from its wrapper: nothing (CommonJS), or its ES exports and whether one is `default`. */
function moduleShape(path: string): 'commonjs' | 'esm' | 'esm-with-default' {
  if (!/\.(m?[jt]s|tsx?)$/.test(path)) return 'commonjs';
  let source = readFileSync(path, 'utf8');
  if (/\.tsx?$|\.mts$/.test(path)) source = transformSync(source, { loader: 'ts', format: 'esm' }).code;
  const [, exports, , hasModuleSyntax] = parse(source, path);
  if (!hasModuleSyntax) return 'commonjs';
  return exports.some((e) => e.n === 'default') ? 'esm-with-default' : 'esm';
}

/**
 * Puts everything a cold start loads into one chunk.
 *
 * esbuild gives each file the set of entry points (the handler and every
 * `import()` target) that reach it, and writes one chunk per distinct set.
 * The files a cold start runs are reached by the handler and by different
 * subsets of the lazy paths, so they were spread over 11 to 17 chunks, each
 * one more module for Node's ESM loader to resolve, read, compile and link
 * at init (about 0.6 ms of CPU each on the bench machine). Here every
 * `import()` target is wrapped in a module that also imports each of those
 * files: they are then reached by every entry point alike and share one
 * chunk, which a lazy chunk imports when it loads (already evaluated by
 * then, so nothing runs twice).
 *
 * `coldStartFiles` comes from {@link coldStartGraph}; `entries` are left out
 * of the wrapper (the handler awaits at top level: a lazy chunk importing it
 * could wait on the import that is waiting on it). CommonJS targets are not
 * wrapped (their `import()` shape is esbuild's to give).
 */
export function coldStartChunk(coldStartFiles: ReadonlySet<string>, entries: ReadonlySet<string>): Plugin {
  const files = [...coldStartFiles].filter((file) => !entries.has(file)).sort();
  return {
    name: 'cold-start-chunk',
    setup(build) {
      // Paths relative to the working directory: the source maps name the wrappers, and must not
      // name the checkout's place on the build machine (the asset hash covers them).
      const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
      const from = (dir: string, file: string) => JSON.stringify(`./${relative(dir, file)}`);
      build.onStart(() => init);
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === INNER) return undefined;
        const target = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: INNER,
        });
        if (target.errors.length > 0 || target.external || target.namespace !== 'file') return undefined;
        const shape = moduleShape(target.path);
        if (shape === 'commonjs') return target;
        return { path: relative(cwd, target.path), namespace: NAMESPACE, pluginData: shape };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const path = resolve(cwd, args.path);
        const dir = dirname(path);
        const target = from(dir, path);
        const imports = files.map((file) => `import ${from(dir, file)};`).join('\n');
        const reexport = `export * from ${target};${args.pluginData === 'esm-with-default' ? `\nexport { default } from ${target};` : ''}`;
        return { contents: `${imports}\n${reexport}\n`, resolveDir: dir, loader: 'js' };
      });
    },
  };
}
