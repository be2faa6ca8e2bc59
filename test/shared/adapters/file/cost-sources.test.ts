import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  fileMetricSource,
  focusCostSource,
  recordTypeOf,
  tagsMatch,
} from '../../../../shared/adapters/file/cost-sources.js';
import { ScanError } from '../../../../shared/core/errors.js';

const HEADER =
  'ChargeCategory,ChargePeriodStart,EffectiveCost,RegionId,ResourceId,ServiceName,SkuId,SubAccountId,Tags';
const row = (
  cat: string,
  day: string,
  cost: number,
  service: string,
  opts: { account?: string; resource?: string; sku?: string; tags?: string } = {},
) =>
  [
    cat,
    `${day} 00:00:00`,
    cost,
    'us-east-1',
    opts.resource ?? 'NULL',
    service,
    opts.sku ?? 'BoxUsage',
    opts.account ?? '111111111111',
    opts.tags ?? 'NULL',
  ].join(',');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cost-sources-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const log = () => ({ info: vi.fn(), warn: vi.fn() });
const write = (lines: string[]) =>
  writeFileSync(join(dir, 'costs.csv'), `${[HEADER, ...lines].join('\n')}\n`);
const range = { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-04T00:00:00Z') };

describe('recordTypeOf', () => {
  it('maps FOCUS charge categories to Cost Explorer record types, fees kept as one', () => {
    expect(recordTypeOf({ chargeCategory: null })).toBe('Usage');
    expect(recordTypeOf({ chargeCategory: 'Usage' })).toBe('Usage');
    expect(recordTypeOf({ chargeCategory: 'Purchase' })).toBe('Fee');
    expect(recordTypeOf({ chargeCategory: 'Credit' })).toBe('Credit');
    expect(recordTypeOf({ chargeCategory: 'Tax' })).toBe('Tax');
    expect(recordTypeOf({ chargeCategory: 'Adjustment' })).toBe('Refund');
  });
});

describe('focusCostSource', () => {
  it('sums daily cost per account and service, without credits, tax and refunds by default, with a zero for a day without usage', async () => {
    write([
      row('Usage', '2026-11-01', 10, 'EC2'),
      row('Usage', '2026-11-01', 5, 'EC2'),
      row('Credit', '2026-11-01', -7, 'EC2'),
      row('Tax', '2026-11-01', 2, 'EC2'),
      row('Adjustment', '2026-11-01', -1, 'EC2'),
      row('Purchase', '2026-11-01', 100, 'AWS Support (Business)'),
      // A row of any category shows the export has the account's day: no usage that day is a zero.
      row('Tax', '2026-11-02', 1, 'EC2'),
      row('Usage', '2026-11-03', 8, 'EC2'),
    ]);
    const source = focusCostSource({ dir, log: log(), includeRecordTypes: [] });
    const series = await source.dailyCostByAccountAndService(range);
    expect(series).toEqual([
      {
        key: { accountId: '111111111111', service: 'EC2' },
        days: [
          { day: '2026-11-01', usd: 15, estimated: false },
          { day: '2026-11-02', usd: 0, estimated: false },
          { day: '2026-11-03', usd: 8, estimated: false },
        ],
      },
      {
        key: { accountId: '111111111111', service: 'AWS Support (Business)' },
        days: [
          { day: '2026-11-01', usd: 100, estimated: false },
          { day: '2026-11-02', usd: 0, estimated: false },
          { day: '2026-11-03', usd: 0, estimated: false },
        ],
      },
    ]);
  });

  it('brings record types back when includeRecordTypes names them', async () => {
    write([
      row('Usage', '2026-11-01', 10, 'EC2'),
      row('Credit', '2026-11-01', -7, 'EC2'),
      row('Tax', '2026-11-01', 1, 'EC2'),
    ]);
    const source = focusCostSource({ dir, log: log(), includeRecordTypes: ['Credit'] });
    const series = await source.dailyCostByAccountAndService(range);
    expect(series.map((s) => [s.key.service, s.days[0]?.usd])).toEqual([['EC2', 3]]);
  });

  it('marks days the export does not cover as missing, so a short or stale file never reads as a saving', async () => {
    write([row('Usage', '2026-11-02', 10, 'EC2')]);
    const source = focusCostSource({ dir, log: log(), includeRecordTypes: [] });
    const [series] = await source.dailyCostByAccountAndService(range);
    expect(series?.days).toEqual([
      { day: '2026-11-01', usd: 0, estimated: true, missing: true },
      { day: '2026-11-02', usd: 10, estimated: false },
      { day: '2026-11-03', usd: 0, estimated: true, missing: true },
    ]);
  });

  it('fails the read of a header-only file, naming the file and the window: it observed nothing', async () => {
    write([]);
    const source = focusCostSource({ dir, log: log(), includeRecordTypes: [] });
    const error = await source.dailyCostByAccountAndService(range).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanError);
    expect(error).toMatchObject({
      scope: 'costs',
      reason: 'costs.csv has no cost rows between 2026-11-01 and 2026-11-03',
    });
    await expect(source.dailyCostByWorkload({ ...range, workloads: [] })).rejects.toBeInstanceOf(ScanError);
  });

  it('marks a day missing in every series of an account that has rows on other days, and only there', async () => {
    const other = { account: '222222222222' };
    write([
      row('Usage', '2026-11-01', 10, 'EC2'),
      row('Usage', '2026-11-01', 1, 'S3'),
      row('Usage', '2026-11-01', 20, 'EC2', other),
      row('Usage', '2026-11-02', 20, 'EC2', other),
      row('Usage', '2026-11-03', 10, 'EC2'),
      row('Usage', '2026-11-03', 20, 'EC2', other),
    ]);
    const source = focusCostSource({ dir, log: log(), includeRecordTypes: [] });
    const series = await source.dailyCostByAccountAndService(range);
    expect(
      series.map((s) => [s.key.accountId, s.key.service, s.days.map((d) => d.missing === true)]),
    ).toEqual([
      ['111111111111', 'EC2', [false, true, false]],
      ['111111111111', 'S3', [false, true, false]],
      ['222222222222', 'EC2', [false, false, false]],
    ]);
  });

  it('reads the days before a new account first appears as zero, not missing', async () => {
    write([
      row('Usage', '2026-11-01', 10, 'EC2'),
      row('Usage', '2026-11-02', 10, 'EC2'),
      row('Usage', '2026-11-03', 10, 'EC2'),
      row('Usage', '2026-11-03', 50, 'EC2', { account: '222222222222' }),
    ]);
    const source = focusCostSource({ dir, log: log(), includeRecordTypes: [] });
    const series = await source.dailyCostByAccountAndService(range);
    expect(series[1]?.days).toEqual([
      { day: '2026-11-01', usd: 0, estimated: false },
      { day: '2026-11-02', usd: 0, estimated: false },
      { day: '2026-11-03', usd: 50, estimated: false },
    ]);
  });

  it('marks a workload day missing when an account it names, or any account when it names none, has no rows that day', async () => {
    write([
      row('Usage', '2026-11-01', 10, 'EC2'),
      row('Usage', '2026-11-03', 10, 'EC2'),
      row('Usage', '2026-11-01', 20, 'EC2', { account: '222222222222' }),
      row('Usage', '2026-11-02', 20, 'EC2', { account: '222222222222' }),
      row('Usage', '2026-11-03', 20, 'EC2', { account: '222222222222' }),
    ]);
    const source = focusCostSource({ dir, log: log(), includeRecordTypes: [] });
    const filter = { services: [], tags: {} };
    const series = await source.dailyCostByWorkload({
      ...range,
      workloads: [
        { name: 'b-only', filter: { ...filter, accounts: ['222222222222'] } },
        { name: 'ec2', filter: { accounts: [], services: ['EC2'], tags: {} } },
        { name: 'absent', filter: { ...filter, accounts: ['999999999999'] } },
      ],
    });
    expect(series.map((s) => [s.key.workload, s.days.map((d) => d.missing === true)])).toEqual([
      ['b-only', [false, false, false]],
      ['ec2', [false, true, false]],
      ['absent', [true, true, true]],
    ]);
  });

  it('says on which day the export ends, so the CLI can tell a stale file from a quiet week', async () => {
    write([row('Usage', '2026-11-02', 10, 'EC2'), row('Usage', '2026-10-30', 10, 'EC2')]);
    const files = { dir, log: log(), includeRecordTypes: [] };
    await focusCostSource(files).dailyCostByAccountAndService(range);
    expect(files.log.info).toHaveBeenCalledWith('costs.csv: charges from 2026-10-30 to 2026-11-02', {
      dataEndsOn: '2026-11-02',
    });
  });

  it('builds workload series from accounts, services and exact tag values', async () => {
    write([
      row('Usage', '2026-11-01', 10, 'EC2', { tags: '"{""app"":""shop""}"' }),
      row('Usage', '2026-11-01', 20, 'EC2', { tags: '"{""app"":""blog""}"' }),
      row('Usage', '2026-11-01', 40, 'RDS', { tags: '"{""app"":""shop""}"' }),
      row('Usage', '2026-11-01', 80, 'EC2', { account: '222222222222', tags: '"{""app"":""shop""}"' }),
    ]);
    const source = focusCostSource({ dir, log: log(), includeRecordTypes: [] });
    const filter = (
      f: Partial<{ accounts: string[]; services: string[]; tags: Record<string, string[]> }>,
    ) => ({
      accounts: [],
      services: [],
      tags: {},
      ...f,
    });
    const series = await source.dailyCostByWorkload({
      ...range,
      workloads: [
        { name: 'shop', filter: filter({ tags: { app: ['shop'] } }) },
        { name: 'acct', filter: filter({ accounts: ['111111111111'] }) },
        { name: 'shop-ec2', filter: filter({ services: ['EC2'], tags: { app: ['shop'] } }) },
      ],
    });
    expect(series.map((s) => [s.key.workload, s.days[0]?.usd])).toEqual([
      ['shop', 130],
      ['acct', 70],
      ['shop-ec2', 90],
    ]);
  });

  it('gives drivers per usage type, region and resource, largest change first', async () => {
    write([
      row('Usage', '2026-11-01', 10, 'EC2', { resource: 'i-1' }),
      row('Usage', '2026-11-01', 10, 'EC2', { resource: 'i-2', sku: 'EBS' }),
      row('Usage', '2026-11-03', 90, 'EC2', { resource: 'i-1' }),
      row('Usage', '2026-11-03', 12, 'EC2', { resource: 'i-2', sku: 'EBS' }),
    ]);
    const source = focusCostSource({ dir, log: log(), includeRecordTypes: [] });
    const drivers = await source.drivers({
      accountId: '111111111111',
      service: 'EC2',
      baseline: { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-11-02T00:00:00Z') },
      current: { start: new Date('2026-11-03T00:00:00Z'), end: new Date('2026-11-04T00:00:00Z') },
    });
    expect(drivers).toEqual([
      {
        usageType: 'BoxUsage',
        region: 'us-east-1',
        resourceId: 'i-1',
        baselineUsdPerDay: 10,
        currentUsdPerDay: 90,
      },
      {
        usageType: 'EBS',
        region: 'us-east-1',
        resourceId: 'i-2',
        baselineUsdPerDay: 10,
        currentUsdPerDay: 12,
      },
    ]);
  });

  it('reads the file once per source, however many calls are made', async () => {
    write([row('Usage', '2026-11-01', 10, 'EC2')]);
    const source = focusCostSource({ dir, log: log(), includeRecordTypes: [] });
    await source.dailyCostByAccountAndService(range);
    rmSync(join(dir, 'costs.csv'));
    await expect(source.dailyCostByAccountAndService(range)).resolves.toHaveLength(1);
  });

  it('fails every read on bad rows, naming their count and the first file:line, and logs them', async () => {
    write([
      row('Usage', '2026-11-01', 10, 'EC2'),
      row('Usage', 'yesterday', 10, 'EC2'),
      row('Usage', '2026-11-02', 10, 'EC2', { tags: '{broken' }),
    ]);
    const l = log();
    const source = focusCostSource({ dir, log: l, includeRecordTypes: [] });
    const error = await source.dailyCostByAccountAndService(range).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanError);
    expect(error).toMatchObject({
      reason: expect.stringMatching(/^costs\.csv: 2 bad rows, first: costs\.csv:3: ChargePeriodStart: /),
    });
    await expect(source.dailyCostByWorkload({ ...range, workloads: [] })).rejects.toBeInstanceOf(ScanError);
    expect(l.warn.mock.calls.map(([m]) => String(m).slice(0, 12))).toEqual(['costs.csv:3:', 'costs.csv:4:']);
  });

  it('logs only the first 20 bad rows, and counts them all in the error', async () => {
    write(Array.from({ length: 25 }, () => row('Usage', 'someday', 1, 'EC2')));
    const l = log();
    const source = focusCostSource({ dir, log: l, includeRecordTypes: [] });
    await expect(source.dailyCostByAccountAndService(range)).rejects.toThrow(
      /costs\.csv: 25 bad rows, first: costs\.csv:2: /,
    );
    expect(l.warn).toHaveBeenCalledTimes(20);
  });

  it('fails the costs scope of the check on a bad row, so no series misses a row', async () => {
    const { costAnomalyCheck } = await import('../../../../shared/checks/cost-anomaly/check.js');
    const { parseConfig } = await import('../../../../shared/config/loader.js');
    write([row('Usage', '2026-11-01', 10, 'EC2'), row('Usage', '2026-11-02', Number.NaN, 'EC2')]);
    const check = costAnomalyCheck({ costs: focusCostSource({ dir, log: log(), includeRecordTypes: [] }) });
    const config = parseConfig('version: 1\norganization:\n  regions: [us-east-1]\n');
    const { scope } = await check.collect({ config, now: new Date('2026-11-04T06:00:00Z'), log: log() });
    expect(scope.completed).not.toContain('costs');
    expect(scope.failed).toContainEqual(
      expect.objectContaining({
        scope: 'costs',
        reason: expect.stringMatching(/^costs\.csv: 1 bad row, first: costs\.csv:3: EffectiveCost/),
      }),
    );
  });

  it('rejects when the file cannot be read', async () => {
    const missing = focusCostSource({ dir: join(dir, 'nope'), log: log(), includeRecordTypes: [] });
    await expect(missing.dailyCostByAccountAndService(range)).rejects.toThrow(/costs\.csv/);
  });
});

describe('tagsMatch', () => {
  it('needs every filter key present and non-empty, with an allowed value when values are listed', () => {
    expect(tagsMatch({ app: 'shop', env: 'prod' }, { app: ['shop'], env: [] })).toBe(true);
    expect(tagsMatch({ app: 'shop' }, { app: ['blog'] })).toBe(false);
    expect(tagsMatch({ app: '' }, { app: [] })).toBe(false);
    expect(tagsMatch({ App: 'shop' }, { app: ['shop'] })).toBe(false);
  });
});

describe('fileMetricSource', () => {
  it('returns the requested ids within [start, end), an empty list for an id without data', async () => {
    writeFileSync(
      join(dir, 'metrics.csv'),
      'Timestamp,Id,Value\n2026-10-31T00:00:00Z,req,1\n2026-11-01T00:00:00Z,req,2\n2026-11-01T00:00:00Z,other,3\n2026-11-04T00:00:00Z,req,4\n',
    );
    const source = fileMetricSource({ dir, log: log() });
    const query = (id: string) => ({
      id,
      namespace: 'A',
      metricName: 'B',
      dimensions: {},
      stat: 'Sum',
      period: 86_400,
    });
    const result = await source.dailyMetrics({ queries: [query('req'), query('none')], ...range });
    expect(result).toEqual(
      new Map([
        ['req', [{ timestamp: '2026-11-01T00:00:00.000Z', value: 2 }]],
        ['none', []],
      ]),
    );
  });

  it('fails every read on bad lines, naming their count and the first file:line, and logs them', async () => {
    writeFileSync(
      join(dir, 'metrics.csv'),
      'Timestamp,Id,Value\n2026-11-01T00:00:00Z,req,2\n2026-11-02T00:00:00Z,req,lots\n2026-11-01T00:00:00Z,req,3\n',
    );
    const l = log();
    const source = fileMetricSource({ dir, log: l });
    const read = () => source.dailyMetrics({ queries: [], ...range });
    const error = await read().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanError);
    expect(error).toMatchObject({
      scope: 'metrics',
      reason: 'metrics.csv: 2 bad lines, first: metrics.csv:3: Value: not a number: "lots"',
    });
    await expect(read()).rejects.toBeInstanceOf(ScanError);
    expect(l.warn).toHaveBeenCalledTimes(2);
  });

  it('rejects when metrics.csv is missing, so the check reports a scan gap', async () => {
    const source = fileMetricSource({ dir, log: log() });
    await expect(source.dailyMetrics({ queries: [], ...range })).rejects.toThrow(/metrics\.csv/);
  });
});
