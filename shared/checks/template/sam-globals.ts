import { intrinsic, isRecord } from './resolve.js';

const SERVERLESS_PREFIX = 'AWS::Serverless::';

/**
 * The Globals sections that accept `Tags` (globals.py `supported_properties`).
 * SAM refuses any other section's `Tags`, so the gate never lets one tag a
 * resource: an `Api` with `Tags` only in Globals is judged untagged.
 */
const SECTIONS_WITH_TAGS = new Set(['Function', 'HttpApi']);

/**
 * Applies a SAM template's `Globals` to its `AWS::Serverless::*` resources,
 * as the SAM translator does (samtranslator/plugins/globals/globals.py):
 * maps merge recursively with the resource's entry winning, lists are
 * concatenated (globals first), anything else (and any intrinsic) is
 * replaced by the resource's value. `IgnoreGlobals: '*'` or a list of
 * property names opts a resource out. `Globals.Function.Tags` and
 * `Globals.HttpApi.Tags` are the Globals that carry tags.
 */
export function applySamGlobals(
  resources: Readonly<Record<string, unknown>>,
  globals: unknown,
): Record<string, unknown> {
  if (!isRecord(globals)) return { ...resources };
  return Object.fromEntries(
    Object.entries(resources).map(([id, resource]) => {
      if (
        !isRecord(resource) ||
        typeof resource.Type !== 'string' ||
        !resource.Type.startsWith(SERVERLESS_PREFIX)
      )
        return [id, resource];
      const name = resource.Type.slice(SERVERLESS_PREFIX.length);
      const declared = globals[name];
      if (!isRecord(declared)) return [id, resource];
      const section = SECTIONS_WITH_TAGS.has(name)
        ? declared
        : Object.fromEntries(Object.entries(declared).filter(([key]) => key !== 'Tags'));
      const ignored = resource.IgnoreGlobals;
      if (ignored === '*') return [id, resource];
      const applied = Array.isArray(ignored)
        ? Object.fromEntries(Object.entries(section).filter(([key]) => !ignored.includes(key)))
        : section;
      const properties = isRecord(resource.Properties) ? resource.Properties : {};
      return [id, { ...resource, Properties: mergeGlobal(applied, properties) }];
    }),
  );
}

function mergeGlobal(global: unknown, local: unknown): unknown {
  const g = kind(global);
  if (g !== kind(local) || g === 'primitive') return local;
  if (g === 'list') return [...(global as unknown[]), ...(local as unknown[])];
  const merged: Record<string, unknown> = { ...(global as Record<string, unknown>) };
  for (const [key, value] of Object.entries(local as Record<string, unknown>))
    merged[key] = Object.hasOwn(merged, key) ? mergeGlobal(merged[key], value) : value;
  return merged;
}

function kind(value: unknown): 'map' | 'list' | 'primitive' {
  if (Array.isArray(value)) return 'list';
  return isRecord(value) && !intrinsic(value) ? 'map' : 'primitive';
}
