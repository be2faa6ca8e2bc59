import type { z } from 'zod';

/**
 * Config errors that say what to do. zod reports `Too big: expected number
 * to be <=1` for `coverageObjective: 95` and `Unrecognized key` for a typo;
 * these read the schema at the issue's path to say instead "a share between
 * 0 and 1, such as 0.95" and "did you mean coverageObjective?".
 */

/** What walking a zod v4 schema needs of its internal definition. */
interface SchemaDef {
  readonly type: string;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly element?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly valueType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly checks?: ReadonlyArray<{ readonly _zod: { readonly def: CheckDef } }>;
}

interface CheckDef {
  readonly check: string;
  readonly value?: number;
  readonly inclusive?: boolean;
  readonly format?: string;
}

const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** Wrappers that hold one schema: optional, default, nullable, readonly, catch, prefault. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (
    let def = defOf(current);
    def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    def = defOf(current)
  )
    current = (def.innerType ?? def.in) as z.ZodType;
  return current;
}

/** The schemas a value at `path` may be checked against (a union gives several). */
export function schemasAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): z.ZodType[] {
  let current = [unwrap(schema)];
  for (const part of path) {
    const next: z.ZodType[] = [];
    for (const s of current.flatMap((c) =>
      defOf(c).type === 'union' ? (defOf(c).options ?? []).map(unwrap) : [c],
    )) {
      const def = defOf(s);
      const child =
        def.type === 'object'
          ? def.shape?.[String(part)]
          : def.type === 'array'
            ? def.element
            : def.type === 'record'
              ? def.valueType
              : undefined;
      if (child) next.push(unwrap(child));
    }
    current = next;
  }
  return current.flatMap((c) => (defOf(c).type === 'union' ? (defOf(c).options ?? []).map(unwrap) : [c]));
}

/** The keys an object at `path` may have. */
export function keysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  return schemasAt(schema, path).flatMap((s) => Object.keys(defOf(s).shape ?? {}));
}

/** Edit distance with transpositions (optimal string alignment), case-insensitive. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d = Array.from({ length: s.length + 1 }, (_, i) => [i, ...Array<number>(t.length).fill(0)]);
  for (let j = 1; j <= t.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[s.length] as number[])[t.length] as number;
}

/**
 * The candidate a misspelt key most likely meant: the closest by edit
 * distance, within a third of its length (at least 2), or one it begins.
 *
 * @example
 * nearestKey('toolingRegon', ['toolingRegion', 'observer']); // 'toolingRegion'
 * nearestKey('minImpact', ['minImpactUsd', 'zThreshold']); // 'minImpactUsd'
 */
export function nearestKey(key: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; score: number } | undefined;
  for (const name of candidates) {
    const isPrefix = name.toLowerCase().startsWith(key.toLowerCase()) && key.length >= 3;
    const score = isPrefix ? 1 : distance(key, name);
    if (score <= Math.max(2, Math.ceil(key.length / 3)) && (!best || score < best.score))
      best = { name, score };
  }
  return best?.name;
}

interface NumberRange {
  readonly min?: { readonly value: number; readonly inclusive: boolean };
  readonly max?: { readonly value: number; readonly inclusive: boolean };
  readonly integer: boolean;
}

function rangeOf(schema: z.ZodType): NumberRange | undefined {
  const def = defOf(schema);
  if (def.type !== 'number') return undefined;
  let range: NumberRange = { integer: false };
  for (const { _zod } of def.checks ?? []) {
    const c = _zod.def;
    const bound = { value: c.value ?? 0, inclusive: c.inclusive ?? true };
    if (c.check === 'greater_than') range = { ...range, min: bound };
    else if (c.check === 'less_than') range = { ...range, max: bound };
    else if (c.check === 'number_format' && /int/.test(c.format ?? '')) range = { ...range, integer: true };
  }
  return range;
}

/**
 * `a share between 0 and 1, such as 0.95`, `a whole number between 21 and
 * 395`, `a number of 0 or more`, with the value given.
 */
function describeRange(range: NumberRange, value: unknown): string {
  const { min, max } = range;
  const got = ` (got ${JSON.stringify(value)})`;
  if (min?.value === 0 && max?.value === 1 && !range.integer) {
    const strictly = min.inclusive && max.inclusive ? '' : 'strictly ';
    const share = `must be a share ${strictly}between 0 and 1, such as ${max.inclusive ? '0.95' : '0.99'}`;
    return typeof value === 'number' && value > 1 && value <= 100
      ? `${share}: ${value} looks like a percentage, so write ${Number((value / 100).toFixed(4))}`
      : share + got;
  }
  const low = (b: { value: number; inclusive: boolean }) =>
    b.inclusive ? `${b.value} or more` : `above ${b.value}`;
  const high = (b: { value: number; inclusive: boolean }) =>
    b.inclusive ? `${b.value} or less` : `below ${b.value}`;
  const text =
    min && max
      ? min.inclusive && max.inclusive
        ? `between ${min.value} and ${max.value}`
        : `${low(min)} and ${high(max)}`
      : min
        ? `of ${low(min)}`
        : max
          ? `of ${high(max)}`
          : '';
  return `must be ${range.integer ? 'a whole number' : 'a number'} ${text}`.trimEnd() + got;
}

const valueAt = (input: unknown, path: ReadonlyArray<PropertyKey>): unknown =>
  path.reduce<unknown>(
    (node, part) =>
      node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[part] : undefined,
    input,
  );

/** What a URL field accepts; the config's URLs (probes) are http or https. */
function describeUrl(value: unknown): string {
  const scheme = typeof value === 'string' ? /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1] : undefined;
  const why =
    scheme && !/^https?$/i.test(scheme)
      ? `${scheme}: is not a scheme a probe can use`
      : `got ${JSON.stringify(value)}`;
  return `must be an http:// or https:// URL with a host, such as https://api.example.com/health (${why})`;
}

/**
 * One issue as `path: what is wrong, and what would be right`. `schema` and
 * `input` are what was validated; an issue they do not explain keeps zod's
 * message.
 */
export function explainIssue(
  issue: z.core.$ZodIssue,
  context: { readonly schema: z.ZodType; readonly input: unknown },
  formatPath: (path: ReadonlyArray<PropertyKey>) => string,
): string[] {
  if (issue.code === 'unrecognized_keys') {
    const known = keysAt(context.schema, issue.path);
    return issue.keys.map((key) => {
      const near = nearestKey(key, known);
      const advice = near
        ? `; did you mean ${near}?`
        : known.length
          ? ` (keys here: ${known.join(', ')})`
          : ' (not in the config schema)';
      return `${formatPath([...issue.path, key])}: unknown key${advice}`;
    });
  }
  const where = formatPath(issue.path);
  const value = valueAt(context.input, issue.path);
  if ((issue.code === 'too_big' || issue.code === 'too_small') && issue.origin === 'number') {
    const range = schemasAt(context.schema, issue.path).map(rangeOf).find(Boolean);
    if (range) return [`${where}: ${describeRange(range, value)}`];
  }
  if (issue.code === 'invalid_format' && issue.format === 'url') return [`${where}: ${describeUrl(value)}`];
  return [`${where}: ${issue.message}`];
}
