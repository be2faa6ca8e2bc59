/**
 * The HTML report's stylesheet. Colours are CSS variables, set for light
 * and for dark (`prefers-color-scheme`); the page script reads the `--c-*`
 * ones for the charts, so the two schemes share one set of chart code.
 */
export const REPORT_STYLES = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1c1e24; --muted: #596072; --surface: #f4f5f8; --border: #d8dbe3; --link: #1f5bd8;
  --c-bg: #ffffff;
  --c-count: #3a6fd8; --c-spend: #d97c22; --c-objective: #c62f2f;
  --c-band: #a9c5f2; --c-expected: #596072; --c-actual: #1f4fb3; --c-anomaly: #d62728; --c-unit: #7a45c8;
  --c-met: #2f9e5a; --c-breached: #d62728; --c-pass: #2f9e5a; --c-fail: #d62728;
  --c-dns: #8bb6e8; --c-connect: #4e86cc; --c-tls: #7a45c8; --c-wait: #e0a43a; --c-transfer: #9aa3b5;
  --sev-critical: #b3122e; --sev-error: #d9480f; --sev-warning: #b07d00; --sev-info: #4a6fa5;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14161b; --fg: #e5e7ed; --muted: #a2a9b8; --surface: #1d2027; --border: #353a46; --link: #8db4ff;
    --c-bg: #14161b;
    --c-count: #6f9cff; --c-spend: #f0a254; --c-objective: #ff6f61;
    --c-band: #2f4a78; --c-expected: #a2a9b8; --c-actual: #9cc0ff; --c-anomaly: #ff5a5a; --c-unit: #b792ff;
    --c-met: #47c27a; --c-breached: #ff5a5a; --c-pass: #47c27a; --c-fail: #ff5a5a;
    --c-dns: #3f6ea6; --c-connect: #6f9cff; --c-tls: #b792ff; --c-wait: #e8b04a; --c-transfer: #6b7385;
    --sev-critical: #ff6b81; --sev-error: #ff8a4c; --sev-warning: #f0c24b; --sev-info: #8db4ff;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body { margin: 0 auto; max-width: 1200px; padding: 24px 28px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--link); }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 8px; padding-top: 8px; border-top: 1px solid var(--border); }
h3 { font-size: 15px; margin: 24px 0 6px; }
.meta, .muted { color: var(--muted); }
nav { display: flex; gap: 16px; flex-wrap: wrap; margin: 12px 0 4px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 16px 0 8px; }
.card { background: var(--surface); border: 1px solid var(--border); border-radius: 8px; padding: 10px 14px; }
.card .value { font-size: 22px; font-weight: 650; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.card.bad .value { color: var(--sev-error); }
.card.good .value { color: var(--c-pass); }
.table-wrap { overflow-x: auto; border: 1px solid var(--border); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--border); vertical-align: top; }
th { background: var(--surface); font-weight: 600; white-space: nowrap; position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.summary { min-width: 280px; }
td.nowrap { white-space: nowrap; }
tr:last-child td { border-bottom: none; }
.sev { font-weight: 650; text-transform: uppercase; font-size: 11px; letter-spacing: 0.04em; }
.sev-critical { color: var(--sev-critical); } .sev-error { color: var(--sev-error); }
.sev-warning { color: var(--sev-warning); } .sev-info { color: var(--sev-info); }
.fail { color: var(--c-fail); font-weight: 650; } .pass { color: var(--c-pass); }
figure.chart { margin: 16px 0 24px; padding: 12px 14px; background: var(--surface); border: 1px solid var(--border); border-radius: 8px; }
figure.chart figcaption .title { font-weight: 650; display: block; }
figure.chart figcaption .desc { color: var(--muted); display: block; margin: 2px 0 8px; }
.chart-canvas { min-height: 40px; color: var(--fg); }
.chart-canvas svg { overflow: visible; }
.chart-canvas [class^="plot"], .chart-canvas [class*=" plot"] { --plot-background: var(--surface) !important; color: var(--fg); background: transparent; }
details { margin-top: 8px; }
details summary { cursor: pointer; color: var(--muted); }
details .table-wrap { margin-top: 6px; max-height: 320px; overflow: auto; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; font-size: 12px; color: var(--muted); margin-bottom: 4px; }
.swatch { display: inline-block; width: 14px; height: 10px; margin-right: 5px; vertical-align: middle; border-radius: 2px; }
.line-swatch { display: inline-block; width: 18px; height: 0; margin-right: 5px; vertical-align: middle; border-top: 2px solid; }
.notes { margin-top: 20px; padding: 10px 14px; border-left: 3px solid var(--sev-warning); background: var(--surface); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
.empty { color: var(--muted); font-style: italic; }
`;
