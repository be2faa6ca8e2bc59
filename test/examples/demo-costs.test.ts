import { describe, expect, it, vi } from 'vitest';
import { focusCostSource } from '../../shared/adapters/file/cost-sources.js';
import { MemoryStateStore } from '../../shared/adapters/memory/memory-state.js';
import { detectAnomalies } from '../../shared/checks/cost-anomaly/detector.js';
import { loadConfig } from '../../shared/config/loader.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { runCheck } from '../../shared/core/pipeline.js';
import { costAnomalyFactory } from '../../shared/runtime/cost-anomaly-wiring.js';

const DIR = 'examples/demo-org';
const SHARED_SERVICES = '678901234567';

async function runDemo(now: string, config: GuardrailsConfig = loadConfig(`${DIR}/guardrails.config.yaml`)) {
  const log = { info: vi.fn(), warn: vi.fn() };
  const check = costAnomalyFactory({ mode: 'file', config, dataDir: DIR, log });
  const report = await runCheck(check, {
    config,
    state: new MemoryStateStore(),
    sinks: [],
    now: new Date(now),
    log,
  });
  return { report, log };
}

describe('the example organization, judged at 2026-11-20T06:00Z', () => {
  it('shows waste, demand growth, an unsafe saving and a cost-only anomaly, and nothing else', async () => {
    const { report, log } = await runDemo('2026-11-20T06:00:00Z');
    expect(log.warn).not.toHaveBeenCalled();
    expect(report.scope.failed).toEqual([]);
    expect(report.scope.completed).toEqual(
      expect.arrayContaining([
        'costs',
        'metrics',
        'costs/567890123456/Amazon Elastic Compute Cloud',
        'workload/checkout',
        'workload/search-api',
        'workload/nightly-etl',
      ]),
    );
    const seen = report.findings.map((f) => [f.identity.join(':'), f.severity]).sort();
    expect(seen).toEqual([
      ['567890123456:Amazon Elastic Compute Cloud:cost-only', 'warning'],
      ['checkout:demand-growth', 'info'],
      ['nightly-etl:waste', 'error'],
      ['search-api:unsafe-saving', 'error'],
    ]);
  });

  it('explains the unsafe saving with the p99 breach and the waste with EMR, the sandbox with its GPUs', async () => {
    const { report } = await runDemo('2026-11-20T06:00:00Z');
    const byWorkload = new Map(
      report.findings.map((f) => [f.identity[0], f.evidence as Record<string, unknown>]),
    );
    expect(byWorkload.get('search-api')).toMatchObject({
      slos: [{ name: 'search-p99-latency', state: 'breached', firstBadDay: '2026-11-15' }],
      unitCost: { trend: 'down' },
      anomalyDays: { start: '2026-11-14' },
    });
    expect(byWorkload.get('nightly-etl')).toMatchObject({ unitCost: { trend: 'up' } });
    const etlDrivers = (byWorkload.get('nightly-etl')?.drivers ?? []) as Array<{ service: string }>;
    expect(etlDrivers[0]).toMatchObject({ service: 'Amazon Elastic MapReduce' });
    const gpus = (byWorkload.get('567890123456')?.drivers ?? []) as Array<{
      usageType: string;
      shareOfImpact: number;
    }>;
    expect(gpus.slice(0, 2).map((d) => d.usageType)).toEqual([
      'BoxUsage:g5.12xlarge',
      'BoxUsage:g5.12xlarge',
    ]);
    expect(byWorkload.get('checkout')).toMatchObject({ paging: 'suppressed', unitCost: { trend: 'normal' } });
  });

  it('does not alert on the month-start Support fee when 11-01 itself is judged', async () => {
    const { report } = await runDemo('2026-11-02T06:00:00Z');
    expect(
      report.findings.filter((f) => f.origin === SHARED_SERVICES || f.subject.startsWith(SHARED_SERVICES)),
    ).toEqual([]);
  });

  it('scores no month start of the shared-services Support fee as an anomaly across the whole history', async () => {
    const config = loadConfig(`${DIR}/guardrails.config.yaml`);
    const source = focusCostSource({
      dir: DIR,
      log: { info: vi.fn(), warn: vi.fn() },
      includeRecordTypes: [],
    });
    const series = await source.dailyCostByAccountAndService({
      start: new Date('2026-08-22T00:00:00Z'),
      end: new Date('2026-11-20T00:00:00Z'),
    });
    const support = series.find(
      (s) => s.key.accountId === SHARED_SERVICES && s.key.service?.includes('Support'),
    );
    expect(support?.days.filter((d) => d.usd > 0).map((d) => d.day)).toEqual([
      '2026-09-01',
      '2026-10-01',
      '2026-11-01',
    ]);
    const scored = detectAnomalies(
      (support?.days ?? []).map((d) => ({ timestamp: d.day, value: d.usd })),
      { minImpact: config.anomaly.minImpactUsd, relativeThreshold: config.anomaly.relativeThreshold },
    );
    expect(scored.filter((p) => p.anomaly)).toEqual([]);
  });

  it('builds the AWS-mode check without calling AWS until it runs', () => {
    const config = loadConfig(`${DIR}/guardrails.config.yaml`);
    const log = { info: vi.fn(), warn: vi.fn() };
    const check = costAnomalyFactory({ mode: 'aws', config, dataDir: DIR, log });
    expect(check.name).toBe('cost-anomaly');
    expect(log.warn).not.toHaveBeenCalled();
  });
});
