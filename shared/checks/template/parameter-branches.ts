import { intrinsic, isRecord } from './resolve.js';

/** More combinations than this are not enumerated: the value is left as written. */
const MAX_BRANCHES = 64;

/**
 * Every value a template value can take through `Ref`s to parameters with
 * `AllowedValues`: CloudFormation refuses any other value at deploy, so
 * what holds for each allowed value holds for every deploy. A parameter
 * named twice takes the same value in both places; `${Name}` in an
 * `Fn::Sub` string names it as `Ref` does. `undefined` when the
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
  const isChoice = (name: string) =>
    Object.hasOwn(parameters, name) && allowedValues(parameters[name]).length > 0;
  if (fn?.[0] === 'Ref' && typeof fn[1] === 'string') return isChoice(fn[1]) ? [fn[1]] : [];
  if (fn?.[0] === 'Fn::Sub') {
    const sub = subParts(fn[1]);
    if (sub === undefined) return [];
    const names = placeholders(sub.text).filter(
      (name) => !Object.hasOwn(sub.variables, name) && isChoice(name),
    );
    return [...names, ...choiceRefs(Object.values(sub.variables), parameters)];
  }
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

/** An `Fn::Sub` argument: the string alone, or `[string, {variables}]`. */
function subParts(arg: unknown): { text: string; variables: Record<string, unknown> } | undefined {
  if (typeof arg === 'string') return { text: arg, variables: {} };
  if (Array.isArray(arg) && typeof arg[0] === 'string' && (arg.length === 1 || isRecord(arg[1])))
    return { text: arg[0], variables: isRecord(arg[1]) ? arg[1] : {} };
  return undefined;
}

/** The names in `${Name}` placeholders; `${!Literal}` is text, not a placeholder. */
function placeholders(text: string): string[] {
  return [...text.matchAll(/\$\{([^!}][^}]*)\}/g)].map((match) => (match[1] ?? '').trim());
}

function substitute(value: unknown, pick: Readonly<Record<string, unknown>>): unknown {
  const fn = intrinsic(value);
  if (fn?.[0] === 'Ref' && typeof fn[1] === 'string' && Object.hasOwn(pick, fn[1])) return pick[fn[1]];
  if (fn?.[0] === 'Fn::Sub') {
    const sub = subParts(fn[1]);
    if (sub === undefined) return value;
    const text = sub.text.replace(/\$\{([^!}][^}]*)\}/g, (whole, name: string) =>
      Object.hasOwn(pick, name.trim()) && !Object.hasOwn(sub.variables, name.trim())
        ? String(pick[name.trim()])
        : whole,
    );
    const variables = substitute(sub.variables, pick);
    return { 'Fn::Sub': Object.keys(sub.variables).length > 0 ? [text, variables] : text };
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, pick));
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, pick)]));
  return value;
}
