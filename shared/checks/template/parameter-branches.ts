import { intrinsic, isRecord } from './resolve.js';

/** More combinations than this are not enumerated: the value is left as written. */
const MAX_BRANCHES = 64;

/**
 * Every value a template value can take through `Ref`s to parameters with
 * `AllowedValues`: CloudFormation refuses any other value at deploy, so
 * what holds for each allowed value holds for every deploy. A parameter
 * named twice takes the same value in both places. `undefined` when the
 * value refers to no such parameter, or has more than {@link MAX_BRANCHES}
 * combinations; `via` names the parameters, for reports.
 *
 * @example
 * parameterBranches({ Key: 'environment', Value: { Ref: 'Env' } }, { Env: { AllowedValues: ['prod', 'qa'] } })
 * // { via: 'Ref Env', branches: [{ Key: 'environment', Value: 'prod' }, { Key: 'environment', Value: 'qa' }] }
 */
export function parameterBranches(
  value: unknown,
  parameters: Readonly<Record<string, unknown>>,
): { readonly via: string; readonly branches: unknown[] } | undefined {
  const names = [...new Set(choiceRefs(value, parameters))];
  if (names.length === 0) return undefined;
  let picks: Array<Record<string, unknown>> = [{}];
  for (const name of names) {
    picks = picks.flatMap((pick) => allowedValues(parameters[name]).map((v) => ({ ...pick, [name]: v })));
    if (picks.length > MAX_BRANCHES) return undefined;
  }
  return {
    via: names.map((name) => `Ref ${name}`).join(', '),
    branches: picks.map((pick) => substitute(value, pick)),
  };
}

/** The parameters with scalar `AllowedValues` that the value refers to, in order. */
function choiceRefs(value: unknown, parameters: Readonly<Record<string, unknown>>): string[] {
  const fn = intrinsic(value);
  if (fn?.[0] === 'Ref' && typeof fn[1] === 'string')
    return Object.hasOwn(parameters, fn[1]) && allowedValues(parameters[fn[1]]).length > 0 ? [fn[1]] : [];
  if (Array.isArray(value)) return value.flatMap((item) => choiceRefs(item, parameters));
  if (isRecord(value)) return Object.values(value).flatMap((item) => choiceRefs(item, parameters));
  return [];
}

/** A parameter's `AllowedValues` as CloudFormation passes them: strings (numbers written as such). */
function allowedValues(parameter: unknown): string[] {
  if (!isRecord(parameter) || !Array.isArray(parameter.AllowedValues)) return [];
  const values = parameter.AllowedValues;
  return values.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    ? values.map(String)
    : [];
}

function substitute(value: unknown, pick: Readonly<Record<string, unknown>>): unknown {
  const fn = intrinsic(value);
  if (fn?.[0] === 'Ref' && typeof fn[1] === 'string' && Object.hasOwn(pick, fn[1])) return pick[fn[1]];
  if (Array.isArray(value)) return value.map((item) => substitute(item, pick));
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, pick)]));
  return value;
}
