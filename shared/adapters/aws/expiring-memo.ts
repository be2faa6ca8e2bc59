/**
 * How long an inventory source trusts its pre-checks (the view, the indexed regions, the aggregator's
 * regions): about one run, since the source outlives a run in a warm Lambda container.
 */
export const INVENTORY_CHECK_TTL_MS = 10 * 60_000;

/**
 * Answers to a read that many scopes of one run share (which regions hold a
 * Resource Explorer index, which regions an aggregator collects), kept for
 * `ttlMs`. The sources live as long as a warm Lambda container, across
 * scheduled runs: without an expiry, an index deleted after the first run
 * would keep passing, and one created to close a scan gap would not count
 * until the container is recycled. A failed read is forgotten at once, so
 * the next scope asks again.
 *
 * @example
 * const indexes = new ExpiringMemo<Set<string>>(10 * 60_000);
 * await indexes.get(accountId, () => listIndexedRegions(client, accountId));
 */
export class ExpiringMemo<T> {
  readonly #entries = new Map<string, { readonly value: Promise<T>; readonly at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The answer for `key`, from `load` when none is kept or it is older than the ttl. */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const kept = this.#entries.get(key);
    const now = this.now();
    if (kept !== undefined && now - kept.at < this.ttlMs) return kept.value;
    const value = load().catch((error: unknown) => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
      throw error;
    });
    this.#entries.set(key, { value, at: now });
    return value;
  }
}
