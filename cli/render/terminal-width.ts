/** Width of the human output when stdout is not a terminal and `COLUMNS` is not set. */
export const DEFAULT_WIDTH = 100;
/** Narrower than this, nothing lays out usefully; lines may then be longer than the terminal. */
const MIN_WIDTH = 20;

/**
 * The columns to lay the human output out in: the terminal's
 * (`process.stdout.columns`), else `COLUMNS` from the environment (as
 * `COLUMNS=120 finops-guardrails run | less` sets), else {@link DEFAULT_WIDTH}.
 *
 * @example
 * outputWidth(undefined, {}); // 100
 */
export function outputWidth(
  columns: number | undefined,
  env: Readonly<Record<string, string | undefined>>,
): number {
  const fromEnv = Number(env.COLUMNS);
  const width =
    columns && columns > 0 ? columns : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_WIDTH;
  return Math.max(MIN_WIDTH, width);
}
