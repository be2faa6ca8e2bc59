import { intrinsic, isRecord } from './resolve.js';

/** A `Fn::ForEach` loop that could not be expanded before deploy, with the reason. */
export interface UnexpandedLoop {
  /** `Fn::ForEach::Topics`, or `Resources.Queue.Properties.Fn::ForEach::Tags` inside a resource. */
  readonly loop: string;
  readonly reason: string;
}

/** The Resources section with every expandable `Fn::ForEach` expanded. */
export interface ExpandedResources {
  readonly resources: Record<string, unknown>;
  readonly unexpanded: readonly UnexpandedLoop[];
  /** A generated logical id → the loop key that generated it (for line numbers). */
  readonly generatedBy: ReadonlyMap<string, string>;
}

/** A template may generate at most this many keys through loops; CloudFormation allows 500 resources. */
const MAX_GENERATED = 5000;
const LOOP_PREFIX = 'Fn::ForEach::';

/**
 * Expands `Fn::ForEach` (the `AWS::LanguageExtensions` transform) in the
 * Resources section, at the top level and inside resource properties, as
 * CloudFormation does: each value of the collection replaces `${Identifier}`
 * and `&{Identifier}` (non-alphanumeric characters removed) in the output
 * keys and values, and `{Ref: Identifier}`. A collection given as a `Ref`
 * to a `CommaDelimitedList` parameter is known only at deploy: the loop is
 * reported unexpanded with that reason, never guessed from its default.
 *
 * @example
 * expandForEach({ 'Fn::ForEach::Q': ['Name', ['A', 'B'], { 'Queue${Name}': { Type: 'AWS::SQS::Queue' } }] })
 * // resources: { QueueA: {…}, QueueB: {…} }
 */
export function expandForEach(resources: Readonly<Record<string, unknown>>): ExpandedResources {
  const unexpanded: UnexpandedLoop[] = [];
  const generatedBy = new Map<string, string>();
  let budget = MAX_GENERATED;

  const expandObject = (
    object: Readonly<Record<string, unknown>>,
    path: string,
    top: boolean,
  ): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(object)) {
      if (!key.startsWith(LOOP_PREFIX)) {
        out[key] = expandValue(value, `${path}.${key}`);
        continue;
      }
      const where = top ? key : `${path}.${key}`;
      const problem = loopProblem(value);
      if (problem) {
        unexpanded.push({ loop: where, reason: problem });
        continue;
      }
      const [identifier, collection, fragment] = value as [string, string[], Record<string, unknown>];
      for (const item of collection) {
        if (--budget < 0) {
          unexpanded.push({ loop: where, reason: `generates more than ${MAX_GENERATED} keys` });
          return out;
        }
        const generated = expandObject(
          substitute(fragment, identifier, item) as Record<string, unknown>,
          path,
          top,
        );
        for (const [k, v] of Object.entries(generated)) {
          out[k] = v;
          if (top && !generatedBy.has(k)) generatedBy.set(k, key);
        }
      }
    }
    return out;
  };
  const expandValue = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) return value.map((v, i) => expandValue(v, `${path}[${i}]`));
    return isRecord(value) ? expandObject(value, path, false) : value;
  };

  return { resources: expandObject(resources, 'Resources', true), unexpanded, generatedBy };
}

/** Why a loop cannot be expanded here, or `undefined` when it can. */
function loopProblem(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length !== 3 || typeof value[0] !== 'string' || !isRecord(value[2]))
    return 'not [Identifier, Collection, {OutputKey: OutputValue}]';
  const collection = value[1];
  const fn = intrinsic(collection);
  if (fn) {
    const what = fn[0] === 'Ref' ? `Ref ${String(fn[1])}` : fn[0];
    return `its collection (${what}) is known only at deploy`;
  }
  if (!Array.isArray(collection) || !collection.every((v) => typeof v === 'string'))
    return 'its collection is not a list of strings';
  return undefined;
}

/** Replaces the loop identifier in keys, strings and `Ref`s of a fragment. */
function substitute(value: unknown, identifier: string, item: string): unknown {
  if (typeof value === 'string') return replaceIn(value, identifier, item);
  if (Array.isArray(value)) return value.map((v) => substitute(v, identifier, item));
  if (!isRecord(value)) return value;
  const fn = intrinsic(value);
  if (fn?.[0] === 'Ref' && fn[1] === identifier) return item;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [replaceIn(k, identifier, item), substitute(v, identifier, item)]),
  );
}

function replaceIn(text: string, identifier: string, item: string): string {
  return text
    .replaceAll(`\${${identifier}}`, item)
    .replaceAll(`&{${identifier}}`, item.replace(/[^A-Za-z0-9]/g, ''));
}
