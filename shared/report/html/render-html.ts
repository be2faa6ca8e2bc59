import { createHash } from 'node:crypto';
import { severityRank } from '../../core/severity.js';
import { pct, usd } from '../format.js';
import type { ReportData } from '../report-data.js';
import { type ReportTable, reportTables, type TableId } from '../report-tables.js';
import { chartLibrary, type LibraryScript } from './chart-library.js';
import { type ChartSection, type ChartSpec, chartSpecs } from './chart-specs.js';
import { CLIENT_SCRIPT } from './client-script.js';
import { escapeHtml, jsonForScript } from './escape-html.js';
import { REPORT_STYLES } from './styles.js';

const SECTIONS: ReadonlyArray<{ id: string; title: string }> = [
  { id: 'findings', title: 'Open findings' },
  { id: 'coverage', title: 'Tag coverage' },
  { id: 'costs', title: 'Cost anomalies, unit cost and SLOs' },
  { id: 'probes', title: 'Probes' },
  { id: 'waivers', title: 'Cost-policy waivers' },
];

const e = escapeHtml;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

function tableHtml(table: ReportTable, caption?: string): string {
  if (table.rows.length === 0) return `<p class="empty">${e(table.empty)}</p>`;
  const head = table.columns
    .map((c) => `<th scope="col"${c.numeric ? ' class="num"' : ''}>${e(c.label)}</th>`)
    .join('');
  const body = table.rows
    .map((row) => {
      const cells = row.map((cell, i) => {
        const col = table.columns[i];
        const cls = col?.numeric ? 'num' : col?.flexible ? 'summary' : col?.keep ? 'nowrap' : '';
        let text = e(cell.text);
        if (col?.label === 'Severity') text = `<span class="sev sev-${e(cell.text)}">${text}</span>`;
        if (cell.text === 'FAIL' || cell.text === 'NO') text = `<span class="fail">${text}</span>`;
        return `<td${cls ? ` class="${cls}"` : ''}>${text}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table>${caption ? `<caption class="muted">${e(caption)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function fallbackTable(spec: ChartSpec): string {
  const head = spec.table.columns.map((c) => `<th scope="col">${e(c)}</th>`).join('');
  const rows = spec.table.rows.map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`).join('\n');
  return `<details><summary>Data table</summary><div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div></details>`;
}

const LEGENDS: Partial<Record<ChartSpec['kind'], string>> = {
  'cost-band':
    '<span><span class="line-swatch" style="border-color:var(--c-actual)"></span>actual</span>' +
    '<span><span class="line-swatch" style="border-color:var(--c-expected);border-top-style:dashed"></span>expected</span>' +
    '<span><span class="swatch" style="background:var(--c-band)"></span>expected band</span>' +
    '<span><span class="swatch" style="background:var(--c-anomaly)"></span>anomalous day</span>',
  'probe-rounds':
    '<span><span class="swatch" style="background:var(--c-pass);border-radius:50%"></span>passed (total)</span>' +
    '<span><span style="color:var(--c-fail);font-weight:700;margin-right:5px">×</span>failed (total)</span>',
};

function figureHtml(spec: ChartSpec): string {
  const id = `chart-${spec.id}`;
  const legend = LEGENDS[spec.kind];
  return `<figure class="chart" id="${e(id)}" data-chart="${e(spec.id)}" data-kind="${e(spec.kind)}">
<figcaption><span class="title" id="${e(id)}-title">${e(spec.title)}</span><span class="desc" id="${e(id)}-desc">${e(spec.description)}</span>${legend ? `<span class="legend">${legend}</span>` : ''}</figcaption>
<div class="chart-canvas"></div>
${fallbackTable(spec)}
</figure>`;
}

function cardsHtml(data: ReportData): string {
  const open = data.findings.length;
  const worst = data.findings[0];
  const atStake = data.findings.reduce((sum, f) => sum + Math.max(0, f.usdPerMonth ?? 0), 0);
  const org = data.coverage?.org;
  const objective = data.coverage?.objective;
  const anomalies = data.costs.filter((c) => c.anomaly).length;
  const probesFailing = data.probes.filter((p) => p.rounds[p.rounds.length - 1]?.ok === false).length;
  const card = (label: string, value: string, tone = '') =>
    `<div class="card${tone ? ` ${tone}` : ''}"><div class="value">${e(value)}</div><div class="label">${e(label)}</div></div>`;
  const below = (x: number | null | undefined) =>
    objective !== undefined && x !== null && x !== undefined && x < objective ? 'bad' : 'good';
  return `<div class="cards">
${card('open findings', String(open), worst && severityRank(worst.severity) >= severityRank('error') ? 'bad' : '')}
${card('$ a month in open findings', usd(atStake))}
${org ? card(`coverage by count (objective ${pct(objective)})`, pct(org.byCount), below(org.byCount)) : ''}
${org ? card(`coverage by spend (objective ${pct(objective)})`, pct(org.bySpend), below(org.bySpend)) : ''}
${card('active cost anomalies', String(anomalies), anomalies > 0 ? 'bad' : 'good')}
${card('probes failing', `${probesFailing} of ${data.probes.length}`, probesFailing > 0 ? 'bad' : 'good')}
</div>`;
}

function sectionHtml(
  section: { id: string; title: string },
  tables: ReadonlyMap<TableId, ReportTable>,
  charts: readonly ChartSpec[],
): string {
  const chartsOf = (s: ChartSection) => {
    let group: string | undefined;
    return charts
      .filter((c) => c.section === s)
      .map((c) => {
        const heading = c.group !== undefined && c.group !== group ? `<h3>${e(c.group)}</h3>` : '';
        group = c.group;
        return `${heading}${figureHtml(c)}`;
      })
      .join('\n');
  };
  const table = (id: TableId, heading?: string) => {
    const t = tables.get(id);
    return t ? `${heading ? `<h3>${e(heading)}</h3>` : ''}${tableHtml(t)}` : '';
  };
  let body = '';
  if (section.id === 'findings') body = table('findings');
  if (section.id === 'coverage')
    body = `${chartsOf('coverage')}${table('coverage', tables.get('coverage')?.title)}${table('keys', 'Per required tag key')}${table('owners', 'Per owner')}`;
  if (section.id === 'costs')
    body = `${table('anomalies')}${chartsOf('costs') || '<p class="empty">No cost series recorded.</p>'}`;
  if (section.id === 'probes') body = `${table('probes')}${chartsOf('probes')}`;
  if (section.id === 'waivers') body = table('waivers');
  return `<section id="${section.id}" aria-labelledby="${section.id}-h"><h2 id="${section.id}-h">${e(section.title)}</h2>\n${body}\n</section>`;
}

export interface HtmlReportOptions {
  /** The chart library to inline; default: the bundled or installed one. */
  readonly library?: readonly LibraryScript[];
}

/**
 * The report as one self-contained HTML page: inline styles, the data as
 * JSON, the chart library and the page's script inline; no request leaves
 * the page (its Content-Security-Policy allows no source but its own inline
 * scripts, by hash). Every string from a finding is escaped, and the
 * charts' text is set as text, so a hostile tag value stays text.
 */
export function renderReportHtml(data: ReportData, options: HtmlReportOptions = {}): string {
  const library = options.library ?? chartLibrary();
  const charts = chartSpecs(data);
  const tables = new Map(reportTables(data).map((t) => [t.id, t] as const));
  const chartData = Object.fromEntries(
    charts.map((c) => [c.id, { kind: c.kind, title: c.title, data: c.data }]),
  );
  // A library text holding `</script` would end its element early; as `<\/script` it means the same in JS.
  // Without the library (a bundle built without it) the page keeps its tables and says so.
  const scripts = (library.length > 0 ? [...library.map((l) => l.source), CLIENT_SCRIPT] : []).map((s) =>
    s.replace(/<\/script/gi, '<\\/script'),
  );
  // The policy is ours alone (no finding text), so it is written unescaped.
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.length > 0 ? scripts.map((s) => `'sha256-${sha256(s)}'`).join(' ') : "'none'"}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const versions = library.map((l) => `${l.name} ${l.version}`).join(', ');
  const drawn =
    library.length > 0
      ? `Charts drawn in the page with ${e(versions)}; every chart has its data as a table below it.`
      : 'This copy was built without its chart library, so it shows each chart as its data table.';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="finops-guardrails">
<title>finops-guardrails report, ${e(data.asOf.slice(0, 10))}</title>
<style>${REPORT_STYLES}</style>
</head>
<body>
<header>
<h1>finops-guardrails report</h1>
<p class="meta">As of ${e(data.asOf.slice(0, 16).replace('T', ' '))}Z, from ${e(data.source)}.</p>
<nav aria-label="Sections">${SECTIONS.map((s) => `<a href="#${s.id}">${e(s.title)}</a>`).join('')}</nav>
${cardsHtml(data)}
</header>
<main>
${SECTIONS.map((s) => sectionHtml(s, tables, charts)).join('\n')}
${data.notes.length > 0 ? `<div class="notes">${data.notes.map((n) => `<p>${e(n)}</p>`).join('')}</div>` : ''}
</main>
<footer>Generated by finops-guardrails. ${drawn}</footer>
<script type="application/json" id="report-charts">${jsonForScript(chartData)}</script>
${scripts.map((s) => `<script>${s}</script>`).join('\n')}
</body>
</html>
`;
}
