import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFocusCsv, readFocusCsv } from '../../../../shared/adapters/file/focus-csv.js';
import { parseArn } from '../../../../shared/core/arn.js';
import { InputError } from '../../../../shared/core/errors.js';

const fixture = (file: string): string =>
  fileURLToPath(new URL(`../../../fixtures/focus/${file}`, import.meta.url));
const SAMPLE = fixture('focus-1.0-sample.csv');

// Hand-checked once with Python's csv module and decimal.Decimal over the same file:
//   sum(Decimal(r['BilledCost'])) = 20.52022672899, sum(Decimal(r['EffectiveCost'])) = 14.97651418586,
//   Tags == 'NULL' on 289 rows, RegionId == 'NULL' on 7, ResourceId == 'NULL' on 75.
const SAMPLE_BILLED_TOTAL = 20.52022672899;
const SAMPLE_EFFECTIVE_TOTAL = 14.97651418586;

describe('parseFocusCsv on the FOCUS 1.0 sample', () => {
  it('reads every record, without errors', async () => {
    // Prepare: the sample has no quoted newlines, so records = non-empty lines - header.
    const lines = readFileSync(SAMPLE, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');

    // Act
    const { rows, errors, costColumn } = await parseFocusCsv({ path: SAMPLE });

    // Assess
    expect(errors).toEqual([]);
    expect(costColumn).toBe('EffectiveCost');
    expect(rows).toHaveLength(lines.length - 1);
    expect(rows).toHaveLength(1000);
  });

  it('sums BilledCost to the total taken from the raw text', async () => {
    // BilledCost is the second column and the first is NULL or a comma-free quoted string.
    const text = readFileSync(SAMPLE, 'utf8');
    const billed = [...text.matchAll(/^(?:NULL|"[^",]*"),(-?[\d.]+),/gm)].map((match) => Number(match[1]));
    expect(billed).toHaveLength(1000);
    const fromText = billed.reduce((sum, value) => sum + value, 0);

    const { rows } = await parseFocusCsv({ path: SAMPLE }, { costColumn: 'BilledCost' });

    const total = rows.reduce((sum, row) => sum + row.cost, 0);
    expect(total).toBeCloseTo(fromText, 9);
    expect(total).toBeCloseTo(SAMPLE_BILLED_TOTAL, 9);
  });

  it('sums EffectiveCost, the default column, to the hand-checked total', async () => {
    const { rows } = await parseFocusCsv({ path: SAMPLE });

    expect(rows.reduce((sum, row) => sum + row.cost, 0)).toBeCloseTo(SAMPLE_EFFECTIVE_TOTAL, 9);
  });

  it('turns NULL literals into null, and NULL Tags into no tags', async () => {
    const { rows } = await parseFocusCsv({ path: SAMPLE });

    expect(rows.filter((row) => Object.keys(row.tags).length === 0)).toHaveLength(289);
    expect(rows.filter((row) => row.regionId === null)).toHaveLength(7);
    expect(rows.filter((row) => row.resourceId === null)).toHaveLength(75);
    expect(rows.some((row) => Object.values(row).includes('NULL'))).toBe(false);
  });

  it('keeps quoted commas inside a field', async () => {
    const { rows } = await parseFocusCsv({ path: SAMPLE });

    expect(rows[28]?.chargeDescription).toBe('$0.01 per 1,000 requests');
  });

  it('decodes the Tags JSON with doubled quotes', async () => {
    const { rows } = await parseFocusCsv({ path: SAMPLE });

    expect(rows[1]).toMatchObject({
      tags: { application: 'BrightLensMatrix', environment: 'dev', business_unit: 'ViennaAI' },
      subAccountId: '43883916739',
      serviceName: 'Elastic Load Balancing',
      chargePeriodStart: '2024-09-30T22:00:00.000Z',
      cost: 0,
    });
  });

  it('shares one frozen tags object between rows with the same Tags text', async () => {
    const { rows } = await parseFocusCsv({ path: SAMPLE });

    const tagged = rows.filter((row) => Object.keys(row.tags).length > 0);
    const byText = new Map(tagged.map((row) => [JSON.stringify(row.tags), row.tags]));
    expect(tagged.every((row) => byText.get(JSON.stringify(row.tags)) === row.tags)).toBe(true);
    expect(Object.isFrozen(rows[1]?.tags)).toBe(true);
  });

  it('reads the first row completely', async () => {
    const { rows } = await parseFocusCsv({ path: SAMPLE });

    expect(rows[0]).toEqual({
      chargePeriodStart: '2024-09-18T22:00:00.000Z',
      cost: 0,
      serviceName: 'Amazon Simple Queue Service',
      subAccountId: '51738928782',
      regionId: 'us-west-2',
      resourceId: 'arn:ats:sqs:us-test-2:347410479675:mibelllmel-i-032l64f2065481b12',
      tags: {},
      chargeCategory: 'Usage',
      skuId: 'G95FST5FTYV3JSRX',
      chargeDescription: '$0.40 per million Amazon SQS standard requests in Tier1 in US West (Oregon)',
      consumedUnit: 'Requests',
      providerName: 'AWS',
    });
  });

  it('reads credits as negative costs', async () => {
    const { rows } = await parseFocusCsv({ path: SAMPLE });

    const credits = rows.filter((row) => row.chargeCategory === 'Credit');
    expect(credits.map((row) => row.cost)).toEqual([-3]);
  });

  it('has resource ARNs with anonymised partitions that parseArn accepts', async () => {
    const { rows } = await parseFocusCsv({ path: SAMPLE });

    const arns = rows.flatMap((row) => (row.resourceId?.startsWith('arn:') ? [row.resourceId] : []));
    expect(arns.length).toBeGreaterThan(0);
    for (const arn of arns) expect(parseArn(arn).partition).toBe('ats');
  });
});

describe('parseFocusCsv on hand-written files', () => {
  it('drops a UTF-8 BOM and falls back to BilledCost without an EffectiveCost column', async () => {
    const { rows, errors, costColumn } = await parseFocusCsv({ path: fixture('bom.csv') });

    expect(errors).toEqual([]);
    expect(costColumn).toBe('BilledCost');
    expect(rows).toEqual([
      expect.objectContaining({ chargePeriodStart: '2024-09-01T00:00:00.000Z', cost: 1.5 }),
    ]);
  });

  it('throws an InputError naming the file and the missing column', async () => {
    const path = fixture('missing-column.csv');

    const parsing = parseFocusCsv({ path });

    await expect(parsing).rejects.toBeInstanceOf(InputError);
    await expect(parsing).rejects.toThrow(`${path}: missing required FOCUS column: RegionId`);
  });

  it('throws when the chosen cost column is absent', async () => {
    const parsing = parseFocusCsv({ path: fixture('bom.csv') }, { costColumn: 'EffectiveCost' });

    await expect(parsing).rejects.toThrow('missing required FOCUS column: EffectiveCost');
  });

  it('reports each bad row by line and column, and keeps the good rows', async () => {
    const { rows, errors } = await parseFocusCsv({ path: fixture('bad-rows.csv'), name: 'bad-rows.csv' });

    expect(errors.map((error) => error.message)).toEqual([
      'bad-rows.csv:3: EffectiveCost: not a number: "abc"',
      expect.stringMatching(/^bad-rows\.csv:4: Tags: invalid JSON/),
      'bad-rows.csv:5: ChargePeriodStart: not a timestamp: "2024-09-31 03:00:00"',
      'bad-rows.csv:7: ChargeCategory: unknown value "Refund"',
    ]);
    expect(errors.map((error) => error.location)).toEqual([
      'bad-rows.csv:3',
      'bad-rows.csv:4',
      'bad-rows.csv:5',
      'bad-rows.csv:7',
    ]);
    expect(rows.map((row) => [row.cost, row.serviceName, row.chargeCategory, row.regionId])).toEqual([
      [0.9, 'Amazon EC2', 'Usage', 'us-east-1'],
      [0, 'Amazon EC2, Spot', 'Usage', 'us-east-1'],
      [4, 'Amazon EC2', 'Tax', null],
    ]);
    expect(rows[0]?.tags).toEqual({ team: 'web' });
  });

  it('rejects Tags that are JSON but not an object of scalars', async () => {
    const text =
      'ChargePeriodStart,BilledCost,ServiceName,SubAccountId,RegionId,ResourceId,Tags\n2024-09-01,1,S3,1,r,x,"[1,2]"\n';

    const { errors } = await parseFocusCsv({ text, name: 'inline.csv' });

    expect(errors.map((error) => error.message)).toEqual([
      'inline.csv:2: Tags: not a JSON object of scalar values',
    ]);
  });

  it('turns numeric, boolean and null tag values into strings', async () => {
    const text =
      'ChargePeriodStart,BilledCost,ServiceName,SubAccountId,RegionId,ResourceId,Tags\n' +
      '2024-09-01,1,S3,1,r,x,"{""n"": 3, ""b"": true, ""z"": null}"\n';

    const { rows } = await parseFocusCsv({ text, name: 'inline.csv' });

    expect(rows[0]?.tags).toEqual({ n: '3', b: 'true', z: '' });
  });

  it('reports a row whose field count differs from the header', async () => {
    const text =
      'ChargePeriodStart,BilledCost,ServiceName,SubAccountId,RegionId,ResourceId,Tags\n2024-09-01,1,S3\n';

    const { rows, errors } = await parseFocusCsv({ text, name: 'short.csv' });

    expect(rows).toEqual([]);
    expect(errors[0]?.message).toBe('short.csv:2: expected 7 fields as in the header, found 3');
  });

  it('throws an InputError for an empty file or one that cannot be read', async () => {
    await expect(parseFocusCsv({ text: '', name: 'empty.csv' })).rejects.toThrow('empty.csv: empty file');
    await expect(parseFocusCsv({ path: fixture('absent.csv'), name: 'absent.csv' })).rejects.toThrow(
      /^absent\.csv: cannot read file/,
    );
  });

  it('streams rows and errors one by one with readFocusCsv', async () => {
    const kinds: string[] = [];

    for await (const item of readFocusCsv({ path: fixture('bad-rows.csv') }))
      kinds.push('row' in item ? 'row' : 'error');

    expect(kinds).toEqual(['row', 'error', 'error', 'error', 'row', 'error', 'row']);
  });
});
