/// <reference lib="dom" />
/**
 * Takes docs/report.png, the README's picture of the HTML report: an
 * excerpt of the example organization's report.html (the summary cards,
 * coverage per account, and one cost anomaly with its expected band, unit
 * cost and SLO days), drawn by headless Chromium. Run `npm start` first:
 *
 *   npx tsx examples/demo-org/report-screenshot.ts [report.html]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const report = resolve(process.argv[2] ?? 'report.html');
const out = resolve(import.meta.dirname, '..', '..', 'docs', 'report.png');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium-headless-shell',
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(report).href);
  await page.waitForSelector('html[data-charts="done"]');
  // Keep the cards, the per-account coverage chart and the unsafe saving's charts; hide the rest.
  await page.evaluate(() => {
    const keep = new Set(['chart-coverage-accounts']);
    for (const f of document.querySelectorAll('figure[data-chart]'))
      if (f.id.includes('search-api')) keep.add(f.id);
    for (const el of document.querySelectorAll<HTMLElement>('main section > *:not(h2), nav, .notes')) {
      const wanted = keep.has(el.id) || (el.tagName === 'H3' && el.textContent?.startsWith('search-api'));
      if (!wanted) el.style.display = 'none';
    }
    for (const s of document.querySelectorAll<HTMLElement>('#findings, #probes')) s.style.display = 'none';
    for (const d of document.querySelectorAll<HTMLElement>('figure details')) d.style.display = 'none';
  });
  await page.screenshot({ path: out, fullPage: true });
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await browser.close();
}
