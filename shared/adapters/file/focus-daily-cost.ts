import type { FocusRow } from './focus-row.js';

/** Cost of one key on one UTC day. */
export interface DailyCostPoint {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  cost: number;
}

/** Names the series a row belongs to (e.g. account + service), or `null` to leave the row out. */
export type DailyCostKey = (row: FocusRow) => string | null;

/**
 * Sums FOCUS rows (often hourly) into daily cost per key, one row at a time,
 * so it can sit behind the streaming reader without keeping the rows.
 *
 * @example
 * const daily = new DailyCostAccumulator((r) => `${r.subAccountId}|${r.serviceName}`);
 * for await (const item of readFocusCsv({ path })) if ('row' in item) daily.add(item.row);
 * daily.result(); // Map { '1234|Amazon EC2' => [{ day: '2024-09-01', cost: 1.5 }, …] }
 */
export class DailyCostAccumulator {
  readonly #key: DailyCostKey;
  readonly #sums = new Map<string, Map<string, number>>();

  constructor(key: DailyCostKey) {
    this.#key = key;
  }

  /** Adds one row's cost to its key and day. */
  add(row: FocusRow): void {
    const key = this.#key(row);
    if (key === null) return;
    const day = row.chargePeriodStart.slice(0, 10);
    let days = this.#sums.get(key);
    if (days === undefined) {
      days = new Map();
      this.#sums.set(key, days);
    }
    days.set(day, (days.get(day) ?? 0) + row.cost);
  }

  /**
   * Daily series per key, days ascending. Days without rows are absent, not
   * zero: only the caller knows the period the file was meant to cover.
   */
  result(): Map<string, DailyCostPoint[]> {
    const out = new Map<string, DailyCostPoint[]>();
    for (const [key, days] of this.#sums) {
      const series = [...days].map(([day, cost]) => ({ day, cost }));
      series.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
      out.set(key, series);
    }
    return out;
  }
}

/**
 * Daily cost per key of rows already in memory.
 *
 * @example dailyCostBy(rows, (r) => r.subAccountId)
 */
export function dailyCostBy(rows: Iterable<FocusRow>, key: DailyCostKey): Map<string, DailyCostPoint[]> {
  const accumulator = new DailyCostAccumulator(key);
  for (const row of rows) accumulator.add(row);
  return accumulator.result();
}
