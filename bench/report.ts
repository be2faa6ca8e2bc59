/** What every scenario hands back: figures with their targets, printed and written to bench/out/results.json. */

export interface Figure {
  /** What is measured, e.g. `wall time`. */
  readonly name: string;
  readonly value: number | string;
  /** `ms`, `MiB`, `calls`, `%`… empty for a plain count or ratio. */
  readonly unit: string;
  /** Human-readable target, e.g. `< 3000 ms`. Absent for a figure that is only reported. */
  readonly target?: string;
  /** Whether the target was met; absent when there is no target. */
  readonly pass?: boolean;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly title: string;
  /** Input sizes, so a figure is never read without its load. */
  readonly sizes: Readonly<Record<string, number | string>>;
  readonly figures: readonly Figure[];
  /** What a reader must know to read the figures right (stand-ins, assumptions, implications). */
  readonly notes: readonly string[];
  /** Optional tables (e.g. precision/recall per detector), printed as they are. */
  readonly tables?: readonly Table[];
}

export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | number>>;
}

export interface ScenarioOptions {
  /** Smaller sizes for a smoke run. */
  readonly quick: boolean;
}

/** A figure with an upper bound: passes when `value < limit`. */
export function below(name: string, value: number, unit: string, limit: number): Figure {
  return { name, value: round(value), unit, target: `< ${limit} ${unit}`.trim(), pass: value < limit };
}

/** A figure with a lower bound: passes when `value >= limit`. */
export function atLeast(name: string, value: number, unit: string, limit: number): Figure {
  return { name, value: round(value), unit, target: `>= ${limit} ${unit}`.trim(), pass: value >= limit };
}

/** A figure that must equal an expected count. */
export function equals(name: string, value: number, unit: string, expected: number): Figure {
  return { name, value, unit, target: `= ${expected}`, pass: value === expected };
}

/** A figure that is reported without a target. */
export function info(name: string, value: number | string, unit = ''): Figure {
  return { name, value: typeof value === 'number' ? round(value) : value, unit };
}

/** Three significant decimals at most: enough for ms, MiB and ratios. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  return Math.round(value * 1000) / 1000;
}

const MIB = 1024 * 1024;
export const toMiB = (bytes: number): number => bytes / MIB;

function formatValue(figure: Figure): string {
  const value = typeof figure.value === 'number' ? figure.value.toLocaleString('en-US') : figure.value;
  return figure.unit ? `${value} ${figure.unit}` : value;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** Renders rows as an aligned text table. */
export function textTable(
  columns: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
): string {
  const cells = rows.map((row) => row.map((c) => (typeof c === 'number' ? String(round(c)) : c)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((c, i) => pad(c, widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** The readable report of one scenario. */
export function formatScenario(result: ScenarioResult): string {
  const sizes = Object.entries(result.sizes)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? v.toLocaleString('en-US') : v}`)
    .join(', ');
  const figures = textTable(
    ['figure', 'value', 'target', ''],
    result.figures.map((f) => [f.name, formatValue(f), f.target ?? '', verdict(f)]),
  );
  const tables = (result.tables ?? []).map((t) => `\n${t.title}\n${textTable(t.columns, t.rows)}`);
  const notes = result.notes.map((n) => `  note: ${n}`);
  return [`== ${result.scenario}: ${result.title}`, `   ${sizes}`, figures, ...tables, ...notes, ''].join(
    '\n',
  );
}

function verdict(figure: Figure): string {
  if (figure.pass === undefined) return '';
  return figure.pass ? 'PASS' : 'FAIL';
}

/** The final table: every figure that has a target, with PASS/FAIL. */
export function formatSummary(results: readonly ScenarioResult[]): string {
  const rows = results.flatMap((r) =>
    r.figures
      .filter((f) => f.target !== undefined)
      .map((f) => [r.scenario, f.name, formatValue(f), f.target ?? '', verdict(f)]),
  );
  return textTable(['scenario', 'figure', 'value', 'target', 'result'], rows);
}
