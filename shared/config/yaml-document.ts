import { type Document, isAlias, type LineCounter, visit } from 'yaml';
import { InputError } from '../core/errors.js';

/** Nodes aliases may expand to: a few shared blocks, never an alias bomb ("billion laughs"). */
export const MAX_YAML_ALIAS_COUNT = 100;

export interface YamlToJsOptions {
  /** The file name errors start with. */
  readonly file: string;
  /** The counter the document was parsed with, to name the line of the first alias. */
  readonly lineCounter?: LineCounter;
  /** Builds the error to throw (a ConfigError for the config); default an InputError. */
  readonly error?: (where: string, message: string, cause: unknown) => InputError;
}

/**
 * A parsed YAML document as plain data. Aliases expanding past
 * {@link MAX_YAML_ALIAS_COUNT} nodes are refused with an error naming the file
 * and the first alias's line, instead of the `yaml` package's bare
 * ReferenceError (which named no file, and crashed the command).
 *
 * @example
 * const doc = parseDocument(text, { lineCounter }); yamlToJs(doc, { file, lineCounter });
 */
export function yamlToJs(doc: Document, options: YamlToJsOptions): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT }) ?? {};
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    let first: number | undefined;
    visit(doc, {
      Alias: (_key, node) => {
        first ??= node.range?.[0];
        return isAlias(node) ? visit.BREAK : undefined;
      },
    });
    const at = first === undefined ? undefined : options.lineCounter?.linePos(first);
    const where = at ? `${options.file}:${at.line}:${at.col}` : options.file;
    const message = `YAML aliases expand to more than ${MAX_YAML_ALIAS_COUNT} nodes (an alias bomb?): ${error.message}`;
    throw options.error
      ? options.error(where, message, error)
      : new InputError(where, message, { cause: error });
  }
}
