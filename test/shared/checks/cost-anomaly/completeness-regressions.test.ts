/**
 * The reported failures of issue 9 (items 4 and 5), replayed on the example
 * organization: a first run on complete data opens its four anomalies
 * (unsafe saving and waste, both errors; cost-only; demand growth); a second
 * run, at the same moment, reads the same files with data taken away. It
 * must resolve nothing, raise no other class, and say what is missing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryStateStore } from '../../../../shared/adapters/memory/memory-state.js';
import { loadConfig } from '../../../../shared/config/loader.js';
import { type RunReport, runCheck } from '../../../../shared/core/pipeline.js';
import type { CheckState } from '../../../../shared/core/state.js';
import { costAnomalyFactory } from '../../../../shared/runtime/cost-anomaly-wiring.js';

const DEMO = 'examples/demo-org';
const NOW = new Date('2026-11-20T06:00:00Z');
const config = loadConfig(join(DEMO, 'guardrails.config.yaml'));
const costLines = readFileSync(join(DEMO, 'costs.csv'), 'utf8').trimEnd().split('\n');
const metricLines = readFileSync(join(DEMO, 'metrics.csv'), 'utf8').trimEnd().split('\n');
const costColumns = (costLines[0] ?? '').split(',');
const START = costColumns.indexOf('ChargePeriodStart');
const ACCOUNT = costColumns.indexOf('SubAccountId');
/** nightly-etl's account (waste) and search-api's (unsafe saving). */
const ETL_ACCOUNT = '456789012345';

let dir: string;
let opened: CheckState;
let first: RunReport;

async function run(state: MemoryStateStore, costs: string[], metrics: string[]): Promise<RunReport> {
  writeFileSync(join(dir, 'costs.csv'), `${costs.join('\n')}\n`);
  writeFileSync(join(dir, 'metrics.csv'), `${metrics.join('\n')}\n`);
  const log = { info: vi.fn(), warn: vi.fn() };
  const check = costAnomalyFactory({ mode: 'file', config, dataDir: dir, log });
  return runCheck(check, { config, state, sinks: [], now: NOW, log });
}

/** The second run, from the state the complete first run left. */
function rerun(costs: string[], metrics: string[] = metricLines): Promise<RunReport> {
  return run(new MemoryStateStore(new Map([['cost-anomaly', opened]])), costs, metrics);
}

const dayOf = (line: string) => line.split(',')[START]?.slice(0, 10) ?? '';
const withoutCostRows = (drop: (day: string, account: string) => boolean) => [
  costLines[0] as string,
  ...costLines.slice(1).filter((line) => !drop(dayOf(line), line.split(',')[ACCOUNT] ?? '')),
];
const withoutPoints = (drop: (day: string, id: string) => boolean) => [
  metricLines[0] as string,
  ...metricLines.slice(1).filter((line) => {
    const [timestamp = '', id = ''] = line.split(',');
    return !drop(timestamp.slice(0, 10), id);
  }),
];
const summaryOf = (report: RunReport) =>
  report.events.map((e) => `${e.action} ${e.type.replace('finops-guardrails.', '')} ${e.subject}`).sort();
const resolves = (report: RunReport) => report.events.filter((e) => e.action === 'resolve');
const anomalyTriggers = (report: RunReport) =>
  report.events.filter((e) => e.action === 'trigger' && e.type === 'finops-guardrails.cost.anomaly');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'completeness-'));
  const state = new MemoryStateStore();
  first = await run(state, costLines, metricLines);
  opened = await state.load('cost-anomaly');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('incomplete cost data holds open cost anomalies (issue 9, item 4)', () => {
  it('opens the four anomalies of the example organization on complete data', () => {
    expect(first.events.map((e) => `${e.subject} ${e.severity}`).sort()).toEqual([
      '567890123456/Amazon Elastic Compute Cloud warning',
      'checkout info',
      'nightly-etl error',
      'search-api error',
    ]);
  });

  it('a header-only costs.csv resolves no open anomaly: it is one scan gap on the whole cost read', async () => {
    const report = await rerun([costLines[0] as string]);
    expect(resolves(report)).toEqual([]);
    expect(summaryOf(report)).toEqual(['trigger guardrail.scan-gap costs']);
    expect(report.heldOpen).toBe(4);
  });

  it('a last day missing one account rows holds that account anomaly and turns no waste into a saving', async () => {
    const report = await rerun(
      withoutCostRows((day, account) => day === '2026-11-19' && account === ETL_ACCOUNT),
    );
    expect(resolves(report)).toEqual([]);
    expect(anomalyTriggers(report)).toEqual([]);
    expect(summaryOf(report)).toEqual([
      `trigger guardrail.scan-gap costs/${ETL_ACCOUNT}`,
      'trigger guardrail.scan-gap workload/nightly-etl',
    ]);
    const gap = report.findings.find((f) => f.scope === `costs/${ETL_ACCOUNT}`);
    expect(gap?.summary).toMatch(
      /costs\.csv has no data for account 456789012345 on 2026-11-19, though it has for other days/,
    );
  });

  it('a middle day missing one account rows is a scan gap for that account too', async () => {
    const report = await rerun(
      withoutCostRows((day, account) => day === '2026-10-15' && account === ETL_ACCOUNT),
    );
    expect(resolves(report)).toEqual([]);
    expect(anomalyTriggers(report)).toEqual([]);
    expect(summaryOf(report)).toContain(`trigger guardrail.scan-gap costs/${ETL_ACCOUNT}`);
  });

  it('a costs.csv cut short (its last days missing for every account) resolves nothing', async () => {
    const report = await rerun(withoutCostRows((day) => day >= '2026-11-18'));
    expect(resolves(report)).toEqual([]);
    expect(anomalyTriggers(report)).toEqual([]);
    expect(summaryOf(report)).toContain('trigger guardrail.scan-gap costs');
    expect(report.heldOpen).toBe(4);
  });

  it('a costs.csv that starts after the lookback window starts resolves nothing: it is short of history', async () => {
    const report = await rerun(withoutCostRows((day) => day < '2026-10-20'));
    expect(resolves(report)).toEqual([]);
    expect(anomalyTriggers(report)).toEqual([]);
    expect(report.heldOpen).toBe(4);
  });
});

describe('metric gaps neither resolve nor invent pages (issue 9, item 5)', () => {
  it('an SLO metric with no points on the breach days holds the unsafe saving open instead of reading "SLO met"', async () => {
    // search-api's p99 breaches from 11-15; keep 11-14 and the last day, made good, so "any recent point" would pass.
    const metrics = withoutPoints(
      (day, id) => id === 'search_p99' && day >= '2026-11-15' && day <= '2026-11-18',
    ).map((line) =>
      line.startsWith('2026-11-19T00:00:00.000Z,search_p99,')
        ? '2026-11-19T00:00:00.000Z,search_p99,0.4'
        : line,
    );
    const report = await rerun(costLines, metrics);
    expect(resolves(report)).toEqual([]);
    expect(anomalyTriggers(report)).toEqual([]);
    expect(summaryOf(report)).toEqual(['trigger guardrail.scan-gap workload/search-api']);
    expect(report.findings.find((f) => f.scope === 'workload/search-api')?.summary).toMatch(
      /could be unsafe-saving or saving: SLO search-p99-latency \(search_p99\) has no data on 2026-11-15\.\.2026-11-18/,
    );
  });

  it('a demand metric gap holds demand growth instead of paging it as waste', async () => {
    const report = await rerun(
      costLines,
      withoutPoints((day, id) => id === 'checkout_requests' && day === '2026-11-18'),
    );
    expect(resolves(report)).toEqual([]);
    expect(anomalyTriggers(report)).toEqual([]);
    expect(summaryOf(report)).toEqual(['trigger guardrail.scan-gap workload/checkout']);
  });

  it('a metric gap on days no verdict needs changes nothing', async () => {
    const report = await rerun(
      costLines,
      withoutPoints((day, id) => id === 'search_p99' && day < '2026-10-01'),
    );
    expect(report.events).toEqual([]);
    expect(report.scope.failed).toEqual([]);
  });
});
