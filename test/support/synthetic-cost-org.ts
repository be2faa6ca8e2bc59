/**
 * A small organization with one open cost anomaly of each kind the demo
 * shows, as FOCUS `costs.csv` rows, `metrics.csv` points and a config, so a
 * property test can take data away and run the check hundreds of times.
 * Judged at {@link ORG_NOW}; 60 complete days end the day before.
 */
import { configSchema, type GuardrailsConfig } from '../../shared/config/schema.js';

export const ORG_NOW = new Date('2026-11-20T06:00:00Z');
export const ORG_DAYS = 60;
const FIRST = Date.parse('2026-09-21T00:00:00Z');
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of day `i` of the window (0 = first, 59 = the day before ORG_NOW). */
export const orgDay = (i: number): string => new Date(FIRST + i * DAY_MS).toISOString().slice(0, 10);

/** A little weekly-free wiggle so the spread is never zero. */
const wiggle = (i: number) => 1 + 0.03 * Math.sin(i * 2.3);
const grow = (i: number) => (i >= 57 ? 1.8 : 1);

export const ETL = '111111111111';
export const SEARCH = '222222222222';
export const SHOP = '333333333333';
export const UNMAPPED = '444444444444';
export const ORG_ACCOUNTS = [ETL, SEARCH, SHOP, UNMAPPED] as const;

/** Daily cost per account and service: etl wastes (EC2 x2.5, flat demand), search is cut, shop grows with demand, the unmapped account spikes. */
const COSTS: Record<string, Record<string, (i: number) => number>> = {
  [ETL]: { EC2: (i) => 80 * wiggle(i) * (i >= 57 ? 2.5 : 1), S3: (i) => 20 * wiggle(i + 1) },
  [SEARCH]: { EC2: (i) => (i >= 54 ? 50 : 100 * wiggle(i)), S3: (i) => 20 * wiggle(i + 2) },
  [SHOP]: { EC2: (i) => 100 * wiggle(i) * grow(i), S3: (i) => 10 * wiggle(i + 3) },
  [UNMAPPED]: { EC2: (i) => (i >= 58 ? 300 : 60 * wiggle(i)), S3: (i) => 10 * wiggle(i + 4) },
};

/** Daily metric values by query id. */
const METRICS: Record<string, (i: number) => number> = {
  etl_rows: (i) => 1000 * wiggle(i + 3),
  etl_errors: () => 0.001,
  search_requests: (i) => 5000 * wiggle(i + 5),
  search_p99: (i) => (i >= 56 ? 0.95 : 0.4),
  shop_requests: (i) => 2000 * wiggle(i) * grow(i),
  shop_p99: () => 0.3,
};
export const ORG_METRIC_IDS = Object.keys(METRICS);

const FOCUS_HEADER =
  'ChargeCategory,ChargePeriodStart,EffectiveCost,RegionId,ResourceId,ServiceName,SkuId,SubAccountId,Tags';

/** One (account, day): every row of that account on that day. */
export interface AccountDay {
  readonly account: string;
  readonly day: number;
}

/** `costs.csv` without the rows of the given (account, day) pairs. */
export function orgCostsCsv(without: readonly AccountDay[] = []): string {
  const dropped = new Set(without.map((d) => `${d.account}@${d.day}`));
  const lines = [FOCUS_HEADER];
  for (let i = 0; i < ORG_DAYS; i++) {
    for (const [account, services] of Object.entries(COSTS)) {
      if (dropped.has(`${account}@${i}`)) continue;
      for (const [service, usd] of Object.entries(services)) {
        lines.push(
          `Usage,${orgDay(i)}T00:00:00Z,${usd(i).toFixed(4)},us-east-1,NULL,${service},BoxUsage,${account},NULL`,
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `metrics.csv` without the given (metric id, day) points. */
export function orgMetricsCsv(without: ReadonlyArray<{ id: string; day: number }> = []): string {
  const dropped = new Set(without.map((p) => `${p.id}@${p.day}`));
  const lines = ['Timestamp,Id,Value'];
  for (let i = 0; i < ORG_DAYS; i++) {
    for (const [id, value] of Object.entries(METRICS)) {
      if (!dropped.has(`${id}@${i}`)) lines.push(`${orgDay(i)}T00:00:00.000Z,${id},${value(i)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const metric = (id: string, stat = 'Sum') => ({ id, namespace: 'Org', metricName: id, stat });
const workload = (name: string, account: string, demand: string, slo: string, threshold: number) => ({
  name,
  owner: { team: name },
  costFilter: { accounts: [account] },
  demand: { metric: metric(demand), unit: 'requests' },
  slos: [{ name: `${name}-slo`, metric: metric(slo, 'p99'), objective: { comparison: '<=', threshold } }],
});

/** The organization's config: three workloads, the fourth account unmapped. */
export const orgConfig: GuardrailsConfig = configSchema.parse({
  version: 1,
  workloads: [
    workload('etl', ETL, 'etl_rows', 'etl_errors', 0.01),
    workload('search', SEARCH, 'search_requests', 'search_p99', 0.8),
    workload('shop', SHOP, 'shop_requests', 'shop_p99', 0.8),
  ],
  anomaly: {
    lookbackDays: ORG_DAYS,
    minImpactUsd: 10,
    relativeThreshold: 0.25,
    unsafeSavingWindowDays: 3,
    wasteErrorAboveUsdPerMonth: 1000,
    useAwsAnomalies: false,
    useBudgets: false,
  },
});
