/**
 * Which accounts and days a FOCUS file covers. A FOCUS export says nothing
 * about completeness but by its rows: an account is covered on a day it has
 * any row for (usage, fee, credit or tax alike). So, for a day `d`:
 * - before the file's first day: not covered for anyone (the export does not
 *   reach back that far);
 * - a day the account has rows for: covered;
 * - before the account's first row: covered, at zero (the account was not
 *   in the export yet: a new account);
 * - any other day: missing (the account has rows on other days, but none on
 *   this one: rows were lost, or the export stops early).
 * A missing day is a hole in every series of that account; the check holds
 * their open findings and reports a scan gap (docs/design/completeness.md).
 */

/** What the file says about one account on one day. */
export type DayCoverage = 'covered' | 'before-account' | 'missing';

/** Records the (account, day) pairs of a FOCUS file, one row at a time. */
export class FocusCoverage {
  readonly #days = new Map<string, Set<string>>();
  readonly #firstOf = new Map<string, string>();
  readonly #allDays = new Set<string>();
  #first: string | null = null;
  #last: string | null = null;

  /** Notes that `account` has a row on `day` (`YYYY-MM-DD`). */
  add(account: string, day: string): void {
    let days = this.#days.get(account);
    if (days === undefined) {
      days = new Set();
      this.#days.set(account, days);
    }
    days.add(day);
    const first = this.#firstOf.get(account);
    if (first === undefined || day < first) this.#firstOf.set(account, day);
    this.#allDays.add(day);
    if (this.#first === null || day < this.#first) this.#first = day;
    if (this.#last === null || day > this.#last) this.#last = day;
  }

  /** The first day with any row, or `null` for a file without rows. */
  get firstDay(): string | null {
    return this.#first;
  }

  /** The last day with any row, or `null` for a file without rows. */
  get lastDay(): string | null {
    return this.#last;
  }

  /** Every account with at least one row. */
  accounts(): string[] {
    return [...this.#days.keys()];
  }

  /** True when any row falls within [first, last] (inclusive days). */
  hasRowsWithin(first: string, last: string): boolean {
    for (const day of this.#allDays) if (day >= first && day <= last) return true;
    return false;
  }

  /**
   * What the file says about `account` on `day`. An account without any row
   * (named by a workload filter) is missing on every day.
   */
  status(account: string, day: string): DayCoverage {
    if (this.#days.get(account)?.has(day)) return 'covered';
    if (this.#first === null || day < this.#first) return 'missing';
    const first = this.#firstOf.get(account);
    return first !== undefined && day < first ? 'before-account' : 'missing';
  }
}
