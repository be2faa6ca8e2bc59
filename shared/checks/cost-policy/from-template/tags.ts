import { ownTagSpecifications } from '../../tag-coverage/tag-specifications.js';
import { taggability } from '../../tag-coverage/taggable-types.js';
import { ifBranches } from '../../template/if-branches.js';
import {
  intrinsic,
  isRecord,
  mapResolved,
  resolveValue,
  type TemplateScope,
} from '../../template/resolve.js';
import type { Resolved, ResourceTags } from '../model.js';

/**
 * A template resource's tags as the cost policy reads them (for the
 * environment): the stack tags, then the resource's own, each value
 * resolved; a computed tag list makes the tags `opaque`.
 */
export function templateResourceTags(
  type: string,
  properties: Readonly<Record<string, unknown>>,
  stackTags: Readonly<Record<string, string>>,
  scope: TemplateScope,
): ResourceTags {
  const values: Record<string, Resolved<string>> = {};
  for (const [key, value] of Object.entries(stackTags)) values[key] = { kind: 'known', value };
  const known = taggability(type);
  if (known.kind !== 'taggable') return { values };
  const raw = properties[known.tagProperty];
  if (raw === undefined) return { values };
  const branches = ifBranches(raw);
  if (branches !== undefined) {
    const each = branches.map((branch) =>
      templateResourceTags(type, { ...properties, [known.tagProperty]: branch }, stackTags, scope),
    );
    return everyBranch(each);
  }
  const whole = intrinsic(raw);
  if (whole) return { values, opaque: whole[0] };
  let opaque: string | undefined;
  const put = (key: unknown, value: unknown) => {
    if (typeof key !== 'string') {
      opaque ??= intrinsic(key)?.[0] ?? 'a tag without a key';
      return;
    }
    values[key] = mapResolved(resolveValue(value, scope), (v) =>
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '',
    );
  };
  const list =
    known.shape === 'items' && isRecord(raw)
      ? raw.Items
      : known.shape === 'specifications'
        ? ownTagSpecifications(raw, known.specificationType ?? '')
        : raw;
  if (known.shape === 'map' && isRecord(raw)) for (const [key, value] of Object.entries(raw)) put(key, value);
  else if (Array.isArray(list)) {
    for (const item of list) {
      if (!isRecord(item) || intrinsic(item)) opaque ??= intrinsic(item)?.[0] ?? 'not a tag';
      else put(item.Key ?? item.TagKey, item.Value ?? item.TagValue);
    }
  } else opaque = 'not a tag list';
  return opaque === undefined ? { values } : { values, opaque };
}

/**
 * The tags over every `Fn::If` branch: a key present in every branch takes
 * each branch's value (a `choice`); a key some branches lack is `unknown`,
 * with the values it has where present, since a missing tag is not a value.
 */
function everyBranch(branches: readonly ResourceTags[]): ResourceTags {
  const opaque = branches.find((b) => b.opaque !== undefined)?.opaque;
  const keys = [...new Set(branches.flatMap((b) => Object.keys(b.values)))];
  const values: Record<string, Resolved<string>> = {};
  for (const key of keys) {
    const found = branches.map((b) => (Object.hasOwn(b.values, key) ? b.values[key] : undefined));
    const options = [
      ...new Set(found.flatMap((v) => (v === undefined ? [] : v.kind === 'known' ? [v.value] : v.options))),
    ];
    const certain = found.every((v) => v !== undefined && v.kind !== 'unknown');
    const [only] = options;
    values[key] =
      certain && options.length === 1 && only !== undefined
        ? { kind: 'known', value: only }
        : { kind: certain ? 'choice' : 'unknown', via: 'Fn::If', options };
  }
  return opaque === undefined ? { values } : { values, opaque };
}
