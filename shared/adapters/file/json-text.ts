import { InputError } from '../../core/errors.js';

/**
 * Parses a JSON file's text (a leading BOM is dropped). A syntax error is an
 * {@link InputError} located at `name:line:column`, so a truncated or hand-
 * edited file is named down to where it breaks.
 *
 * @example
 * parseJsonText('{"Accounts": [', 'accounts.json'); // throws "accounts.json:1:15: invalid JSON: Unexpected end of JSON input"
 */
export function parseJsonText(text: string, name: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(body);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    const offset = jsonErrorOffset(body, message);
    const where = offset === undefined ? name : `${name}:${lineColumn(body, offset)}`;
    // V8 quotes the text around an unexpected token; the location says it better, and shorter.
    const reason = message
      .replace(/, ".*" is not valid JSON$/s, '')
      .replace(/( in JSON)? at position \d+.*$/s, '');
    throw new InputError(where, `invalid JSON: ${reason}`, { cause });
  }
}

/** Where JSON.parse stopped in `text`: from V8's message, or found by parsing prefixes when it gives none. */
export function jsonErrorOffset(text: string, message: string): number | undefined {
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return Number(position);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  if (!/Unexpected token/.test(message)) return undefined;
  // The shortest prefix that is wrong (not merely incomplete) ends just after the bad token.
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (prefixIsWrong(text, mid)) high = mid;
    else low = mid + 1;
  }
  return Math.max(0, low - 1);
}

function prefixIsWrong(text: string, length: number): boolean {
  try {
    JSON.parse(text.slice(0, length));
    return false;
  } catch (error) {
    const message = (error as Error).message;
    if (/Unexpected end of JSON input/.test(message)) return false;
    const at = /at position (\d+)/.exec(message)?.[1];
    // An error at the very end of the prefix means the prefix is only cut short.
    return at === undefined || Number(at) < length;
  }
}

/** `line:column` (1-based) of an offset in `text`. */
export function lineColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return `${line}:${offset - lineStart + 1}`;
}
