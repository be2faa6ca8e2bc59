import { RE2JS } from 're2js';
import { PatternError, type PatternOptions, registerPatternCompiler } from './pattern-compiler.js';

export {
  BODY_PATTERN_OPTIONS,
  PatternError,
  type PatternOptions,
  tagValuePatternOptions,
} from './pattern-compiler.js';

/**
 * User-supplied regular expressions (tag policy `pattern`, probe
 * `bodyMatches`) run on RE2 (the pure-JS `re2js` port): matching takes time
 * linear in the input, so a pattern such as `(a+)+$` cannot hang a check the
 * way a backtracking engine does on a long tag value or a crafted body.
 *
 * One compile function serves both `validate-config` (through the schema) and
 * the run, with the same flags, so a pattern that validates is a pattern that
 * runs.
 */

/** Longest pattern source accepted: a policy pattern is a line, not a program. */
export const PATTERN_MAX_LENGTH = 1_000;
/**
 * Largest compiled program accepted, in RE2 instructions. Matching costs at
 * worst (program size × input length) steps, so this bounds the work per
 * character; `x{1000}` compiles to about 1,000 instructions.
 */
export const PATTERN_MAX_PROGRAM = 2_000;

/** A compiled user pattern. */
export interface UserPattern {
  readonly source: string;
  /** Instructions of the compiled program: the worst-case matching work per input character. */
  readonly programSize: number;
  /** True when the pattern matches `text` (all of it under `wholeValue`). Linear in `text.length`. */
  test(text: string): boolean;
}

/**
 * Compiles a user pattern with RE2 semantics (https://github.com/google/re2/wiki/Syntax).
 * Throws a {@link PatternError} for a pattern RE2 refuses (lookaround,
 * backreferences), one longer than {@link PATTERN_MAX_LENGTH}, or one whose
 * program exceeds {@link PATTERN_MAX_PROGRAM}.
 *
 * @example
 * compilePattern('cc-[0-9]{4}', { wholeValue: true }).test('cc-1234'); // true
 */
export function compilePattern(source: string, options: PatternOptions = {}): UserPattern {
  if (source.length > PATTERN_MAX_LENGTH) {
    throw new PatternError(`pattern is ${source.length} characters, over the limit of ${PATTERN_MAX_LENGTH}`);
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, options.caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (cause) {
    const reason =
      cause instanceof Error ? cause.message.replace(/^error parsing regexp: /, '') : String(cause);
    throw new PatternError(`not a valid RE2 pattern: ${reason}`, { cause });
  }
  const programSize = compiled.programSize();
  if (programSize > PATTERN_MAX_PROGRAM) {
    throw new PatternError(
      `pattern compiles to ${programSize} instructions, over the limit of ${PATTERN_MAX_PROGRAM}; simplify its repeats`,
    );
  }
  const whole = options.wholeValue === true;
  return {
    source,
    programSize,
    test: (text) => (whole ? compiled.testExact(text) : compiled.test(text)),
  };
}

/**
 * Why a pattern cannot be used, or undefined when it compiles: what the
 * config schema reports at the pattern's path.
 */
export function patternProblem(source: string, options: PatternOptions = {}): string | undefined {
  try {
    compilePattern(source, options);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

registerPatternCompiler(compilePattern);
