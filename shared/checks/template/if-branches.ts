import { intrinsic, isRecord } from './resolve.js';

/** More combinations than this are not enumerated: the value is left as written. */
const MAX_BRANCHES = 64;

const NO_VALUE = 'AWS::NoValue';

/**
 * Every value a template value can take through `Fn::If`, at any depth:
 * each condition's two branches, a `Ref AWS::NoValue` branch removing the
 * list item or property it stands for (`undefined` for the whole value).
 * Conditions are taken as independent, so the combinations may include
 * some that cannot happen together: what holds in every combination holds
 * in every deploy, never the other way round. `undefined` when the value
 * has no `Fn::If`, or more than {@link MAX_BRANCHES} combinations.
 *
 * @example
 * ifBranches([{ 'Fn::If': ['Shared', { Key: 'owner', Value: 'a' }, { Ref: 'AWS::NoValue' }] }])
 * // [[{ Key: 'owner', Value: 'a' }], []]
 */
export function ifBranches(value: unknown): unknown[] | undefined {
  if (!hasIf(value)) return undefined;
  try {
    return expand(value).map((v) => (v === REMOVED ? undefined : v));
  } catch (error) {
    if (error === TOO_MANY) return undefined;
    throw error;
  }
}

const REMOVED = Symbol('AWS::NoValue');
const TOO_MANY = Symbol('too many combinations');

function expand(value: unknown): unknown[] {
  const fn = intrinsic(value);
  if (fn?.[0] === 'Ref' && fn[1] === NO_VALUE) return [REMOVED];
  if (fn?.[0] === 'Fn::If' && Array.isArray(fn[1]) && fn[1].length === 3)
    return limit([...expand(fn[1][1]), ...expand(fn[1][2])]);
  if (fn || !hasIf(value)) return [value];
  if (Array.isArray(value))
    return combinations(value.map(expand)).map((items) => items.filter((item) => item !== REMOVED));
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  return combinations(keys.map((key) => expand(record[key]))).map((values) =>
    Object.fromEntries(keys.flatMap((key, i) => (values[i] === REMOVED ? [] : [[key, values[i]]]))),
  );
}

/** Every way of picking one option of each list. */
function combinations(lists: readonly unknown[][]): unknown[][] {
  return lists.reduce<unknown[][]>(
    (acc, options) => limit(acc.flatMap((picked) => options.map((option) => [...picked, option]))),
    [[]],
  );
}

function limit<T>(list: T[]): T[] {
  if (list.length > MAX_BRANCHES) throw TOO_MANY;
  return list;
}

/** True when an `Fn::If` appears anywhere in the value. */
function hasIf(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasIf);
  if (!isRecord(value)) return false;
  return Object.entries(value).some(([key, v]) => key === 'Fn::If' || hasIf(v));
}
