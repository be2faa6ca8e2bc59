import type { Resolved } from '../cost-policy/model.js';

/**
 * Resolving a template value before deploy, without guessing: a literal is
 * `known`; `Fn::If` (both branches), a parameter with `AllowedValues` and
 * `Fn::FindInMap` on a literal mapping list every value they can take; any
 * other intrinsic is `unknown`, with a parameter's `Default` as its only
 * candidate.
 */

/** The parts of a template that intrinsics read. */
export interface TemplateScope {
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly mappings: Readonly<Record<string, unknown>>;
}

/** More combinations than this are not enumerated: the value is reported unknown instead. */
const MAX_OPTIONS = 64;

/** A scope with no parameters and no mappings. */
export const EMPTY_SCOPE: TemplateScope = { parameters: {}, mappings: {} };

/** The template's `Parameters` and `Mappings`, tolerating their absence. */
export function templateScope(template: { readonly [key: string]: unknown }): TemplateScope {
  return { parameters: asRecord(template.Parameters), mappings: asRecord(template.Mappings) };
}

/**
 * Resolves one value.
 *
 * @example
 * resolveValue({ 'Fn::If': ['IsProd', 'db.r6g.xlarge', 'db.t4g.small'] }, scope)
 * // { kind: 'choice', via: 'Fn::If IsProd', options: ['db.r6g.xlarge', 'db.t4g.small'] }
 */
export function resolveValue(raw: unknown, scope: TemplateScope): Resolved<unknown> {
  const fn = intrinsic(raw);
  if (!fn) return { kind: 'known', value: raw ?? undefined };
  const [name, arg] = fn;
  switch (name) {
    case 'Ref':
      return resolveRef(arg, scope);
    case 'Fn::If':
      return resolveIf(arg, scope);
    case 'Fn::FindInMap':
      return resolveFindInMap(arg, scope);
    case 'Fn::Sub':
      return resolveSub(arg, scope);
    case 'Fn::Join':
      return resolveJoin(arg, scope);
    default:
      return unknown(name);
  }
}

/**
 * Resolves the value at a property path, through intrinsics at any level
 * (`LaunchTemplateData: !If [...]` and `InstanceType: !Ref T` alike).
 */
export function resolveAt(
  value: unknown,
  path: ReadonlyArray<string | number>,
  scope: TemplateScope,
): Resolved<unknown> {
  const here = resolveValue(value, scope);
  const [head, ...rest] = path;
  if (head === undefined) return here;
  return flatMapResolved(here, (option) => {
    if (option === undefined || option === null) return { kind: 'known', value: undefined };
    const child =
      typeof head === 'number'
        ? Array.isArray(option)
          ? option[head]
          : undefined
        : isRecord(option)
          ? option[head]
          : undefined;
    return resolveAt(child, rest, scope);
  });
}

/** Applies a resolution to every option, flattening the result. */
export function flatMapResolved<T, U>(value: Resolved<T>, f: (option: T) => Resolved<U>): Resolved<U> {
  if (value.kind === 'known') return f(value.value);
  const results = value.options.map(f);
  const options = dedupe(results.flatMap((r) => (r.kind === 'known' ? [r.value] : r.options)));
  const unknownInside = results.find((r) => r.kind === 'unknown');
  if (value.kind === 'unknown' || unknownInside)
    return { kind: 'unknown', via: value.kind === 'unknown' ? value.via : viaOf(unknownInside), options };
  return capped({ kind: 'choice', via: value.via, options });
}

/** Maps every option. */
export function mapResolved<T, U>(value: Resolved<T>, f: (option: T) => U): Resolved<U> {
  return flatMapResolved(value, (option) => ({ kind: 'known', value: f(option) }));
}

/** All of several values at once: the combinations of their options, when few enough. */
export function sequenceResolved<T>(values: readonly Resolved<T>[]): Resolved<T[]> {
  return values.reduce<Resolved<T[]>>(
    (acc, value) => flatMapResolved(acc, (list) => mapResolved(value, (item) => [...list, item])),
    { kind: 'known', value: [] },
  );
}

/** A number from a template value (`"30"` and `30` alike); anything else is `undefined`. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/** A string from a template value; numbers become strings, as CloudFormation does. */
export function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** `[name, argument]` when the value is a single intrinsic function call. */
export function intrinsic(value: unknown): [string, unknown] | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  const [only] = keys;
  if (keys.length !== 1 || only === undefined) return undefined;
  return only === 'Ref' || only === 'Condition' || only.startsWith('Fn::') ? [only, value[only]] : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function resolveRef(arg: unknown, scope: TemplateScope): Resolved<unknown> {
  if (arg === 'AWS::NoValue') return { kind: 'known', value: undefined };
  const name = typeof arg === 'string' ? arg : '?';
  const via = `Ref ${name}`;
  const parameter = Object.hasOwn(scope.parameters, name) ? scope.parameters[name] : undefined;
  if (!isRecord(parameter)) return unknown(via);
  const allowed = parameter.AllowedValues;
  if (Array.isArray(allowed) && allowed.length > 0 && allowed.every((v) => intrinsic(v) === undefined))
    return capped({ kind: 'choice', via, options: dedupe(allowed) });
  // A Default is one value the deployer may keep, not the value: never a guess.
  return { kind: 'unknown', via, options: parameter.Default === undefined ? [] : [parameter.Default] };
}

function resolveIf(arg: unknown, scope: TemplateScope): Resolved<unknown> {
  if (!Array.isArray(arg) || arg.length !== 3) return unknown('Fn::If');
  const [condition, whenTrue, whenFalse] = arg;
  const via = `Fn::If ${typeof condition === 'string' ? condition : '?'}`;
  return flatMapResolved({ kind: 'choice', via, options: [whenTrue, whenFalse] }, (branch) =>
    resolveValue(branch, scope),
  );
}

/** A key the mapping lacks, when the lookup has a `DefaultValue` to fall back on. */
const MISSING_KEY = Symbol('missing mapping key');

function resolveFindInMap(arg: unknown, scope: TemplateScope): Resolved<unknown> {
  if (!Array.isArray(arg) || arg.length < 3) return unknown('Fn::FindInMap');
  const [mapName, topKey, secondKey, options] = arg;
  const map =
    typeof mapName === 'string' && Object.hasOwn(scope.mappings, mapName)
      ? scope.mappings[mapName]
      : undefined;
  if (!isRecord(map)) return unknown('Fn::FindInMap');
  const via = `Fn::FindInMap ${String(mapName)}`;
  // AWS::LanguageExtensions: `{DefaultValue: x}` is the value when either key is missing.
  const hasDefault = isRecord(options) && Object.hasOwn(options, 'DefaultValue');
  const missing = (): Resolved<unknown> =>
    hasDefault ? resolveValue(options.DefaultValue, scope) : unknown(via);
  const keysOf = (raw: unknown, all: readonly string[]): Resolved<unknown> => {
    const key = resolveValue(raw, scope);
    // A key computed at deploy (Ref AWS::Region) can only be one of the map's keys: deploy fails
    // otherwise, unless a DefaultValue stands in for the missing one.
    return key.kind === 'unknown'
      ? { kind: 'choice', via, options: hasDefault ? [...all, MISSING_KEY] : all }
      : key;
  };
  const tops = keysOf(topKey, Object.keys(map));
  return flatMapResolved(tops, (top) => {
    const level = typeof top === 'string' && Object.hasOwn(map, top) ? map[top] : undefined;
    if (!isRecord(level)) return missing();
    return flatMapResolved(keysOf(secondKey, Object.keys(level)), (second) =>
      typeof second === 'string' && Object.hasOwn(level, second)
        ? resolveValue(level[second], scope)
        : missing(),
    );
  });
}

/**
 * `Fn::Sub` whose placeholders are all parameters with `AllowedValues` or
 * variables of its map that resolve (`[text, {Name: value}]`): one value
 * per combination. Any other placeholder (`${AWS::StackName}`,
 * `${Bucket.Arn}`) is known only at deploy.
 */
function resolveSub(arg: unknown, scope: TemplateScope): Resolved<unknown> {
  const [text, variables] = Array.isArray(arg) ? arg : [arg, {}];
  if (typeof text !== 'string' || !isRecord(variables) || (Array.isArray(arg) && arg.length !== 2))
    return unknown('Fn::Sub');
  const pattern = /\$\{([^!}][^}]*)\}/g;
  const names = [...new Set([...text.matchAll(pattern)].map((match) => (match[1] ?? '').trim()))];
  const values = names.map((name) =>
    Object.hasOwn(variables, name) ? resolveValue(variables[name], scope) : resolveRef(name, scope),
  );
  if (values.some((value) => value.kind === 'unknown')) return unknown('Fn::Sub');
  return mapResolved(sequenceResolved(values), (picked) =>
    text
      .replace(pattern, (_, name: string) => String(asString(picked[names.indexOf(name.trim())]) ?? ''))
      .replaceAll('${!', '${'),
  );
}

function resolveJoin(arg: unknown, scope: TemplateScope): Resolved<unknown> {
  if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string' || !Array.isArray(arg[1]))
    return unknown('Fn::Join');
  const [delimiter, parts] = arg as [string, unknown[]];
  const resolved = parts.map((part) => resolveValue(part, scope));
  if (resolved.every((r) => r.kind === 'known' && asString(r.value) !== undefined))
    return {
      kind: 'known',
      value: resolved.map((r) => asString((r as { value: unknown }).value)).join(delimiter),
    };
  return unknown('Fn::Join');
}

function unknown(via: string): Resolved<never> {
  return { kind: 'unknown', via, options: [] };
}

function viaOf(value: Resolved<unknown> | undefined): string {
  return value && value.kind !== 'known' ? value.via : 'an intrinsic';
}

function capped<T>(value: Resolved<T>): Resolved<T> {
  if (value.kind !== 'choice' || value.options.length <= MAX_OPTIONS) return value;
  return { kind: 'unknown', via: `${value.via} (more than ${MAX_OPTIONS} combinations)`, options: [] };
}

function dedupe<T>(values: readonly T[]): T[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = JSON.stringify(v) ?? 'undefined';
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
