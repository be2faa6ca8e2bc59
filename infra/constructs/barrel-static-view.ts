import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { init, parse } from 'es-module-lexer';
import type { Plugin, PluginBuild } from 'esbuild';

/** A barrel's `export … from` statements, and what else it holds. */
interface Barrel {
  readonly source: string;
  readonly reexports: readonly Reexport[];
  /** The file without its re-exports: imports and code of its own, shared by both views. */
  readonly local: string;
  readonly localNames: ReadonlySet<string>;
}

interface Reexport {
  readonly text: string;
  readonly specifier: string;
  /** `named`: `export { a, b as c } from`; `star`: `export * from`; `namespace`: `export * as n from`. */
  readonly kind: 'named' | 'star' | 'namespace';
  readonly names: ReadonlyArray<{ readonly imported: string; readonly exported: string }>;
}

const STATIC = 'barrel-static';
const LOCAL = 'barrel-local';
/** Marks the resolves this plugin asks esbuild for, so that it does not answer itself. */
const INNER = Symbol('barrel-static-view');

/** Whether the package that holds `file` declares it free of side effects (then the order its imports run in is free too). */
function sideEffectFree(file: string): boolean {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { sideEffects } = JSON.parse(readFileSync(manifest, 'utf8')) as { sideEffects?: unknown };
    if (sideEffects === undefined) continue; // a nested package.json that only sets "type"
    if (sideEffects === false) return true;
    if (!Array.isArray(sideEffects)) return false;
    const path = relative(dir, file);
    return sideEffects.every(
      (p) => typeof p === 'string' && !/[*?{[]/.test(p) && p.replace(/^\.\//, '') !== path,
    );
  }
  return false;
}

/** Reads `file` as a barrel: an ES module of a side-effect-free package with at least one re-export and no default export. */
function readBarrel(file: string): Barrel | undefined {
  if (!/\/node_modules\/.*\.m?js$/.test(file) || !sideEffectFree(file)) return undefined;
  const source = readFileSync(file, 'utf8');
  const [imports, exports] = parse(source, file);
  if (exports.some((e) => e.n === 'default')) return undefined;
  const statements: Array<Reexport & { start: number; end: number }> = [];
  for (const i of imports) {
    const text = source.slice(i.ss, i.se);
    if (i.t !== 1 || i.n === undefined || !text.startsWith('export')) continue;
    const named = /^export\s*\{([^}]*)\}\s*from/.exec(text);
    const star = /^export\s*\*\s*(as\s+[\w$]+\s*)?from/.exec(text);
    if (!named && !star) return undefined;
    const names = (named?.[1] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => /^([\w$]+)(?:\s+as\s+([\w$]+))?$/.exec(s));
    if (names.some((m) => m === null)) return undefined;
    statements.push({
      text,
      specifier: i.n,
      kind: named ? 'named' : star?.[1] ? 'namespace' : 'star',
      names: names.map((m) => ({ imported: m?.[1] ?? '', exported: m?.[2] ?? m?.[1] ?? '' })),
      start: i.ss,
      end: i.se,
    });
  }
  if (statements.length === 0) return undefined;
  let local = '';
  let at = 0;
  for (const s of statements) {
    local += source.slice(at, s.start);
    at = s.end;
  }
  local += source.slice(at);
  const inReexport = (pos: number) => statements.some((s) => pos >= s.start && pos < s.end);
  const localNames = new Set(exports.filter((e) => !inReexport(e.s)).map((e) => e.n));
  return { source, reexports: statements, local, localNames };
}

/**
 * Lets the files a cold start runs import a barrel without reaching what the
 * barrel re-exports for other paths.
 *
 * esbuild gives a file to every entry point that reaches it through any
 * import, used or not. The SDK's barrels (`@aws-sdk/core/protocols`,
 * `@smithy/core/serde`, …) re-export the XML and query protocols, stream
 * checksums and SigV4a beside the JSON protocol DynamoDB uses: code that only
 * the lazy S3, SQS or STS paths run, but that a split bundle put in the
 * cold-start chunks (about 45 KB of each stateful function's, with
 * `node:zlib` and Node's web streams loaded at init for it).
 *
 * A file that the cold start runs (`coldStartFiles`, from
 * {@link coldStartGraph}) imports a barrel through a view of it that
 * re-exports only the names whose code the cold start runs; every other
 * importer sees the whole barrel. A barrel with code of its own keeps that
 * code in one module both views re-export, so nothing is evaluated twice. A
 * name the view leaves out fails the build (esbuild reports a missing
 * export), never an invocation. Only barrels of packages that declare
 * themselves free of side effects are touched, so the order their imports
 * run in does not matter.
 */
export function barrelStaticView(coldStartFiles: ReadonlySet<string>): Plugin {
  const barrels = new Map<string, Barrel | undefined>();
  const barrel = (file: string) => {
    if (!barrels.has(file)) barrels.set(file, readBarrel(file));
    return barrels.get(file);
  };
  return {
    name: 'barrel-static-view',
    setup(build) {
      build.onStart(() => init);
      const names = exportedNames(build, barrel);
      // Views are named relative to the working directory: the source maps name them, and must
      // not name the checkout's place on the build machine (the asset hash covers them).
      const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
      const absolute = (path: string) => resolve(cwd, path);
      const localOf = (path: string) => JSON.stringify(`${LOCAL}:${relative(cwd, path)}`);
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'import-statement' || args.pluginData === INNER) return undefined;
        const viaView =
          args.namespace === STATIC ||
          (args.namespace === LOCAL && coldStartFiles.has(absolute(args.importer))) ||
          (args.namespace === 'file' && coldStartFiles.has(args.importer) && !barrel(args.importer));
        if (!viaView) return undefined;
        const target = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: INNER,
        });
        if (target.errors.length > 0 || target.namespace !== 'file' || !barrel(target.path)) return undefined;
        return { path: relative(cwd, target.path), namespace: STATIC, sideEffects: false };
      });
      build.onResolve({ filter: new RegExp(`^${LOCAL}:`) }, (args) => ({
        path: args.path.slice(LOCAL.length + 1),
        namespace: LOCAL,
      }));
      // The whole barrel, for every other importer: its own code (one module) and every re-export.
      build.onLoad({ filter: /\.m?js$/, namespace: 'file' }, (args) => {
        const b = barrel(args.path);
        if (!b?.local.trim()) return undefined;
        return {
          contents: `export * from ${localOf(args.path)};\n${b.reexports.map((r) => r.text).join('\n')}\n`,
          resolveDir: dirname(args.path),
          loader: 'js',
        };
      });
      build.onLoad({ filter: /.*/, namespace: LOCAL }, (args) => ({
        contents: barrel(absolute(args.path))?.local ?? '',
        resolveDir: dirname(absolute(args.path)),
        loader: 'js',
      }));
      build.onLoad({ filter: /.*/, namespace: STATIC }, async (args) => {
        const path = absolute(args.path);
        const b = barrel(path) as Barrel;
        const kept: string[] = [];
        if (b.local.trim()) kept.push(`export * from ${localOf(path)};`);
        for (const r of b.reexports) {
          const target = await names.resolve(r.specifier, path);
          if (target === undefined) kept.push(r.text);
          else if (r.kind === 'named') {
            const used: string[] = [];
            for (const n of r.names)
              if (await names.needed(target, n.imported, coldStartFiles))
                used.push(n.imported === n.exported ? n.imported : `${n.imported} as ${n.exported}`);
            if (used.length > 0)
              kept.push(`export { ${used.join(', ')} } from ${JSON.stringify(r.specifier)};`);
          } else if (await names.anyNeeded(target, coldStartFiles)) kept.push(r.text);
        }
        return { contents: `${kept.join('\n')}\n`, resolveDir: dirname(path), loader: 'js' };
      });
    },
  };
}

/** Follows names through barrels to the file that defines them. */
function exportedNames(build: PluginBuild, barrel: (file: string) => Barrel | undefined) {
  const resolved = new Map<string, string | undefined>();
  const resolve = async (specifier: string, from: string): Promise<string | undefined> => {
    const key = `${from}\0${specifier}`;
    if (!resolved.has(key)) {
      const r = await build.resolve(specifier, {
        kind: 'import-statement',
        importer: from,
        resolveDir: dirname(from),
        pluginData: INNER,
      });
      resolved.set(key, r.errors.length > 0 || r.external || r.namespace !== 'file' ? undefined : r.path);
    }
    return resolved.get(key);
  };
  const all = new Map<string, Promise<ReadonlySet<string>>>();
  const namesOf = (file: string): Promise<ReadonlySet<string>> => {
    let found = all.get(file);
    if (found === undefined) {
      found = (async () => {
        const b = barrel(file);
        if (b === undefined) return new Set(parse(readFileSync(file, 'utf8'), file)[1].map((e) => e.n));
        const out = new Set(b.localNames);
        for (const r of b.reexports) {
          for (const n of r.names) out.add(n.exported);
          const target = r.kind === 'star' ? await resolve(r.specifier, file) : undefined;
          if (target !== undefined) for (const n of await namesOf(target)) if (n !== 'default') out.add(n);
        }
        return out;
      })();
      all.set(file, found);
    }
    return found;
  };
  /** Whether the code behind `name` of `file` is code the cold start runs; when unsure, yes. */
  const needed = async (
    file: string,
    name: string,
    coldStart: ReadonlySet<string>,
    depth = 0,
  ): Promise<boolean> => {
    const b = barrel(file);
    if (b === undefined) return coldStart.has(file);
    if (depth > 32 || b.localNames.has(name)) return true;
    for (const r of b.reexports) {
      const n = r.names.find((x) => x.exported === name);
      if (r.kind !== 'named' || n === undefined) continue;
      const target = await resolve(r.specifier, file);
      return target === undefined || needed(target, n.imported, coldStart, depth + 1);
    }
    for (const r of b.reexports) {
      if (r.kind !== 'star') continue;
      const target = await resolve(r.specifier, file);
      if (target === undefined) return true;
      if ((await namesOf(target)).has(name)) return needed(target, name, coldStart, depth + 1);
    }
    return true;
  };
  const anyNeeded = async (file: string, coldStart: ReadonlySet<string>): Promise<boolean> => {
    if (barrel(file) === undefined) return coldStart.has(file);
    for (const name of await namesOf(file)) if (await needed(file, name, coldStart)) return true;
    return false;
  };
  return { resolve, needed, anyNeeded };
}
