import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fileAccountDirectory,
  fileInventory,
  focusTagSpend,
} from '../../../../shared/adapters/file/tag-sources.js';
import { ScanError } from '../../../../shared/core/errors.js';

const A = '111111111111';
const B = '222222222222';

let dir: string;
let warnings: string[];
let files: { dir: string; log: { info: () => void; warn: (m: string) => void } };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fg-tag-sources-'));
  warnings = [];
  files = { dir, log: { info: () => {}, warn: (m) => warnings.push(m) } };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const header =
  'ChargePeriodStart,BilledCost,EffectiveCost,ServiceName,SubAccountId,RegionId,ResourceId,Tags,ChargeCategory';
const goodRows = [
  // In the window: 10 fully tagged, 5 without env, 3 with a blank owner, 2 with no tags at all.
  `2026-11-10 00:00:00,10,10,EC2,${A},us-east-1,arn:aws:ec2:us-east-1:${A}:instance/i-1,"{""owner"":""a"",""env"":""prod""}",Usage`,
  `2026-11-11 00:00:00,5,5,EC2,${A},us-east-1,arn:aws:ec2:us-east-1:${A}:instance/i-2,"{""owner"":""a""}",Usage`,
  `2026-11-12 00:00:00,3,3,S3,${A},us-east-1,arn:aws:s3:::b,"{""owner"":"" "",""env"":""dev""}",Usage`,
  `2026-11-12 00:00:00,2,2,S3,${A},us-east-1,NULL,NULL,Usage`,
  // Excluded: tax, before the window, another account not asked for.
  `2026-11-12 00:00:00,7,7,Tax,${A},NULL,NULL,NULL,Tax`,
  `2026-09-01 00:00:00,100,100,EC2,${A},us-east-1,arn:aws:ec2:us-east-1:${A}:instance/i-1,NULL,Usage`,
  `2026-11-12 00:00:00,50,50,EC2,${B},us-east-1,NULL,NULL,Usage`,
];
const writeCosts = (rows: string[]) => writeFileSync(join(dir, 'costs.csv'), [header, ...rows].join('\n'));
const window = { start: new Date('2026-10-21T00:00:00Z'), end: new Date('2026-11-20T00:00:00Z') };
const untagged = () =>
  focusTagSpend(files)
    .untaggedSpend({
      accountIds: [A],
      keys: [
        { key: 'owner', keyCase: 'exact' },
        { key: 'env', keyCase: 'exact' },
      ],
      ...window,
    })
    .then((spend) => spend.accounts);

const account = (id: string, tags: Array<{ Key: string; Value: string }> = []) => ({
  Id: id,
  Arn: `arn:aws:organizations::${id}:account/o-1/${id}`,
  Email: 'e',
  Name: `acct-${id.slice(0, 1)}`,
  Status: 'ACTIVE',
  Tags: tags,
});
const writeAccounts = (entries: unknown[]) =>
  writeFileSync(join(dir, 'accounts.json'), JSON.stringify({ Accounts: entries }));
const writeResources = (entries: unknown[]) =>
  writeFileSync(join(dir, 'resources.json'), JSON.stringify({ ResourceTagMappingList: entries }));
const badTags = [{ Key: '', Value: 'x' }];

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('focusTagSpend', () => {
  it('sums usage spend and the spend lacking each key (absent or blank) per account', async () => {
    writeCosts(goodRows);
    await expect(untagged()).resolves.toEqual([
      { accountId: A, totalUsd: 20, untaggedUsdByKey: { owner: 5, env: 7 } },
    ]);
    expect(warnings).toEqual([]);
  });

  it('sums cost per resource in the window', async () => {
    writeCosts(goodRows);
    const costs = await focusTagSpend(files).resourceCosts?.(window);
    expect(costs?.get(`arn:aws:ec2:us-east-1:${A}:instance/i-1`)).toBe(10);
    expect(costs?.get('arn:aws:s3:::b')).toBe(3);
  });

  it('fails the spend read on bad rows in the window, counting every one and naming the first file:line, and logs each', async () => {
    writeCosts([
      ...goodRows,
      `2026-11-12 00:00:00,1,not-a-number,EC2,${A},us-east-1,NULL,NULL,Usage`,
      `2026-11-13 00:00:00,1,1,EC2,${A},us-east-1,NULL,{broken,Usage`,
    ]);
    const error = await rejection(untagged());
    expect(error).toBeInstanceOf(ScanError);
    expect(error).toMatchObject({
      scope: 'spend',
      reason: 'costs.csv: 2 bad rows, first: costs.csv:9: EffectiveCost: not a number: "not-a-number"',
    });
    expect(warnings.filter((w) => /^costs\.csv:(9|10): /.test(w))).toHaveLength(2);
  });

  it('fails resourceCosts too, so no resource cost is taken from a file with rows missing', async () => {
    writeCosts([...goodRows, `2026-11-12 00:00:00,1,oops,EC2,${A},us-east-1,NULL,NULL,Usage`]);
    await expect(focusTagSpend(files).resourceCosts?.(window)).rejects.toThrow(
      /costs\.csv: 1 bad row, first/,
    );
  });

  it('counts a bad row whose date cannot be read, or whose width is wrong, wherever it would fall', async () => {
    writeCosts([
      ...goodRows,
      `yesterday,1,1,EC2,${A},us-east-1,NULL,NULL,Usage`,
      `2026-11-12 00:00:00,1,1,EC2,${A}`,
    ]);
    await expect(untagged()).rejects.toMatchObject({
      reason: expect.stringMatching(/^costs\.csv: 2 bad rows, first: costs\.csv:9: ChargePeriodStart/),
    });
  });

  it('logs a bad row outside the window but still reads the window', async () => {
    writeCosts([...goodRows, `2026-08-01 00:00:00,1,oops,EC2,${A},us-east-1,NULL,NULL,Usage`]);
    await expect(untagged()).resolves.toEqual([
      { accountId: A, totalUsd: 20, untaggedUsdByKey: { owner: 5, env: 7 } },
    ]);
    expect(warnings).toEqual([expect.stringMatching(/^costs\.csv:9: EffectiveCost/)]);
  });
});

describe('fileAccountDirectory', () => {
  it('lists every account with its tags', async () => {
    writeAccounts([account(A, [{ Key: 'owner', Value: 'a' }]), account(B)]);
    await expect(fileAccountDirectory(files).listAccounts()).resolves.toEqual([
      { id: A, name: 'acct-1', status: 'ACTIVE', tags: { owner: 'a' } },
      { id: B, name: 'acct-2', status: 'ACTIVE', tags: {} },
    ]);
  });

  it('lists a bad entry as unreadable, under its Id or its JSON path, never skips it (a skipped account would look removed)', async () => {
    writeAccounts([account(A), { Id: 'bad' }, { ...account(B), Status: 'GONE' }]);
    const accounts = await fileAccountDirectory(files).listAccounts();
    expect(accounts).toEqual([
      { id: A, name: 'acct-1', status: 'ACTIVE', tags: {} },
      {
        id: 'Accounts[1]',
        name: 'Accounts[1]',
        status: 'UNREADABLE',
        tags: {},
        unreadable: {
          reason: expect.stringMatching(/^accounts\.json: Accounts\[1\]\.Id: /),
          input: 'accounts.json',
        },
      },
      {
        id: B,
        name: 'acct-2',
        status: 'UNREADABLE',
        tags: {},
        unreadable: {
          reason: expect.stringMatching(/^accounts\.json: Accounts\[2\]\.Status: /),
          input: 'accounts.json',
        },
      },
    ]);
    expect(warnings.map((w) => w.slice(0, 'accounts.json: Accounts[1]'.length))).toEqual([
      'accounts.json: Accounts[1]',
      'accounts.json: Accounts[2]',
    ]);
  });

  it('throws an InputError at the line and column where a truncated accounts.json stops', async () => {
    writeFileSync(join(dir, 'accounts.json'), '{\n  "Accounts": [\n    {"Id": "1111');
    await expect(fileAccountDirectory(files).listAccounts()).rejects.toThrow(
      /^accounts\.json:3:17: invalid JSON: Unterminated string/,
    );
  });
});

describe('fileInventory', () => {
  it('serves global resources in the scope <account>/global, not a region, and keeps the entry region of S3 buckets', async () => {
    writeResources([
      { ResourceARN: `arn:aws:iam::${A}:role/deploy`, Tags: [] },
      { ResourceARN: 'arn:aws:s3:::logs', Tags: [], AccountId: A, Region: 'eu-west-1' },
    ]);
    const inventory = fileInventory(files);
    expect(inventory.globalScope).toBe(true);
    expect(await inventory.listResources(A, 'global')).toEqual([
      expect.objectContaining({ arn: `arn:aws:iam::${A}:role/deploy`, region: 'global' }),
    ]);
    await expect(inventory.listResources(A, 'us-east-1')).resolves.toEqual([]);
    expect((await inventory.listResources(A, 'eu-west-1')).map((r) => r.arn)).toEqual(['arn:aws:s3:::logs']);
    await expect(inventory.listResources(B, 'us-east-1')).resolves.toEqual([]);
  });

  it('fails only the scope of a bad entry, told from its AccountId and Region, and logs it', async () => {
    writeResources([
      { ResourceARN: `arn:aws:ec2:us-east-1:${A}:instance/i-1`, Tags: [] },
      { ResourceARN: 'arn:aws:s3:::logs', Tags: badTags, AccountId: A, Region: 'eu-west-1' },
    ]);
    const inventory = fileInventory(files);
    const error = await rejection(inventory.listResources(A, 'eu-west-1'));
    expect(error).toBeInstanceOf(ScanError);
    expect(error).toMatchObject({
      scope: `${A}/eu-west-1`,
      reason: expect.stringMatching(
        /^resources\.json: 1 bad entry, first: ResourceTagMappingList\[1\]\.Tags\[0\]\.Key: /,
      ),
    });
    await expect(inventory.listResources(A, 'us-east-1')).resolves.toHaveLength(1);
    await expect(inventory.listResources(B, 'eu-west-1')).resolves.toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/^resources\.json: ResourceTagMappingList\[1\]\.Tags/)]);
  });

  it('tells the scope of a bad entry from its ARN, global ones in <account>/global', async () => {
    writeResources([
      { ResourceARN: `arn:aws:ec2:eu-west-1:${A}:instance/i-1`, Tags: badTags },
      { ResourceARN: `arn:aws:iam::${B}:role/deploy`, Tags: 'none' },
    ]);
    const inventory = fileInventory(files);
    await expect(inventory.listResources(A, 'eu-west-1')).rejects.toMatchObject({
      reason: expect.stringContaining('first: ResourceTagMappingList[0].Tags[0].Key'),
    });
    await expect(inventory.listResources(B, 'global')).rejects.toMatchObject({
      reason: expect.stringContaining('first: ResourceTagMappingList[1].Tags'),
    });
    await expect(inventory.listResources(B, 'us-east-1')).resolves.toEqual([]);
    await expect(inventory.listResources(A, 'us-east-1')).resolves.toEqual([]);
    await expect(inventory.listResources(B, 'eu-west-1')).resolves.toEqual([]);
  });

  it('counts the bad entries of each scope, those of no known scope included, and names the first', async () => {
    writeResources([
      { ResourceARN: `arn:aws:ec2:us-east-1:${B}:instance/i-9`, Tags: badTags },
      { ResourceARN: `arn:aws:ec2:us-east-1:${A}:instance/i-1`, Tags: [] },
      { ResourceARN: 'arn:aws:s3:::no-account', Tags: [] },
      { ResourceARN: `arn:aws:ec2:us-east-1:${B}:instance/i-8`, Tags: badTags },
    ]);
    const inventory = fileInventory(files);
    await expect(inventory.listResources(B, 'us-east-1')).rejects.toMatchObject({
      reason: expect.stringMatching(/^resources\.json: 3 bad entries, first: ResourceTagMappingList\[0\]\./),
    });
    await expect(inventory.listResources(A, 'us-east-1')).rejects.toMatchObject({
      reason: expect.stringMatching(
        /^resources\.json: 1 bad entry, first: ResourceTagMappingList\[2\]\.AccountId: required/,
      ),
    });
  });

  it.each([
    ['an ARN without an account', { ResourceARN: 'arn:aws:s3:::bucket', Tags: [] }],
    ['no ARN at all', { Tags: [] }],
    [
      'a malformed AccountId, not second-guessed from the ARN',
      {
        ResourceARN: `arn:aws:ec2:us-east-1:${A}:instance/i-1`,
        AccountId: '12345',
      },
    ],
    ['an empty Region', { ResourceARN: `arn:aws:ec2:us-east-1:${A}:instance/i-1`, Region: '' }],
    ['an entry that is not an object', 'arn:aws:ec2:us-east-1:111111111111:instance/i-1'],
  ])('fails every scope for a bad entry with %s', async (_, entry) => {
    writeResources([{ ResourceARN: `arn:aws:ec2:us-east-1:${B}:instance/i-1`, Tags: [] }, entry]);
    const inventory = fileInventory(files);
    for (const [accountId, region] of [
      [A, 'us-east-1'],
      [B, 'us-east-1'],
      [B, 'eu-west-1'],
    ] as const) {
      await expect(inventory.listResources(accountId, region)).rejects.toMatchObject({
        scope: `${accountId}/${region}`,
        reason: expect.stringMatching(/^resources\.json: 1 bad entry, first: ResourceTagMappingList\[1\]/),
      });
    }
  });

  it('rejects every scope when the file cannot be read', async () => {
    const inventory = fileInventory(files);
    await expect(inventory.listResources(A, 'us-east-1')).rejects.toThrow(/resources\.json: cannot read/);
  });
});
