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
 */

/** At most this many lines of one scalar are re-indented. */
const MAX_LINES = 200;

/**
 * The text with the continuation lines of the quoted scalar opened on
 * `line` (1-based) indented one column deeper than that line, or
 * `undefined` when no such scalar closes within {@link MAX_LINES} lines.
 *
 * @example
 * indentQuotedContinuation("a:\n  b: 'x\n  y'\n", 2, "'") // "a:\n  b: 'x\n   y'\n"
 */
export function indentQuotedContinuation(text: string, line: number, quote: "'" | '"'): string | undefined {
  const lines = text.split('\n');
  const opening = lines[line - 1];
  if (opening === undefined || !opening.includes(quote)) return undefined;
  const depth = indentOf(opening) + 1;
  const closes = quote === "'" ? /(^|[^'])'(?!')/ : /(^|[^\\])"/;
  for (let i = line; i < lines.length && i < line + MAX_LINES; i++) {
    const current = lines[i] ?? '';
    const indent = indentOf(current);
    if (current.trim() !== '' && indent < depth) lines[i] = ' '.repeat(depth - indent) + current;
    if (closes.test(current)) return lines.join('\n');
  }
  return undefined;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}
