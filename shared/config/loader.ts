import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../core/errors.js';
import { explainIssue } from './issue-explanations.js';
import { formatPath } from './issue-format.js';
import { configSchema, type GuardrailsConfig } from './schema.js';
import { yamlToJs } from './yaml-document.js';

// Re-exported: the Lambda bundles import them from issue-format.ts, which needs no YAML parser.
export { formatIssues, formatPath } from './issue-format.js';

/**
 * Parses and validates config text. Throws a {@link ConfigError} whose
 * message names the file and every bad path, one per line.
 *
 * @example
 * const config = parseConfig(readFileSync(file, 'utf8'), file);
 */
export function parseConfig(text: string, file = 'guardrails.config.yaml'): GuardrailsConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, lineCounter });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0];
    const where = line ? `${file}:${line.line}:${line.col}` : file;
    throw new ConfigError(
      where,
      `YAML syntax error: ${yamlError.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  const raw: unknown = yamlToJs(doc, {
    file,
    lineCounter,
    error: (where, message, cause) => new ConfigError(where, message, { cause }),
  });
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    // Each issue with what would be right (the nearest key, the range, the schemes).
    const lines = result.error.issues.flatMap((issue) =>
      explainIssue(issue, { schema: configSchema, input: raw }, formatPath),
    );
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
