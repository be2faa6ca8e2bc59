/*
 * The checks that evaluate user patterns (tag policy `pattern`, probe
 * `bodyMatches`) reach the RE2 engine through this module, not by importing
 * it: the engine is about 150 KB minified, and a Lambda function that never
 * meets a pattern (the fan-out's per-account scan, cost-policy), or meets
 * one only after its network reads, should not parse it during its init.
 *
 * `./pattern.js` registers its compiler here when it loads (config
 * validation and the CLI load it statically). A check that evaluates
 * patterns calls {@link loadPatternCompiler} in its `collect`, beside its
 * network reads, so that its pure, synchronous `evaluate` finds it loaded.
 */
import type { UserPattern } from './pattern.js';

/** How a pattern is matched against a text. */
export interface PatternOptions {
  /** The pattern must match the whole text (tag values), not a part of it (bodies). */
  readonly wholeValue?: boolean;
  /** Letters match in either case (`valueCase: insensitive`). */
  readonly caseInsensitive?: boolean;
}

/** Why a pattern cannot be used, as one line (the config path is added by the caller). */
export class PatternError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PatternError';
  }
}

type Compile = (source: string, options?: PatternOptions) => UserPattern;

let compiler: Compile | undefined;

/** Called by `./pattern.js` when it loads. */
export function registerPatternCompiler(compile: Compile): void {
  compiler = compile;
}

/** Loads the RE2 engine and its compiler, once; a no-op when already loaded. */
export async function loadPatternCompiler(): Promise<void> {
  if (compiler) return;
  const { compilePattern } = await import('./pattern.js');
  compiler = compilePattern;
}

/**
 * Compiles a user pattern with the loaded engine: the same function, flags
 * and limits as `compilePattern` in `./pattern.js`. Throws a plain Error
 * (a programming error, never a verdict on the pattern) when no engine is
 * loaded: the caller's `collect` did not call {@link loadPatternCompiler}.
 */
export function compileLoadedPattern(source: string, options?: PatternOptions): UserPattern {
  if (!compiler) {
    throw new Error(
      'the pattern engine is not loaded: a check that evaluates patterns must await loadPatternCompiler() in its collect',
    );
  }
  return compiler(source, options);
}

/**
 * How a tag policy rule's `pattern` is compiled, at validation and at run
 * time alike: it must match the whole value, in either case under
 * `valueCase: insensitive`.
 */
export function tagValuePatternOptions(rule: {
  readonly valueCase?: 'exact' | 'insensitive';
}): PatternOptions {
  return { wholeValue: true, caseInsensitive: rule.valueCase === 'insensitive' };
}

/** How a probe's `expect.bodyMatches` is compiled: anywhere in the body, case as written. */
export const BODY_PATTERN_OPTIONS: PatternOptions = { wholeValue: false };

/**
 * Runs `read` (a check's network reads) while the engine loads beside it,
 * when `needed`; resolves with what `read` returned once both are done. A
 * failed load fails the collection: no pattern is ever judged without it.
 */
export async function whileLoadingPatterns<T>(needed: boolean, read: () => Promise<T>): Promise<T> {
  if (!needed) return read();
  const [result] = await Promise.all([read(), loadPatternCompiler()]);
  return result;
}

/**
 * Why a pattern cannot be used, or undefined when it compiles, with the
 * loaded engine: for schemas that a Lambda bundle builds at init but only
 * config validation (which loads the engine) runs.
 */
export function loadedPatternProblem(source: string, options?: PatternOptions): string | undefined {
  try {
    compileLoadedPattern(source, options);
    return undefined;
  } catch (error) {
    if (error instanceof PatternError) return error.message;
    throw error;
  }
}
