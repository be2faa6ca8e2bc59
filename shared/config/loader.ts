import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { explainIssue } from './issue-explanations.js';
import { configSchema, type GuardrailsConfig } from './schema.js';

/** Renders a zod issue path as `probes[2].url`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

/**
 * One line per issue: `path: message`. Given the schema and the input that
 * failed it, the lines say what would be right (see {@link explainIssue}).
 */
export function formatIssues(
  issues: ReadonlyArray<z.core.$ZodIssue>,
  context?: { readonly schema: z.ZodType; readonly input: unknown },
): string[] {
  if (context) return issues.flatMap((issue) => explainIssue(issue, context, formatPath));
  return issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.join(', ');
      return `${formatPath([...issue.path, ...(issue.keys.length === 1 ? issue.keys : [])])}: unknown key${issue.keys.length === 1 ? '' : `s ${keys}`} (not in the config schema)`;
    }
    return `${formatPath(issue.path)}: ${issue.message}`;
  });
}

/**
 * Parses and validates config text. Throws a {@link ConfigError} whose
 * message names the file and every bad path, one per line.
 *
 * @example
 * const config = parseConfig(readFileSync(file, 'utf8'), file);
 */
export function parseConfig(text: string, file = 'guardrails.config.yaml'): GuardrailsConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0];
    const where = line ? `${file}:${line.line}:${line.col}` : file;
    throw new ConfigError(
      where,
      `YAML syntax error: ${yamlError.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = formatIssues(result.error.issues, { schema: configSchema, input: raw });
    throw new ConfigError(file, lines.join(`\n${file}: `), { cause: result.error });
  }
  return result.data;
}

/** Reads and validates a config file. A missing file is a {@link ConfigError} too. */
export function loadConfig(file: string): GuardrailsConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'cannot be read';
    throw new ConfigError(file, reason, { cause: error });
  }
  return parseConfig(text, file);
}
