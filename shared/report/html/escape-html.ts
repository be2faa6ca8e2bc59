// Control characters other than tab and line breaks are not allowed in HTML text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters replaced
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/**
 * Text for HTML content or a quoted attribute: every character that could
 * open markup is an entity, and control characters are spaces.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(CONTROL, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * JSON to embed in `<script type="application/json">`: `<`, `>` and `&`
 * are written as `\u003c`, `\u003e` and `\u0026` (still the same JSON), so
 * no value can close the script element or open a comment; U+2028 and
 * U+2029 likewise, for older parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
