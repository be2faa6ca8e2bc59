import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type FocusRow, parseFocusCsv, readFocusCsv } from '../../../../shared/adapters/file/focus-csv.js';
import { DailyCostAccumulator, dailyCostBy } from '../../../../shared/adapters/file/focus-daily-cost.js';

const SAMPLE = fileURLToPath(new URL('../../../fixtures/focus/focus-1.0-sample.csv', import.meta.url));

const row = (chargePeriodStart: string, cost: number, subAccountId = '111111111111'): FocusRow => ({
  chargePeriodStart,
  cost,
  serviceName: 'Amazon EC2',
  subAccountId,
  regionId: 'us-east-1',
  resourceId: null,
  tags: {},
  chargeCategory: 'Usage',
  skuId: null,
  chargeDescription: null,
  consumedUnit: null,
  providerName: 'AWS',
});

describe('dailyCostBy', () => {
  it('sums hourly rows into one point per UTC day and key', () => {
    const hourly = Array.from({ length: 48 }, (_, hour) =>
      row(new Date(Date.UTC(2024, 8, 1, hour)).toISOString(), 0.25),
    );

    const daily = dailyCostBy(hourly, (r) => r.subAccountId);

    expect(daily).toEqual(
      new Map([
        [
          '111111111111',
          [
            { day: '2024-09-01', cost: 6 },
            { day: '2024-09-02', cost: 6 },
          ],
        ],
      ]),
    );
  });

  it('sorts days and leaves out rows whose key is null', () => {
    const rows = [
      row('2024-09-03T00:00:00.000Z', 1),
      row('2024-09-01T00:00:00.000Z', 2),
      row('2024-09-01T00:00:00.000Z', 5, '222222222222'),
    ];

    const daily = dailyCostBy(rows, (r) => (r.subAccountId === '222222222222' ? null : r.subAccountId));

    expect([...daily.keys()]).toEqual(['111111111111']);
    expect(daily.get('111111111111')?.map((p) => p.day)).toEqual(['2024-09-01', '2024-09-03']);
  });

  it('matches per-day totals computed independently on the FOCUS sample', async () => {
    // Hand-checked with Python (csv + Decimal): 629 (account, service, day) groups; the largest is
    // 11353890204 / Amazon Elastic Compute Cloud / 2024-09-27 at 2.00 of EffectiveCost.
    const accumulator = new DailyCostAccumulator((r) => `${r.subAccountId}|${r.serviceName}`);
    for await (const item of readFocusCsv({ path: SAMPLE })) if ('row' in item) accumulator.add(item.row);
    const daily = accumulator.result();

    const points = [...daily.values()].flat();
    expect(points).toHaveLength(629);
    const ec2 = daily.get('11353890204|Amazon Elastic Compute Cloud')?.find((p) => p.day === '2024-09-27');
    expect(ec2?.cost).toBeCloseTo(2, 9);
    const { rows } = await parseFocusCsv({ path: SAMPLE });
    const total = points.reduce((sum, p) => sum + p.cost, 0);
    expect(total).toBeCloseTo(
      rows.reduce((sum, r) => sum + r.cost, 0),
      9,
    );
  });
});
