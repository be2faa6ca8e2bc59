import { InputError } from '../../core/errors.js';

/**
 * A deliberately small JSON path: `$`, `.name`, `[0]`, `['any key']` / `["any key"]`.
 * No wildcards, filters or recursion: a probe asserts on one value, and a tiny
 * grammar is one we can test exhaustively.
 */
export type JsonPathSegment =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number };

export type JsonPathLookup = { readonly found: true; readonly value: unknown } | { readonly found: false };

const dotKey = /^[A-Za-z0-9_$-]+/;
const bracketIndex = /^\[(\d+)\]/;

/**
 * Parses a path such as `$.items[0]['display name']` into segments.
 * @throws InputError naming the path and the offset of the first bad character.
 */
export function parseJsonPath(path: string): JsonPathSegment[] {
  if (!path.startsWith('$')) throw new InputError(path, 'JSON path must start with "$"');
  const segments: JsonPathSegment[] = [];
  let offset = 1;
  while (offset < path.length) {
    const rest = path.slice(offset);
    if (rest.startsWith('.')) {
      const match = dotKey.exec(rest.slice(1));
      if (!match) throw new InputError(path, `expected a key after "." at offset ${offset}`);
      segments.push({ kind: 'key', key: match[0] });
      offset += 1 + match[0].length;
      continue;
    }
    const index = bracketIndex.exec(rest);
    if (index) {
      segments.push({ kind: 'index', index: Number(index[1]) });
      offset += index[0].length;
      continue;
    }
    const quote = rest.startsWith("['") ? "'" : rest.startsWith('["') ? '"' : undefined;
    if (quote === undefined) throw new InputError(path, `unexpected character at offset ${offset}`);
    const quoted = readQuotedKey(path, offset + 2, quote);
    segments.push({ kind: 'key', key: quoted.key });
    offset = quoted.end;
  }
  return segments;
}

/** Reads a quoted key starting after the opening quote; `\` escapes the next character. */
function readQuotedKey(path: string, start: number, quote: string): { key: string; end: number } {
  let key = '';
  for (let offset = start; offset < path.length; offset += 1) {
    const char = path.charAt(offset);
    if (char === '\\' && offset + 1 < path.length) {
      key += path.charAt(offset + 1);
      offset += 1;
    } else if (char === quote) {
      if (path.charAt(offset + 1) !== ']') break;
      return { key, end: offset + 2 };
    } else {
      key += char;
    }
  }
  throw new InputError(path, `unterminated or malformed quoted key at offset ${start - 2}`);
}

/** Formats segments back into the canonical path text (the inverse of {@link parseJsonPath}). */
export function formatJsonPath(segments: readonly JsonPathSegment[]): string {
  return segments.reduce((path, segment) => {
    if (segment.kind === 'index') return `${path}[${segment.index}]`;
    const whole = dotKey.exec(segment.key);
    if (whole && whole[0] === segment.key) return `${path}.${segment.key}`;
    return `${path}['${segment.key.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}']`;
  }, '$');
}

/**
 * Looks a path up in a parsed JSON document. Only own properties are followed,
 * so `$.constructor` on an object is "not found" rather than a prototype leak.
 * @example evaluateJsonPath({ a: [{ b: 1 }] }, '$.a[0].b') // { found: true, value: 1 }
 */
export function evaluateJsonPath(
  document: unknown,
  path: string | readonly JsonPathSegment[],
): JsonPathLookup {
  const segments = typeof path === 'string' ? parseJsonPath(path) : path;
  let current: unknown = document;
  for (const segment of segments) {
    if (segment.kind === 'index') {
      if (!Array.isArray(current) || segment.index >= current.length) return { found: false };
      current = current[segment.index];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) return { found: false };
      if (!Object.hasOwn(current, segment.key)) return { found: false };
      current = (current as Record<string, unknown>)[segment.key];
    }
  }
  return { found: true, value: current };
}
