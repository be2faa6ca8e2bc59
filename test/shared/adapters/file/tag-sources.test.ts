import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fileAccountDirectory,
  fileInventory,
  focusTagSpend,
} from '../../../../shared/adapters/file/tag-sources.js';

const dir = mkdtempSync(join(tmpdir(), 'fg-tag-sources-'));
const warnings: string[] = [];
const files = {
  dir,
  homeRegion: 'us-east-1',
  log: { info: () => {}, warn: (m: string) => warnings.push(m) },
};
const header =
  'ChargePeriodStart,BilledCost,EffectiveCost,ServiceName,SubAccountId,RegionId,ResourceId,Tags,ChargeCategory';
writeFileSync(
  join(dir, 'costs.csv'),
  [
    header,
    // In the window: 10 fully tagged, 5 without env, 3 with a blank owner, 2 with no tags at all.
    '2026-11-10 00:00:00,10,10,EC2,111111111111,us-east-1,arn:aws:ec2:us-east-1:111111111111:instance/i-1,"{""owner"":""a"",""env"":""prod""}",Usage',
    '2026-11-11 00:00:00,5,5,EC2,111111111111,us-east-1,arn:aws:ec2:us-east-1:111111111111:instance/i-2,"{""owner"":""a""}",Usage',
    '2026-11-12 00:00:00,3,3,S3,111111111111,us-east-1,arn:aws:s3:::b,"{""owner"":"" "",""env"":""dev""}",Usage',
    '2026-11-12 00:00:00,2,2,S3,111111111111,us-east-1,NULL,NULL,Usage',
    // Excluded: tax, before the window, another account not asked for.
    '2026-11-12 00:00:00,7,7,Tax,111111111111,NULL,NULL,NULL,Tax',
    '2026-09-01 00:00:00,100,100,EC2,111111111111,us-east-1,arn:aws:ec2:us-east-1:111111111111:instance/i-1,NULL,Usage',
    '2026-11-12 00:00:00,50,50,EC2,999999999999,us-east-1,NULL,NULL,Usage',
    '2026-11-12 00:00:00,1,not-a-number,EC2,111111111111,us-east-1,NULL,NULL,Usage',
  ].join('\n'),
);
writeFileSync(
  join(dir, 'accounts.json'),
  JSON.stringify({
    Accounts: [
      {
        Id: '111111111111',
        Arn: 'arn:x',
        Email: 'e',
        Name: 'a',
        Status: 'ACTIVE',
        Tags: [{ Key: 'owner', Value: 'a' }],
      },
      { Id: 'bad' },
    ],
  }),
);
writeFileSync(
  join(dir, 'resources.json'),
  JSON.stringify({
    ResourceTagMappingList: [
      { ResourceARN: 'arn:aws:iam::111111111111:role/deploy', Tags: [] },
      { ResourceARN: 'arn:aws:s3:::logs', Tags: [], AccountId: '111111111111', Region: 'eu-west-1' },
      { ResourceARN: 'arn:aws:s3:::no-account', Tags: [] },
    ],
  }),
);
const window = { start: new Date('2026-10-21T00:00:00Z'), end: new Date('2026-11-20T00:00:00Z') };

describe('focusTagSpend', () => {
  it('sums usage spend and the spend lacking each key (absent or blank) per account', async () => {
    const spend = await focusTagSpend(files).untaggedSpend({
      accountIds: ['111111111111'],
      keys: ['owner', 'env'],
      ...window,
    });
    expect(spend).toEqual([
      { accountId: '111111111111', totalUsd: 20, untaggedUsdByKey: { owner: 5, env: 7 } },
    ]);
    expect(warnings.some((w) => /^costs\.csv:9: /.test(w))).toBe(true);
  });

  it('sums cost per resource in the window', async () => {
    const costs = await focusTagSpend(files).resourceCosts?.(window);
    expect(costs?.get('arn:aws:ec2:us-east-1:111111111111:instance/i-1')).toBe(10);
    expect(costs?.get('arn:aws:s3:::b')).toBe(3);
  });
});

describe('file account directory and inventory', () => {
  it('reports bad account entries by path and keeps the rest', async () => {
    const accounts = await fileAccountDirectory(files).listAccounts();
    expect(accounts).toEqual([{ id: '111111111111', name: 'a', status: 'ACTIVE', tags: { owner: 'a' } }]);
    expect(warnings.some((w) => w.startsWith('accounts.json: Accounts[1]'))).toBe(true);
  });

  it('attributes global resources to the home region and keeps the entry region of S3 buckets', async () => {
    const inventory = fileInventory(files);
    expect((await inventory.listResources('111111111111', 'us-east-1')).map((r) => r.arn)).toEqual([
      'arn:aws:iam::111111111111:role/deploy',
    ]);
    expect((await inventory.listResources('111111111111', 'eu-west-1')).map((r) => r.arn)).toEqual([
      'arn:aws:s3:::logs',
    ]);
    expect(warnings.some((w) => w.includes('ResourceTagMappingList[2]'))).toBe(true);
  });
});
