/**
 * The cost check's ports over local files: a CostSource over `costs.csv`
 * (FOCUS) and a MetricSource over `metrics.csv`. Each file is read once per
 * source (so once per run), streaming: only the daily aggregation is kept,
 * never the rows, so a million-row export fits.
 */
import { join } from 'node:path';
import type { GuardrailsConfig } from '../../config/schema.js';
import { type InputError, ScanError } from '../../core/errors.js';
import type { ProgressLog } from '../../core/ports.js';
import type {
  CostDriver,
  CostFilter,
  CostSeries,
  CostSource,
  DailyCost,
  MetricSource,
} from '../../core/sources.js';
import { FocusCoverage } from './focus-coverage.js';
import { readFocusCsv } from './focus-csv.js';
import type { FocusRow } from './focus-row.js';
import { parseMetricsCsv } from './metrics-csv.js';

/** Cost Explorer record types that `anomaly.includeRecordTypes` can bring back into the series. */
export type RecordType = GuardrailsConfig['anomaly']['includeRecordTypes'][number];

const DAY_MS = 86_400_000;
/** Drivers returned per pair, largest change first. */
export const MAX_DRIVERS = 25;

/**
 * The Cost Explorer record type of a FOCUS row, so that file mode and AWS
 * mode leave out the same charges (`DEFAULT_EXCLUDED_RECORD_TYPES` of the
 * Cost Explorer adapter):
 * - `Usage` (or no ChargeCategory) → `Usage`: always in the series;
 * - `Purchase` (support plans, RI and Savings Plans fees) → `Fee`: always in
 *   the series, as Cost Explorer's Support, Upfront and Recurring are; a
 *   monthly fee is what the detector's month-start profile learns;
 * - `Credit` → `Credit`, `Tax` → `Tax`, `Adjustment` → `Refund`: left out
 *   unless `anomaly.includeRecordTypes` lists them.
 */
export function recordTypeOf(row: Pick<FocusRow, 'chargeCategory'>): RecordType | 'Usage' | 'Fee' {
  switch (row.chargeCategory) {
    case null:
    case 'Usage':
      return 'Usage';
    case 'Purchase':
      return 'Fee';
    case 'Credit':
      return 'Credit';
    case 'Tax':
      return 'Tax';
    case 'Adjustment':
      return 'Refund';
  }
}

function included(row: FocusRow, types: ReadonlySet<string>): boolean {
  const type = recordTypeOf(row);
  return type === 'Usage' || type === 'Fee' || types.has(type);
}

type Daily = Map<string, number>;

interface PairAggregate {
  readonly accountId: string;
  readonly service: string;
  readonly daily: Daily;
  /** Cost by tag set: rows share their frozen tags object, so identity groups them cheaply. */
  readonly byTags: Map<Readonly<Record<string, string>>, Daily>;
  /** Cost by (usage type, region, resource). */
  readonly byDriver: Map<string, { usageType: string; region: string; resourceId?: string; daily: Daily }>;
}

interface CostAggregate {
  readonly pairs: Map<string, PairAggregate>;
  /** Which accounts and days the file has rows for: what it vouches for. */
  readonly coverage: FocusCoverage;
}

/** Bad lines logged one by one; past this, only the count (which the scan error gives too). */
const LOGGED_BAD_LINES = 20;

/** The error of a read that met bad lines: their count and the first, by `file:line`. */
function badLinesError(
  scope: string,
  name: string,
  noun: string,
  count: number,
  first: InputError | undefined,
) {
  const plural = count === 1 ? '' : 's';
  return new ScanError(scope, `${name}: ${count} bad ${noun}${plural}, first: ${first?.message ?? '?'}`, {
    cause: first,
  });
}

const add = (daily: Daily, day: string, usd: number) => daily.set(day, (daily.get(day) ?? 0) + usd);

/** Options of {@link focusCostSource}. */
export interface CostFiles {
  readonly dir: string;
  readonly log: ProgressLog;
  /** `anomaly.includeRecordTypes`: record types kept besides usage. */
  readonly includeRecordTypes: readonly RecordType[];
  /** Default `costs.csv` in `dir`. */
  readonly file?: string;
}

async function aggregate(path: string, name: string, files: CostFiles): Promise<CostAggregate> {
  const types = new Set<string>(files.includeRecordTypes);
  const pairs = new Map<string, PairAggregate>();
  const coverage = new FocusCoverage();
  let errors = 0;
  let firstError: InputError | undefined;
  for await (const item of readFocusCsv({ path, name })) {
    if ('error' in item) {
      firstError ??= item.error;
      if (errors++ < LOGGED_BAD_LINES) files.log.warn(item.error.message);
      continue;
    }
    const row = item.row;
    const day = row.chargePeriodStart.slice(0, 10);
    const accountId = row.subAccountId ?? '';
    // Any row, of any charge category, shows the export has the account's day.
    coverage.add(accountId, day);
    if (!included(row, types)) continue;
    const service = row.serviceName ?? 'unknown';
    const key = `${accountId}\u0000${service}`;
    let pair = pairs.get(key);
    if (!pair) {
      pair = { accountId, service, daily: new Map(), byTags: new Map(), byDriver: new Map() };
      pairs.set(key, pair);
    }
    add(pair.daily, day, row.cost);
    let tagged = pair.byTags.get(row.tags);
    if (!tagged) {
      tagged = new Map();
      pair.byTags.set(row.tags, tagged);
    }
    add(tagged, day, row.cost);
    const usageType = row.skuId ?? row.chargeDescription ?? 'unknown';
    const region = row.regionId ?? 'global';
    const driverKey = `${usageType}\u0000${region}\u0000${row.resourceId ?? ''}`;
    let driver = pair.byDriver.get(driverKey);
    if (!driver) {
      driver = { usageType, region, ...(row.resourceId && { resourceId: row.resourceId }), daily: new Map() };
      pair.byDriver.set(driverKey, driver);
    }
    add(driver.daily, day, row.cost);
  }
  // A series missing a row would read as a saving: the whole read fails, so the `costs` scope does.
  if (errors > 0) throw badLinesError('costs', name, 'row', errors, firstError);
  // `dataEndsOn` lets the CLI say when a run judges days past the end of the export.
  if (coverage.lastDay !== null)
    files.log.info(`${name}: charges from ${coverage.firstDay} to ${coverage.lastDay}`, {
      dataEndsOn: coverage.lastDay,
    });
  return { pairs, coverage };
}

function daysOf(start: Date, end: Date): string[] {
  const days: string[] = [];
  const first = Math.floor(start.getTime() / DAY_MS) * DAY_MS;
  for (let t = first; t < end.getTime(); t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/**
 * A series over every day of [start, end), from the accounts whose rows it
 * sums. A day is `missing` (and never judged) when any of those accounts is
 * missing from the file that day (see {@link FocusCoverage}): a lost row
 * must read as missing data, not as a sudden saving.
 */
function seriesOf(
  key: CostSeries['key'],
  days: readonly string[],
  daily: Daily,
  accounts: readonly string[],
  coverage: FocusCoverage,
): CostSeries {
  const out: DailyCost[] = days.map((day) => {
    const missing = accounts.some((account) => coverage.status(account, day) === 'missing');
    return missing
      ? { day, usd: daily.get(day) ?? 0, estimated: true, missing: true }
      : { day, usd: daily.get(day) ?? 0, estimated: false };
  });
  return { key, days: out };
}

/**
 * Fails the read when the file has no row in the window: a header-only file,
 * or one that ends before the window starts, observes nothing, and must not
 * pass for an organization that spent nothing.
 */
function requireRowsIn(agg: CostAggregate, name: string, days: readonly string[]): void {
  const first = days[0];
  const last = days[days.length - 1];
  if (first === undefined || last === undefined || agg.coverage.hasRowsWithin(first, last)) return;
  throw new ScanError('costs', `${name} has no cost rows between ${first} and ${last}`);
}

/** True when a row's tags satisfy a filter: every key present, with one of the values (any value if none listed). */
export function tagsMatch(tags: Readonly<Record<string, string>>, filter: CostFilter['tags']): boolean {
  for (const [key, values] of Object.entries(filter)) {
    const value = Object.hasOwn(tags, key) ? tags[key] : undefined;
    if (value === undefined || value === '') return false;
    if (values.length > 0 && !values.includes(value)) return false;
  }
  return true;
}

function pairInFilter(pair: PairAggregate, filter: CostFilter): boolean {
  return (
    (filter.accounts.length === 0 || filter.accounts.includes(pair.accountId)) &&
    (filter.services.length === 0 || filter.services.includes(pair.service))
  );
}

function meanOver(daily: Daily, range: { start: Date; end: Date }): number {
  const days = daysOf(range.start, range.end);
  if (days.length === 0) return 0;
  let sum = 0;
  for (const day of days) sum += daily.get(day) ?? 0;
  return sum / days.length;
}

/**
 * `costs.csv` (FOCUS) as a CostSource: daily cost per (SubAccountId,
 * ServiceName); workload series by cost filter (accounts, services, and tags
 * matched exactly against the FOCUS Tags column); drivers per SkuId
 * (usage type), RegionId and ResourceId. Usage only, unless
 * `includeRecordTypes` brings other charges back (see {@link recordTypeOf}).
 * Bad rows are logged (the first {@link LOGGED_BAD_LINES}), and then every
 * read throws a {@link ScanError} naming their count and the first
 * `file:line`, as an unreadable file does: the check reports a scan gap and
 * holds its open findings rather than judge a series with rows missing.
 * Completeness comes from the rows themselves ({@link FocusCoverage}): a day
 * an account has no row for, though it has rows on other days, is `missing`
 * in that account's series, and a file with no row in the window fails the
 * read.
 */
export function focusCostSource(
  files: CostFiles,
): CostSource & { readonly load: () => Promise<CostAggregate> } {
  const name = files.file ?? 'costs.csv';
  let loaded: Promise<CostAggregate> | undefined;
  const load = () => {
    loaded ??= aggregate(join(files.dir, name), name, files);
    return loaded;
  };
  return {
    name,
    load,
    async dailyCostByAccountAndService({ start, end }) {
      const agg = await load();
      const days = daysOf(start, end);
      requireRowsIn(agg, name, days);
      const first = days[0] ?? '';
      const last = days[days.length - 1] ?? '';
      const out: CostSeries[] = [];
      for (const pair of agg.pairs.values()) {
        if (![...pair.daily.keys()].some((d) => d >= first && d <= last)) continue;
        const key = { accountId: pair.accountId, service: pair.service };
        out.push(seriesOf(key, days, pair.daily, [pair.accountId], agg.coverage));
      }
      return out;
    },
    async dailyCostByWorkload({ start, end, workloads }) {
      const agg = await load();
      const days = daysOf(start, end);
      requireRowsIn(agg, name, days);
      return workloads.map(({ name: workload, filter }) => {
        const daily: Daily = new Map();
        const hasTags = Object.keys(filter.tags).length > 0;
        for (const pair of agg.pairs.values()) {
          if (!pairInFilter(pair, filter)) continue;
          if (!hasTags) {
            for (const [day, usd] of pair.daily) add(daily, day, usd);
            continue;
          }
          for (const [tags, tagged] of pair.byTags) {
            if (tagsMatch(tags, filter.tags)) for (const [day, usd] of tagged) add(daily, day, usd);
          }
        }
        // Its cost may sit in any account it names, or in any account at all when it names none.
        const accounts = filter.accounts.length > 0 ? filter.accounts : agg.coverage.accounts();
        return seriesOf({ workload }, days, daily, accounts, agg.coverage);
      });
    },
    async drivers({ accountId, service, baseline, current }) {
      const agg = await load();
      const pair = agg.pairs.get(`${accountId}\u0000${service}`);
      if (!pair) return [];
      const drivers: CostDriver[] = [];
      for (const d of pair.byDriver.values()) {
        const before = meanOver(d.daily, baseline);
        const now = meanOver(d.daily, current);
        if (before === 0 && now === 0) continue;
        drivers.push({
          usageType: d.usageType,
          region: d.region,
          ...(d.resourceId !== undefined && { resourceId: d.resourceId }),
          baselineUsdPerDay: before,
          currentUsdPerDay: now,
        });
      }
      const change = (d: CostDriver) => Math.abs(d.currentUsdPerDay - d.baselineUsdPerDay);
      return drivers.sort((a, b) => change(b) - change(a)).slice(0, MAX_DRIVERS);
    },
  };
}

/**
 * `metrics.csv` (`Timestamp,Id,Value`) as a MetricSource: the points of each
 * requested query id within [start, end). Read once. Bad lines are logged
 * (the first {@link LOGGED_BAD_LINES}), and then every read throws a
 * {@link ScanError} naming their count and the first `file:line`, as an
 * unreadable file does (the check reports a scan gap).
 */
export function fileMetricSource(files: {
  readonly dir: string;
  readonly log: ProgressLog;
  readonly file?: string;
}): MetricSource {
  const name = files.file ?? 'metrics.csv';
  let loaded: ReturnType<typeof parseMetricsCsv> | undefined;
  return {
    name,
    async dailyMetrics({ queries, start, end }) {
      loaded ??= parseMetricsCsv({ path: join(files.dir, name), name }).then((result) => {
        for (const error of result.errors.slice(0, LOGGED_BAD_LINES)) files.log.warn(error.message);
        if (result.errors.length > 0)
          throw badLinesError('metrics', name, 'line', result.errors.length, result.errors[0]);
        return result;
      });
      const { series } = await loaded;
      const from = start.toISOString();
      const to = end.toISOString();
      const out = new Map<string, Array<{ timestamp: string; value: number }>>();
      for (const query of queries) {
        const points = (series.get(query.id) ?? []).filter((p) => p.timestamp >= from && p.timestamp < to);
        out.set(query.id, points);
      }
      return out;
    },
  };
}
