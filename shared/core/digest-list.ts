/**
 * A digest lists at most this many resources, and at most
 * {@link DIGEST_LIST_MAX_BYTES} of them; the rest are counted in `omitted`
 * and shown by the console link. Truncated rather than split into numbered
 * parts: one digest keeps one identity, so a shrinking list never resolves a
 * part (a resolve that would look like a fix) nor pages a new one, and the
 * digest always fits every sink (see `event-budget.ts`).
 */
export const DIGEST_MAX_RESOURCES = 100;
/** Bytes of JSON the listed resources of one digest may take: about half the event budget. */
export const DIGEST_LIST_MAX_BYTES = 64 * 1024;

/**
 * The first entries of `ranked` a digest spells out, within
 * {@link DIGEST_MAX_RESOURCES} and {@link DIGEST_LIST_MAX_BYTES}; the first
 * entry is always listed. Only the listed ones are built.
 */
export function digestEntries<T, E>(ranked: Iterable<T>, toEntry: (item: T) => E): E[] {
  const entries: E[] = [];
  let bytes = 2;
  for (const item of ranked) {
    if (entries.length === DIGEST_MAX_RESOURCES) break;
    const entry = toEntry(item);
    // UTF-16 length × 3 bounds the UTF-8 bytes without encoding every entry.
    bytes += JSON.stringify(entry).length * 3 + 1;
    if (bytes > DIGEST_LIST_MAX_BYTES && entries.length > 0) break;
    entries.push(entry);
  }
  return entries;
}
