/**
 * URLs shown in events, logs and summaries lose their secrets first: the
 * user and password of `https://user:pass@host/`, and the values of query
 * (and fragment) parameters that carry credentials (`?token=…`, a presigned
 * URL's `X-Amz-Signature`, an OAuth `code`). Pure: string in, string out.
 */

/** Parameter names whose values are always redacted, compared case-insensitively. */
export const DEFAULT_SENSITIVE_QUERY_PARAMS = [
  'token',
  'key',
  'apikey',
  'api_key',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'signature',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'sig',
  'password',
  'secret',
  'code',
] as const;

/** What a redacted value is replaced with. */
export const REDACTED = 'REDACTED';

/** Redacts URLs: one URL, or every URL inside a text. Built once per run from the config. */
export interface UrlRedactor {
  url(url: string): string;
  text(text: string): string;
}

/**
 * A redactor for the default parameters plus `extra` ones
 * (`redaction.queryParams` in the config).
 *
 * @example
 * urlRedactor().url('https://u:p@api.example.com/h?token=abc&x=1'); // 'https://REDACTED:REDACTED@api.example.com/h?token=REDACTED&x=1'
 */
export function urlRedactor(extra: readonly string[] = []): UrlRedactor {
  const sensitive = new Set([...DEFAULT_SENSITIVE_QUERY_PARAMS, ...extra].map((name) => name.toLowerCase()));
  const url = (value: string) => redactUrl(value, sensitive);
  return { url, text: (text) => text.replace(URL_IN_TEXT, (match) => url(match)) };
}

/** An http(s) URL inside free text (error messages, summaries), up to whitespace or a quote. */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>`]+/gi;

function redactUrl(value: string, sensitive: ReadonlySet<string>): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    // Not parseable: still never show `user:pass@`.
    return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, `$1${REDACTED}@`);
  }
  let changed = false;
  if (parsed.username || parsed.password) {
    parsed.username = parsed.username ? REDACTED : '';
    parsed.password = parsed.password ? REDACTED : '';
    changed = true;
  }
  const search = redactParams(parsed.search.slice(1), sensitive);
  if (search !== undefined) {
    parsed.search = search;
    changed = true;
  }
  // OAuth's implicit flow puts tokens in the fragment (`#access_token=…`).
  const hash = redactParams(parsed.hash.slice(1), sensitive);
  if (hash !== undefined) {
    parsed.hash = hash;
    changed = true;
  }
  // Untouched URLs keep their exact spelling.
  return changed ? parsed.href : value;
}

/** `a=1&token=x` with sensitive values replaced, or undefined when nothing was sensitive. */
function redactParams(query: string, sensitive: ReadonlySet<string>): string | undefined {
  if (!query.includes('=')) return undefined;
  let changed = false;
  const parts = query.split('&').map((part) => {
    const eq = part.indexOf('=');
    if (eq < 0) return part;
    const name = safeDecode(part.slice(0, eq)).toLowerCase();
    if (!sensitive.has(name) || part.slice(eq + 1) === REDACTED) return part;
    changed = true;
    return `${part.slice(0, eq)}=${REDACTED}`;
  });
  return changed ? parts.join('&') : undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
