import { ScanError } from '../../core/errors.js';
import { GLOBAL_REGION } from '../../core/global-region.js';
import type { InventorySource } from '../../core/sources.js';
import type { TaggedResource } from './types.js';

/**
 * Whose tags win when several sources list one resource: the Tagging API
 * reads tags live; Config records them on each change; Resource Explorer's
 * index can lag. Sources not named here come last, in the given order.
 */
export const TAG_PRECEDENCE: readonly string[] = ['tagging-api', 'config', 'resource-explorer'];

/**
 * One {@link InventorySource} over several, merged by ARN. A scope is read
 * from every source that covers it (only sources with `globalScope` are
 * asked for `global`); if any fails, the scope fails, naming the source, so
 * a merge never passes a partial list for a complete one.
 *
 * A resource listed by several sources takes its tags from the first of
 * {@link TAG_PRECEDENCE} that lists it, and `seenBy` names every source
 * that listed it: a never-tagged instance that only Resource Explorer lists
 * is judged with no tags, and an instance both list keeps the Tagging API's
 * current tags. Pure but for calling the sources.
 *
 * @example
 * const inventory = mergedInventory([resourceExplorer, tagging]);
 * inventory.name; // 'resource-explorer+tagging-api'
 */
export function mergedInventory(sources: readonly InventorySource[]): InventorySource {
  const [only] = sources;
  if (only && sources.length === 1) return only;
  const ranked = [...sources].sort((a, b) => rank(a.name) - rank(b.name));
  return {
    name: sources.map((s) => s.name).join('+'),
    globalScope: sources.some((s) => s.globalScope),
    async listResources(accountId, region) {
      const asked = ranked.filter((s) => region !== GLOBAL_REGION || s.globalScope);
      const settled = await Promise.allSettled(asked.map((s) => s.listResources(accountId, region)));
      const lists: TaggedResource[][] = [];
      settled.forEach((result, i) => {
        const name = asked[i]?.name ?? '?';
        if (result.status === 'rejected') {
          const reason = result.reason instanceof ScanError ? result.reason.reason : String(result.reason);
          throw new ScanError(`${accountId}/${region}`, `${name}: ${reason}`, { cause: result.reason });
        }
        lists.push(result.value);
      });
      return mergeByArn(
        asked.map((s) => s.name),
        lists,
      );
    },
  };
}

/**
 * Resources of several lists, one per ARN, in first-seen order. `lists[i]`
 * came from `names[i]`, and the lists are in precedence order: the first
 * list holding an ARN gives its tags. `seenBy` arrays are shared between
 * resources seen by the same sources, so a large account costs one array
 * per combination, not per resource.
 */
export function mergeByArn(names: readonly string[], lists: readonly TaggedResource[][]): TaggedResource[] {
  const byArn = new Map<string, { resource: TaggedResource; seenBy: number }>();
  lists.forEach((list, i) => {
    for (const resource of list) {
      const entry = byArn.get(resource.arn);
      if (entry) entry.seenBy |= 1 << i;
      else byArn.set(resource.arn, { resource, seenBy: 1 << i });
    }
  });
  const shared = new Map<number, readonly string[]>();
  const seenByOf = (mask: number) => {
    let names_ = shared.get(mask);
    if (!names_) {
      names_ = names.filter((_, i) => mask & (1 << i));
      shared.set(mask, names_);
    }
    return names_;
  };
  return [...byArn.values()].map(({ resource, seenBy }) => ({ ...resource, seenBy: seenByOf(seenBy) }));
}

function rank(name: string): number {
  const i = TAG_PRECEDENCE.indexOf(name);
  return i === -1 ? TAG_PRECEDENCE.length : i;
}
