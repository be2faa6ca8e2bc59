import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One script of the charting library, inlined into the HTML report. */
export interface LibraryScript {
  readonly name: string;
  readonly version: string;
  readonly source: string;
}

/**
 * The scripts of Observable Plot (which draws the charts as SVG) and d3
 * (which it needs as a global), in load order, from their UMD builds.
 */
export const CHART_LIBRARY_FILES = [
  { name: 'd3', file: 'dist/d3.min.js' },
  { name: '@observablehq/plot', file: 'dist/plot.umd.min.js' },
] as const;

/**
 * Replaced at build time by a bundler (esbuild `define`) with the scripts'
 * JSON, so a bundled CLI or Lambda function needs no node_modules at run
 * time; see {@link chartLibraryDefine}. Undefined when running from source.
 */
declare const __REPORT_CHART_LIBRARY__: readonly LibraryScript[] | undefined;

/**
 * The directory of an installed package. Its `exports` publish the UMD
 * build only under a `umd` condition that Node does not resolve, so the
 * package's entry is resolved and its `package.json` found above it.
 */
function packageRoot(name: string, from: string): string {
  let dir = dirname(createRequire(from).resolve(name));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name
    )
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package.json of ${name}`);
    dir = parent;
  }
}

/** Reads the scripts from node_modules, resolved from this file (or from `from`). */
export function readChartLibrary(from: string = import.meta.url): LibraryScript[] {
  return CHART_LIBRARY_FILES.map(({ name, file }) => {
    const root = packageRoot(name, from);
    return {
      name,
      version: (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version,
      source: readFileSync(join(root, file), 'utf8'),
    };
  });
}

/**
 * The esbuild `define` entry that embeds the chart library in a bundle:
 * `esbuild.build({ …, define: { ...chartLibraryDefine() } })`.
 */
export function chartLibraryDefine(from?: string): Record<string, string> {
  return { __REPORT_CHART_LIBRARY__: JSON.stringify(readChartLibrary(from)) };
}

let loaded: readonly LibraryScript[] | undefined;

/** The file name a bundle ships a library script under, next to the bundle (see {@link chartLibraryFiles}). */
function bundledFileName(name: string): string {
  return `chart-${name.replace(/[^\w.-]/g, '_')}.js`;
}

/**
 * The scripts to copy next to a bundle, where {@link chartLibrary} finds
 * them: the Lambda functions' asset gets them through a bundling hook (a
 * `define` of half a megabyte does not fit esbuild's command line).
 */
export function chartLibraryFiles(from?: string): Array<{ source: string; target: string }> {
  return CHART_LIBRARY_FILES.map(({ name, file }) => ({
    source: join(packageRoot(name, from ?? import.meta.url), file),
    target: bundledFileName(name),
  }));
}

/** The scripts copied next to this module's bundle, if all are there. */
function readBundledFiles(): LibraryScript[] | undefined {
  let dir: string;
  try {
    dir = dirname(fileURLToPath(import.meta.url));
  } catch {
    return undefined;
  }
  const paths = CHART_LIBRARY_FILES.map(({ name }) => join(dir, bundledFileName(name)));
  if (!paths.every((p) => existsSync(p))) return undefined;
  return CHART_LIBRARY_FILES.map(({ name }, i) => ({
    name,
    version: 'bundled',
    source: readFileSync(paths[i] as string, 'utf8'),
  }));
}

/** The chart library: embedded at build time, else copied next to the bundle, else read once from node_modules. */
export function chartLibrary(): readonly LibraryScript[] {
  if (typeof __REPORT_CHART_LIBRARY__ !== 'undefined') return __REPORT_CHART_LIBRARY__;
  loaded ??= readBundledFiles() ?? readChartLibrary();
  return loaded;
}
