import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from '../../../shared/report/html/escape-html.js';
import { renderReportHtml } from '../../../shared/report/html/render-html.js';
import { csvField, renderReportCsv } from '../../../shared/report/render-csv.js';
import { markdownCell, renderReportMarkdown } from '../../../shared/report/render-markdown.js';
import { cutAtWord, renderReportText, terminalSafe, wrapWords } from '../../../shared/report/render-text.js';
import { HOSTILE, hostileReport } from './hostile-report.js';

describe('CSV', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+1+2', `'+1+2`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tcmd', `"'\tcmd"`],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
  ])('makes %j safe to open in a spreadsheet', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('keeps numbers, negative ones included, as numbers, and empty for unknown', () => {
    expect([csvField(-6538.2), csvField(0.9321), csvField(null), csvField(true)]).toEqual([
      '-6538.2',
      '0.9321',
      '',
      'true',
    ]);
  });

  it('neutralises a hostile owner in the findings CSV, one row per finding', () => {
    const rows = renderReportCsv(hostileReport(), 'findings').trimEnd().split('\r\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain(`,'=cmd|' /C calc'!A0,`);
  });
});

describe('Markdown', () => {
  it('escapes HTML and Markdown punctuation so a value cannot make a tag, a link or a new cell', () => {
    expect(markdownCell('<img src=x onerror=alert(1)> | [x](javascript:1)\nnext')).toBe(
      '&lt;img src=x onerror=alert\\(1\\)&gt; \\| \\[x\\]\\(javascript:1\\) next',
    );
    const md = renderReportMarkdown(hostileReport());
    expect(md).not.toContain('<img');
    expect(md).not.toContain('<script');
  });
});

describe('terminal table', () => {
  it('cuts between words, never inside a number', () => {
    expect(cutAtWord('cost rose by $12,345 a month', 20)).toBe('cost rose by…');
    expect(wrapWords('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrapWords('x'.repeat(10), 4)).toEqual(['xxxx', 'xxxx', 'xx']);
  });

  it('strips control characters, so a tag value cannot send escape sequences to the terminal', () => {
    expect(terminalSafe('a\u001b[31mred\u0007')).toBe('a [31mred ');
    expect(renderReportText(hostileReport(), 80)).not.toContain('\u001b');
  });
});

describe('HTML', () => {
  it('escapes every string of a finding, in content, attributes and the embedded chart data', () => {
    const html = renderReportHtml(hostileReport(), { library: [] });
    for (const hostile of Object.values(HOSTILE)) expect(html).not.toContain(hostile);
    expect(html).not.toMatch(/<img|<svg onload|<\/script><script>alert/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;');
    expect(jsonForScript({ a: '</script><!--\u2028' })).toBe(
      '{"a":"\\u003c/script\\u003e\\u003c!--\\u2028"}',
    );
  });

  it('allows only its own inline scripts, by hash, and no source of any request', () => {
    const html = renderReportHtml(hostileReport(), {
      library: [{ name: 'lib', version: '1', source: 'window.lib=1;' }],
    });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toMatch(/script-src 'sha256-[^']+' 'sha256-[^']+';/);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
  });
});
