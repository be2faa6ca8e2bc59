import { intrinsic, isRecord, resolveValue, type TemplateScope } from './resolve.js';

/** Intrinsics whose value a template alone can fix: no deploy-time input once their arguments are literal. */
const STATIC_FUNCTIONS = new Set(['Fn::FindInMap', 'Fn::Sub', 'Fn::Join']);

/**
 * The value with every `Fn::FindInMap` on a literal mapping, `Fn::Sub`
 * without placeholders and `Fn::Join` of literals replaced by the scalar
 * it comes to, at any depth (also when every value a deploy-time key can
 * pick is the same); anything else computed at deploy is left as written. Run after parameters with `AllowedValues` are substituted, so
 * `!FindInMap [Owners, !Ref Env, Name]` is read for each allowed `Env`.
 *
 * @example
 * literalValues({ Key: 'owner', Value: { 'Fn::FindInMap': ['Owners', 'dev', 'Name'] } }, scope)
 * // { Key: 'owner', Value: 'team-a' }
 */
export function literalValues(value: unknown, scope: TemplateScope): unknown {
  const fn = intrinsic(value);
  if (fn && STATIC_FUNCTIONS.has(fn[0])) {
    const resolved = resolveValue(value, scope);
    // A choice whose options all agree (a lookup by region where every region maps alike) is known.
    const scalar =
      resolved.kind === 'known'
        ? resolved.value
        : resolved.kind === 'choice' && resolved.options.length === 1
          ? resolved.options[0]
          : undefined;
    if (typeof scalar === 'string' || typeof scalar === 'number' || typeof scalar === 'boolean')
      return scalar;
  }
  if (Array.isArray(value)) return value.map((item) => literalValues(item, scope));
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, literalValues(item, scope)]));
  return value;
}
