import type * as z from 'zod';

/**
 * How a validation issue is worded, apart from the YAML loader: the Lambda
 * bundles name bad input this way too, without carrying a YAML parser.
 */

/** Renders a zod issue path as `probes[2].url`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

/** One line per issue: `path: message`. */
export function formatIssues(issues: ReadonlyArray<z.core.$ZodIssue>): string[] {
  return issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.join(', ');
      return `${formatPath([...issue.path, ...(issue.keys.length === 1 ? issue.keys : [])])}: unknown key${issue.keys.length === 1 ? '' : `s ${keys}`} (not in the config schema)`;
    }
    return `${formatPath(issue.path)}: ${issue.message}`;
  });
}
