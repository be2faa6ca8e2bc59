import { loadOnce } from '../core/load-once.js';

/** The keys of T whose values are functions that return a promise. */
type AsyncMethodKeys<T> = {
  [K in keyof T]-?: T[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof T];

/**
 * A source whose adapter module, with its SDK client, is imported on the
 * first call of any of `methods`, so a Lambda init parses neither (issue 10:
 * clients load on the path that uses them). `fixed` holds the rest of the
 * interface (`name`), known without the adapter; the loaded adapter must
 * agree with it. Only the listed methods are forwarded: an optional method
 * left out stays absent, so `source.resourceCosts?.()` still reads as "this
 * source has none". A failed import is not kept: the next call tries again.
 *
 * @example
 * const directory = lazyAdapter<AccountDirectory, 'listAccounts'>(
 *   async () => new (await import('../adapters/aws/organizations-directory.js')).OrganizationsDirectory(access),
 *   ['listAccounts'],
 *   {},
 * );
 */
export function lazyAdapter<T extends object, M extends AsyncMethodKeys<T>>(
  load: () => Promise<T>,
  methods: readonly M[],
  fixed: Omit<T, M>,
): T {
  const adapter = loadOnce(async () => {
    const loaded = await load();
    for (const [key, value] of Object.entries(fixed)) {
      const actual = (loaded as Record<string, unknown>)[key];
      if (actual !== value)
        throw new Error(`lazy adapter: ${key} is ${String(actual)}, expected ${String(value)}`);
    }
    return loaded;
  });
  const forwarded: Record<string, unknown> = { ...fixed };
  for (const method of methods) {
    forwarded[method as string] = async (...args: unknown[]) => {
      const loaded = await adapter();
      const fn = loaded[method] as (...a: unknown[]) => Promise<unknown>;
      return fn.apply(loaded, args);
    };
  }
  return forwarded as T;
}
