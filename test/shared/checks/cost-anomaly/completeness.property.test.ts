/**
 * Taking data away never resolves, lowers or invents a cost anomaly: it
 * either changes nothing or yields a scan gap. A first run on a complete
 * organization opens one anomaly of each kind; fast-check then removes
 * any (account, day) rows of `costs.csv` and any metric points, and the
 * rerun, at the same moment and from the same state, may send scan gaps only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../../shared/adapters/memory/memory-state.js';
import type { CheckState } from '../../../../shared/core/state.js';
import { runCostFiles } from '../../../support/cost-check-runs.js';
import {
  type AccountDay,
  ORG_ACCOUNTS,
  ORG_DAYS,
  ORG_METRIC_IDS,
  ORG_NOW,
  orgConfig,
  orgCostsCsv,
  orgMetricsCsv,
} from '../../../support/synthetic-cost-org.js';

let dir: string;
let opened: CheckState;

const run = (state: MemoryStateStore, costs: string, metrics: string) =>
  runCostFiles({ dir, config: orgConfig, now: ORG_NOW, state }, costs, metrics);

// Generous: each run reads and judges a whole organization, and CI machines are shared.
const SLOW = 180_000;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'completeness-property-'));
  const state = new MemoryStateStore();
  const report = await run(state, orgCostsCsv(), orgMetricsCsv());
  // The property is only worth something if the complete run opened every kind of anomaly.
  expect(report.events.map((e) => e.dedupkey.split(':').slice(2).join(':')).sort()).toEqual([
    '444444444444:EC2:cost-only',
    'etl:waste',
    'search:unsafe-saving',
    'shop:demand-growth',
  ]);
  opened = await state.load('cost-anomaly');
}, SLOW);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Days of an account's rows to remove: never its first, which a file cannot tell from a new account's. */
const accountDays = fc.uniqueArray(
  fc.record({
    account: fc.constantFrom(...ORG_ACCOUNTS),
    day: fc.oneof(
      fc.integer({ min: ORG_DAYS - 8, max: ORG_DAYS - 1 }),
      fc.integer({ min: 1, max: ORG_DAYS - 1 }),
    ),
  }),
  { maxLength: 4, selector: (d) => `${d.account}@${d.day}` },
);
/** The last `n` days cut for every account, as an export that stops early. */
const cutDays = fc.integer({ min: 0, max: 3 });
/** Metric points to remove: a few scattered ones, and a run of days (a metric that went silent for a while). */
const metricPoints = fc
  .tuple(
    fc.array(
      fc.record({
        id: fc.constantFrom(...ORG_METRIC_IDS),
        day: fc.oneof(
          fc.integer({ min: ORG_DAYS - 12, max: ORG_DAYS - 1 }),
          fc.integer({ min: 0, max: ORG_DAYS - 1 }),
        ),
      }),
      { maxLength: 4 },
    ),
    fc.record({
      id: fc.constantFrom(...ORG_METRIC_IDS),
      last: fc.integer({ min: ORG_DAYS - 4, max: ORG_DAYS - 1 }),
      length: fc.integer({ min: 0, max: 8 }),
    }),
  )
  .map(([scattered, run]) => [
    ...scattered,
    ...Array.from({ length: run.length }, (_, k) => ({ id: run.id, day: run.last - k })),
  ]);

const days = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);
/** The reported cases, always tried first: the SLO silent on the breach days, demand silent on the growth days, one account's last day lost. */
const REPORTED: Array<[AccountDay[], number, Array<{ id: string; day: number }>]> = [
  [[], 0, days(56, 59).map((day) => ({ id: 'search_p99', day }))],
  [[], 0, days(57, 59).map((day) => ({ id: 'shop_requests', day }))],
  [[{ account: ORG_ACCOUNTS[0], day: ORG_DAYS - 1 }], 0, []],
  [[], 1, []],
];

describe('completeness of costs and metrics', () => {
  it(
    'never resolves, lowers or invents a cost anomaly when rows or points are taken away: it sends scan gaps or nothing',
    async () => {
      await fc.assert(
        fc.asyncProperty(accountDays, cutDays, metricPoints, async (removed, cut, points) => {
          const cutRows: AccountDay[] = ORG_ACCOUNTS.flatMap((account) =>
            Array.from({ length: cut }, (_, k) => ({ account, day: ORG_DAYS - 1 - k })),
          );
          const state = new MemoryStateStore(new Map([['cost-anomaly', opened]]));
          const report = await run(state, orgCostsCsv([...removed, ...cutRows]), orgMetricsCsv(points));
          const notGaps = report.events.filter(
            (e) => e.action !== 'trigger' || e.type !== 'finops-guardrails.guardrail.scan-gap',
          );
          expect(notGaps).toEqual([]);
          if (removed.length + cutRows.length > 0) expect(report.scope.failed.length).toBeGreaterThan(0);
        }),
        { numRuns: 60, examples: REPORTED },
      );
    },
    SLOW,
  );
});
