/**
 * Scenario: the cost model (infra/cost-estimate.ts) at org scale. For 2,000
 * accounts with the example config (`accounts: auto`, so the Distributed Map
 * is deployed and, above `fanOutAboveAccounts`, used): the Map's items,
 * batches and waves, the estimated wall time at MaxConcurrency, the Cost
 * Explorer calls per day and the estimated monthly AWS cost. Arithmetic over
 * COST_ASSUMPTIONS, not a measurement in AWS.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COST_ASSUMPTIONS, monthlyCost, usageFromConfig } from '../infra/cost-estimate.js';
import { MAX_DRIVER_LOOKUPS } from '../shared/checks/cost-anomaly/check.js';
import { loadConfig } from '../shared/config/loader.js';
import { equals, info, type ScenarioOptions, type ScenarioResult } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const EXAMPLE = join(here, '..', 'examples', 'demo-org', 'guardrails.config.yaml');

export async function run(options: ScenarioOptions): Promise<ScenarioResult> {
  const accounts = options.quick ? 200 : 2_000;
  const config = loadConfig(EXAMPLE);
  const usage = usageFromConfig(config, { accounts });
  const estimate = monthlyCost(usage);
  const run = usage.fanOut;
  const ce = usage.costExplorer;
  // The formula, written out independently of usageFromConfig: series pages + workload queries (none in
  // the example: its workloads are filtered by account only) + drivers + GetAnomalies + tag keys × pages.
  const per1000 = (pages: number) => Math.max(1, Math.ceil((accounts * pages) / 1000));
  const tagKeys = config.tagPolicy?.requiredTags.length ?? 0;
  const expectedCalls =
    per1000(COST_ASSUMPTIONS.seriesPagesPer1000Accounts) +
    0 +
    Math.min(
      MAX_DRIVER_LOOKUPS,
      Math.round(COST_ASSUMPTIONS.driverLookupsBase + accounts * COST_ASSUMPTIONS.driverLookupsPerAccount),
    ) +
    (config.anomaly.useAwsAnomalies ? 1 : 0) +
    tagKeys * per1000(COST_ASSUMPTIONS.tagSpendPagesPer1000Accounts);
  return {
    scenario: 'org-scale',
    title: 'cost model of a simulated organization: fan-out, Cost Explorer calls, monthly AWS cost',
    sizes: {
      accounts,
      regions: config.organization.regions.length,
      resourcesPerAccountRegion: COST_ASSUMPTIONS.resourcesPerAccountRegion,
      fanOutMaxConcurrency: config.organization.fanOutMaxConcurrency,
      scanConcurrency: config.organization.scanConcurrency,
    },
    figures: [
      info('state machine items', run?.items ?? 0),
      info('batches', run?.batches ?? 0),
      info('waves at MaxConcurrency', run?.waves ?? 0),
      info('time per batch', run?.batchMs ?? 0, 'ms'),
      info('estimated wall time', (run?.wallTimeMs ?? 0) / 60_000, 'min'),
      equals('CE calls per day', ce.perDay, 'calls', expectedCalls),
      info('estimated monthly cost', estimate.totalUsdPerMonth, 'USD'),
    ],
    tables: [
      {
        title: 'monthly cost (us-east-1 list prices, 30-day month)',
        columns: ['item', 'quantity', 'unit', 'USD/month'],
        rows: [
          ...estimate.lines.map((l) => [l.item, l.quantity, l.unit, l.usdPerMonth.toFixed(2)]),
          ['total', '', '', estimate.totalUsdPerMonth.toFixed(2)],
        ],
      },
      {
        title: 'Cost Explorer calls per day',
        columns: ['source', 'calls'],
        rows: [
          ['series pages', ce.seriesPages],
          ['workload queries', ce.workloadQueries],
          ['driver lookups', ce.driverLookups],
          ['GetAnomalies', ce.getAnomalies],
          ['tag keys × pages', ce.requiredTagKeys * ce.tagSpendPagesPerKey],
        ],
      },
    ],
    notes: [
      'arithmetic over COST_ASSUMPTIONS in infra/cost-estimate.ts (durations, pages, volumes), not measured in AWS',
      `wall time = waves × time per batch + aggregator (${COST_ASSUMPTIONS.aggregateBaseMs} ms + ${COST_ASSUMPTIONS.aggregateMsPerAccount} ms per account)`,
      'Cost Explorer pages per 1,000 accounts are assumed: AWS does not document the page size of GetCostAndUsage',
    ],
  };
}
