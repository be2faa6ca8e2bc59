/**
 * A loader that runs once, on first call: the adapters a function may not
 * need on every invocation are imported (with their SDK clients) only when
 * first used. A failed load is not kept, so the next call tries again.
 *
 * @example
 * const logs = loadOnce(async () => new (await import('../adapters/aws/cloudwatch-log-groups.js')).CloudWatchLogGroups(options));
 * await (await logs()).listLogGroups(accountId, region);
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    if (loading === undefined)
      loading = load().catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
    return loading;
  };
}
