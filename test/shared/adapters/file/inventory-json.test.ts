import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseAccountsJson,
  parseResourcesJson,
  readAccountsJson,
  readResourcesJson,
} from '../../../../shared/adapters/file/inventory-json.js';
import { InputError } from '../../../../shared/core/errors.js';

const account = (overrides: Record<string, unknown> = {}) => ({
  Id: '111111111111',
  Arn: 'arn:aws:organizations::999999999999:account/o-abc/111111111111',
  Email: 'web@example.com',
  Name: 'web-prod',
  Status: 'ACTIVE',
  JoinedMethod: 'CREATED',
  JoinedTimestamp: '2024-01-02T03:04:05.000Z',
  Tags: [{ Key: 'owner', Value: 'team-web' }],
  ...overrides,
});

describe('parseAccountsJson', () => {
  it('maps ListAccounts entries to accounts with tags as a record', () => {
    const { items, errors } = parseAccountsJson({ Accounts: [account()] }, 'accounts.json');

    expect(errors).toEqual([]);
    expect(items).toEqual([
      {
        id: '111111111111',
        arn: 'arn:aws:organizations::999999999999:account/o-abc/111111111111',
        email: 'web@example.com',
        name: 'web-prod',
        status: 'ACTIVE',
        joinedMethod: 'CREATED',
        joinedTimestamp: '2024-01-02T03:04:05.000Z',
        tags: { owner: 'team-web' },
      },
    ]);
  });

  it('accepts the newer State field, which wins over Status', () => {
    const entries = [
      account({ Status: undefined, State: 'CLOSED' }),
      account({ State: 'PENDING_ACTIVATION' }),
    ];

    const { items } = parseAccountsJson({ Accounts: entries }, 'accounts.json');

    expect(items.map((a) => a.status)).toEqual(['CLOSED', 'PENDING_ACTIVATION']);
  });

  it('defaults optional fields and ignores extra keys such as NextToken', () => {
    const { items } = parseAccountsJson(
      {
        Accounts: [account({ Tags: undefined, JoinedMethod: undefined, JoinedTimestamp: undefined })],
        NextToken: 'x',
      },
      'accounts.json',
    );

    expect(items[0]).toMatchObject({ tags: {}, joinedMethod: null, joinedTimestamp: null });
  });

  it('skips a bad entry, naming the file and JSON path, and keeps the rest', () => {
    const entries = [
      account(),
      account({ Id: '12' }),
      account({ Status: undefined }),
      account({ Tags: [{ Key: 'a' }] }),
    ];

    const { items, errors } = parseAccountsJson({ Accounts: entries }, 'accounts.json');

    expect(items).toHaveLength(1);
    expect(errors.map((e) => e.message)).toEqual([
      'accounts.json: Accounts[1].Id: expected a 12-digit account id',
      'accounts.json: Accounts[2].Status: Status or State is required',
      expect.stringMatching(/^accounts\.json: Accounts\[3\]\.Tags\[0\]\.Value: /),
    ]);
    expect(errors.every((e) => e instanceof InputError && e.location === 'accounts.json')).toBe(true);
  });

  it('throws when there is no Accounts array', () => {
    expect(() => parseAccountsJson({ accounts: [] }, 'accounts.json')).toThrow(
      'accounts.json: Accounts: expected an array of entries',
    );
  });
});

describe('parseResourcesJson', () => {
  const parse = (entries: unknown[]) =>
    parseResourcesJson({ ResourceTagMappingList: entries }, 'resources.json');

  it('derives account, region, service and type from the ARN', () => {
    const { items, errors } = parse([
      {
        ResourceARN: 'arn:aws:ec2:eu-west-1:111111111111:instance/i-0abc',
        Tags: [{ Key: 'owner', Value: 'web' }],
      },
    ]);

    expect(errors).toEqual([]);
    expect(items).toEqual([
      {
        arn: 'arn:aws:ec2:eu-west-1:111111111111:instance/i-0abc',
        accountId: '111111111111',
        region: 'eu-west-1',
        service: 'ec2',
        resourceType: 'ec2:instance',
        tags: { owner: 'web' },
      },
    ]);
  });

  it('lets AccountId and Region on the entry win over the ARN', () => {
    const { items } = parse([
      {
        ResourceARN: 'arn:aws:rds:us-east-1:111111111111:db:orders',
        Tags: [],
        AccountId: '222222222222',
        Region: 'us-west-2',
      },
    ]);

    expect(items[0]).toMatchObject({
      accountId: '222222222222',
      region: 'us-west-2',
      resourceType: 'rds:db',
    });
  });

  it('takes account and region of S3 buckets and Route 53 zones from the entry', () => {
    const { items, errors } = parse([
      { ResourceARN: 'arn:aws:s3:::logs', Tags: [], AccountId: '111111111111', Region: 'eu-west-1' },
      { ResourceARN: 'arn:aws:route53:::hostedzone/Z1', AccountId: '111111111111', Region: 'us-east-1' },
    ]);

    expect(errors).toEqual([]);
    expect(items.map((r) => [r.resourceType, r.accountId, r.region])).toEqual([
      ['s3:bucket', '111111111111', 'eu-west-1'],
      ['route53:hostedzone', '111111111111', 'us-east-1'],
    ]);
  });

  it('puts IAM resources, whose ARN has an account but no region, in region global', () => {
    const { items } = parse([{ ResourceARN: 'arn:aws:iam::111111111111:role/deployer', Tags: [] }]);

    expect(items[0]).toMatchObject({ accountId: '111111111111', region: 'global', resourceType: 'iam:role' });
  });

  it('requires AccountId and Region where the ARN lacks them', () => {
    const { items, errors } = parse([
      { ResourceARN: 'arn:aws:s3:::logs', Tags: [], Region: 'eu-west-1' },
      { ResourceARN: 'arn:aws:s3:::logs', Tags: [], AccountId: '111111111111' },
    ]);

    expect(items).toEqual([]);
    expect(errors.map((e) => e.message)).toEqual([
      'resources.json: ResourceTagMappingList[0].AccountId: required because the ARN carries no account',
      'resources.json: ResourceTagMappingList[1].Region: required because the ARN carries no region',
    ]);
  });

  it('skips an entry with a bad ARN, naming its index, and keeps the rest', () => {
    const good = { ResourceARN: 'arn:aws:lambda:us-east-1:111111111111:function:resize', Tags: [] };
    const entries = Array.from({ length: 14 }, (_, i) =>
      i === 12 ? { ResourceARN: 'i-0abc', Tags: [] } : good,
    );

    const { items, errors } = parse(entries);

    expect(items).toHaveLength(13);
    expect(errors.map((e) => e.message)).toEqual([
      'resources.json: ResourceTagMappingList[12].ResourceARN: i-0abc: not an ARN (expected arn:partition:service:region:account:resource)',
    ]);
  });

  it('reports schema errors with their JSON path', () => {
    const { errors } = parse([
      { Tags: [] },
      { ResourceARN: 'arn:aws:s3:::b', Tags: [{ Key: '', Value: 'x' }] },
    ]);

    expect(errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^resources\.json: ResourceTagMappingList\[0\]\.ResourceARN: /),
      expect.stringMatching(/^resources\.json: ResourceTagMappingList\[1\]\.Tags\[0\]\.Key: /),
    ]);
  });
});

describe('reading inventory files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'inventory-json-'));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads accounts.json and resources.json from disk, BOM included', async () => {
    const accounts = write('accounts.json', `\ufeff${JSON.stringify({ Accounts: [account()] })}`);
    const resources = write(
      'resources.json',
      JSON.stringify({
        ResourceTagMappingList: [{ ResourceARN: 'arn:aws:iam::111111111111:role/x', Tags: [] }],
      }),
    );

    expect((await readAccountsJson(accounts)).items).toHaveLength(1);
    expect((await readResourcesJson(resources, 'resources.json')).items).toHaveLength(1);
  });

  it('throws an InputError for invalid JSON or a missing file', async () => {
    const broken = write('broken.json', '{ "Accounts": [');

    await expect(readAccountsJson(broken, 'broken.json')).rejects.toThrow(
      /^broken\.json:1:16: invalid JSON: Unexpected end of JSON input$/,
    );
    await expect(readResourcesJson(join(dir, 'absent.json'), 'absent.json')).rejects.toThrow(
      /^absent\.json: cannot read file/,
    );
  });
});
