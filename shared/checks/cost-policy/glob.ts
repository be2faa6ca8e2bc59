/**
 * Glob matching for instance types, logical ids and ARNs in `costPolicy`:
 * `*` matches any run of characters (also none), `?` exactly one; every
 * other character matches itself, case-sensitively.
 *
 * Config patterns never reach a regular-expression engine. The matcher
 * remembers only the last `*` it passed, so a mismatch costs at most one
 * step back per name character: at most |pattern| × |name| comparisons,
 * never the exponential backtracking of a regex such as `(a*)*b`.
 *
 * @example
 * globMatch('db.r6g.*', 'db.r6g.16xlarge') // true
 * globMatch('t?.micro', 't3.micro') // true
 */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starAt = -1; // pattern index just after the last `*`
  let starName = 0; // name index that `*` has absorbed up to
  while (n < name.length) {
    const c = pattern[p];
    if (c === '*') {
      starAt = ++p;
      starName = n;
    } else if (c !== undefined && (c === '?' || c === name[n])) {
      p++;
      n++;
    } else if (starAt >= 0) {
      // Let the last `*` absorb one more character and retry from there.
      p = starAt;
      n = ++starName;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** True when any of the patterns matches the name. */
export function anyGlobMatch(patterns: readonly string[], name: string): boolean {
  return patterns.some((pattern) => globMatch(pattern, name));
}
