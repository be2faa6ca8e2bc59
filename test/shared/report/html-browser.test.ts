/// <reference lib="dom" />
/**
 * The HTML report in a real browser: Debian's headless Chromium, driven by
 * playwright-core. One launch for the file. Screenshots of every section, in
 * light and dark, are kept in test-artifacts/report/ for a person to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCommand } from '../../../cli/commands/demo.js';
import { renderReportHtml } from '../../../shared/report/html/render-html.js';
import { memoryIo } from '../../support/memory-io.js';
import { HOSTILE, hostileReport } from './hostile-report.js';

/** Debian's `chromium-headless-shell` package installs it here; CI installs it (.ci/run). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium-headless-shell';
const ARTIFACTS = resolve('test-artifacts', 'report');
const SECTIONS = ['findings', 'coverage', 'costs', 'probes'] as const;
/** Plot's names for the groups of marks that draw data (not axes, grids or rules). */
const DATA_MARKS = ['bar', 'line', 'dot', 'area', 'cell', 'text'];

const dir = mkdtempSync(join(tmpdir(), 'report-browser-'));
const demoReport = join(dir, 'report.html');
const hostileFile = join(dir, 'hostile.html');
let browser: Browser;

interface Visit {
  readonly page: Page;
  readonly problems: string[];
  readonly requests: string[];
  readonly dialogs: string[];
  close(): Promise<void>;
}

/** Opens a report with every request but file:// blocked, recording console errors and warnings. */
async function visit(file: string, colorScheme: 'light' | 'dark'): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme });
  const problems: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    return url.startsWith('file://') ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('html[data-charts="done"]', { timeout: 20_000 });
  return { page, problems, requests, dialogs, close: () => context.close() };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `headless Chromium is missing at ${CHROMIUM}: install it with "apt-get install -y chromium-headless-shell" (CI's .ci/run does), or set CHROMIUM_PATH`,
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const io = memoryIo();
  expect(await demoCommand({ json: true, report: demoReport }, io)).toBe(0);
  expect(io.err()).toContain(`Report: ${demoReport}`);
  writeFileSync(hostileFile, renderReportHtml(hostileReport()));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 90_000);

afterAll(async () => {
  await browser?.close();
});

// A loaded 2-core CI can make screenshots of tall sections slow; nothing here asserts on time.
describe('the HTML report in headless Chromium', { timeout: 90_000 }, () => {
  it('loads from file:// with no console error or warning and no request but its own file', async () => {
    const v = await visit(demoReport, 'light');
    try {
      expect(v.problems).toEqual([]);
      expect(v.requests).toEqual([pathToFileURL(demoReport).href]);
    } finally {
      await v.close();
    }
  });

  it('draws every chart, each with data marks, a title, a text alternative and a data table', async () => {
    const v = await visit(demoReport, 'light');
    try {
      const charts = await v.page.$$eval(
        'figure[data-chart]',
        (figures, dataMarks) =>
          figures.map((f) => {
            const svg = f.querySelector('.chart-canvas svg[role="img"]');
            const marks = [...f.querySelectorAll('.chart-canvas g[aria-label]')]
              .filter((g) => dataMarks.includes(g.getAttribute('aria-label') ?? ''))
              .reduce((n, g) => n + g.childElementCount, 0);
            const label =
              document.getElementById(svg?.getAttribute('aria-labelledby') ?? '')?.textContent ?? '';
            const desc =
              document.getElementById(svg?.getAttribute('aria-describedby') ?? '')?.textContent ?? '';
            return {
              id: f.id,
              kind: f.getAttribute('data-kind'),
              rendered: f.getAttribute('data-rendered'),
              height: svg?.getBoundingClientRect().height ?? 0,
              marks,
              label,
              desc,
              tableRows: f.querySelectorAll('details tbody tr').length,
            };
          }),
        DATA_MARKS,
      );
      // The example: 2 coverage charts, 4 cost series (3 workloads with unit cost and SLOs, 1 unmapped), 3 probes.
      expect(charts.map((c) => c.kind).sort()).toEqual(
        [
          ...['coverage-accounts', 'coverage-trend'],
          ...Array(4).fill('cost-band'),
          ...Array(3).fill('unit-cost'),
          ...Array(3).fill('slo-days'),
          ...Array(3).fill('probe-rounds'),
        ].sort(),
      );
      for (const chart of charts) {
        expect(chart, chart.id).toMatchObject({ rendered: 'true' });
        expect(chart.height, chart.id).toBeGreaterThan(80);
        expect(chart.marks, chart.id).toBeGreaterThan(0);
        expect(chart.label.length, chart.id).toBeGreaterThan(10);
        expect(chart.desc.length, chart.id).toBeGreaterThan(30);
        expect(chart.tableRows, chart.id).toBeGreaterThan(0);
      }
      // The coverage trend holds the 60 seeded days and this run's.
      expect(charts.find((c) => c.kind === 'coverage-trend')?.tableRows).toBe(61);
    } finally {
      await v.close();
    }
  });

  it('keeps a screenshot of every section, in light and in dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const v = await visit(demoReport, scheme);
      try {
        const background = await v.page.evaluate(
          () => getComputedStyle(document.documentElement).backgroundColor,
        );
        expect(background).toBe(scheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(20, 22, 27)');
        await v.page.screenshot({ path: join(ARTIFACTS, `${scheme}-top.png`) });
        for (const section of SECTIONS) {
          const path = join(ARTIFACTS, `${scheme}-${section}.png`);
          await v.page.locator(`#${section}`).screenshot({ path });
          expect(statSync(path).size, path).toBeGreaterThan(5_000);
        }
        expect(v.problems).toEqual([]);
      } finally {
        await v.close();
      }
    }
  });

  it('keeps a hostile tag value as text: no script runs, no element is injected', async () => {
    const v = await visit(hostileFile, 'light');
    try {
      expect(v.dialogs).toEqual([]);
      expect(v.problems).toEqual([]);
      const page = await v.page.evaluate(() => ({
        images: document.querySelectorAll('img').length,
        onload: document.querySelectorAll('[onload],[onerror]').length,
        scripts: document.querySelectorAll('script').length,
        text: document.body.textContent ?? '',
        rendered: [...document.querySelectorAll('figure[data-chart]')].map((f) =>
          f.getAttribute('data-rendered'),
        ),
      }));
      expect(page).toMatchObject({ images: 0, onload: 0 });
      // The data, the two library scripts and the page's own: nothing added.
      expect(page.scripts).toBe(4);
      expect(page.text).toContain(HOSTILE.owner);
      expect(page.text).toContain(HOSTILE.account);
      expect(page.rendered.length).toBeGreaterThan(0);
      expect(page.rendered.every((r) => r === 'true')).toBe(true);
      await v.page.screenshot({ path: join(ARTIFACTS, 'hostile.png'), fullPage: true });
    } finally {
      await v.close();
    }
  });
});
