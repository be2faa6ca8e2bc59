import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { chartLibraryDefine } from '../../../shared/report/html/chart-library.js';

/**
 * What a bundler must do for the report to keep its charts: embed the chart
 * library with `define`. The bundle runs from a directory with no
 * node_modules, as a Lambda function or a shipped CLI does.
 */
describe('the HTML report from an esbuild bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-bundle-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `import { renderReportHtml } from ${JSON.stringify(resolve('shared/report/html/render-html.ts'))};
const html = renderReportHtml({ asOf: '2026-11-20T06:00:00.000Z', source: 'bundle', findings: [], costs: [], probes: [], notes: [] });
process.stdout.write(JSON.stringify({ plot: html.includes('@observablehq/plot 0.6'), d3: html.includes('https://d3js.org'), bytes: html.length }));
`,
  );
  const bundle = async (name: string, define: Record<string, string>) => {
    const outfile = join(dir, name);
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      define,
      logLevel: 'silent',
    });
    return outfile;
  };

  it('inlines the chart library when the bundler defines it', async () => {
    const outfile = await bundle('with-library.mjs', chartLibraryDefine());
    const out = JSON.parse(execFileSync(process.execPath, [outfile], { cwd: dir, encoding: 'utf8' }));
    expect(out).toMatchObject({ plot: true, d3: true });
    expect(out.bytes).toBeGreaterThan(400_000);
  });

  it('cannot find it without the define, so a bundle must carry it', async () => {
    const outfile = await bundle('without-library.mjs', {});
    expect(() =>
      execFileSync(process.execPath, [outfile], { cwd: dir, encoding: 'utf8', stdio: 'pipe' }),
    ).toThrow(/Cannot find module|cannot find the package\.json/);
  });
});
