/**
 * A quoted YAML scalar whose continuation lines are indented no deeper than
 * its key, as in
 *
 *     Value: 'Log in to the console, then select
 *     your instance'
 *
 * YAML 1.2 (and the `yaml` package) ends the scalar at the first line break,
 * but the YAML 1.1 parsers CloudFormation templates are written for
 * (PyYAML, on which cfn-lint reads templates, and its Java port SnakeYAML)
 * read one scalar across both lines; AWS's own sample templates rely on it.
 * Leading spaces of a continuation line are folded away, so indenting those
 * lines one column deeper than the key keeps the value and every line number.
 * When the first continuation lines are deeper than the key and only a later
 * one (often the closing `}'` of a JSON body) is not, the `yaml` package
 * reports the missing quote on the last line it read, not on the key's.
 */

/** At most this many lines of one scalar are re-indented. */
const MAX_LINES = 200;

/**
 * The text with the continuation lines of the quoted scalar opened on
 * `line` (1-based), or on the nearest line above it that holds the quote,
 * indented one column deeper than that line, or `undefined` when no such
 * scalar closes within {@link MAX_LINES} lines.
 *
 * @example
 * indentQuotedContinuation("a:\n  b: 'x\n  y'\n", 2, "'") // "a:\n  b: 'x\n   y'\n"
 */
export function indentQuotedContinuation(text: string, line: number, quote: "'" | '"'): string | undefined {
  const lines = text.split('\n');
  const open = openingLine(lines, line, quote);
  const opening = open === undefined ? undefined : lines[open - 1];
  if (open === undefined || opening === undefined) return undefined;
  const depth = indentOf(opening) + 1;
  const closes = quote === "'" ? /(^|[^'])'(?!')/ : /(^|[^\\])"/;
  for (let i = open; i < lines.length && i < open + MAX_LINES; i++) {
    const current = lines[i] ?? '';
    const indent = indentOf(current);
    if (current.trim() !== '' && indent < depth) lines[i] = ' '.repeat(depth - indent) + current;
    if (closes.test(current)) return lines.join('\n');
  }
  return undefined;
}

/** `line` if it holds the quote, else the nearest line above it that does (1-based). */
function openingLine(lines: readonly string[], line: number, quote: string): number | undefined {
  for (let i = line; i >= 1 && i > line - MAX_LINES; i--) if (lines[i - 1]?.includes(quote)) return i;
  return undefined;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}
