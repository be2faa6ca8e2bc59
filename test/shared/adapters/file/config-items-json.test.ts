import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileConfigItems, fileLogGroups } from '../../../../shared/adapters/file/config-items-json.js';
import { CONFIG_QUERIES } from '../../../../shared/checks/cost-policy/config-queries.js';
import { costPolicyCheck } from '../../../../shared/checks/cost-policy/runtime/check.js';
import { InputError } from '../../../../shared/core/errors.js';
import { silentLog } from '../../../support/fake-check.js';
import { A, accounts, config, instance, volume } from '../../checks/cost-policy/runtime/fixture.js';

const byKind = (kind: string) => {
  const q = CONFIG_QUERIES.find((c) => c.kind === kind);
  if (!q) throw new Error(kind);
  return q;
};

describe('config-items.json and log-groups.json', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-files-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const write = (name: string, text: string) => writeFile(join(dir, name), text);

  it('answers each query with the rows of its resource types, strings or objects alike', async () => {
    await write(
      'config-items.json',
      JSON.stringify([instance(A, 'i-1', 'm5.large'), JSON.parse(volume(A, 'v-1', 'gp2'))]),
    );
    const source = fileConfigItems(dir);
    expect((await source.select(byKind('allowed-instance-types'))).map((r) => r.where)).toEqual([
      'config-items.json: [0]',
    ]);
    expect((await source.select(byKind('volume-type'))).map((r) => r.where)).toEqual([
      'config-items.json: [1]',
    ]);
    expect(await source.select(byKind('egress'))).toEqual([]);
  });

  it('names the file, line and column of invalid JSON', async () => {
    await write('config-items.json', '[\n  {"resourceType": "AWS::EC2::Instance",}\n]');
    const error = await fileConfigItems(dir)
      .select(byKind('egress'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).location).toMatch(/^config-items\.json:2:\d+$/);
  });

  it('a row without a readable type fails every query; a bad row of one type fails only that type', async () => {
    await write('config-items.json', JSON.stringify([{ configuration: {} }]));
    await expect(fileConfigItems(dir).select(byKind('egress'))).rejects.toThrow(
      'config-items.json: [0].resourceType: expected a row with a resourceType string',
    );
    await write('config-items.json', JSON.stringify(['{not json', instance(A, 'i-1', 'm5.large')]));
    await expect(fileConfigItems(dir).select(byKind('egress'))).rejects.toThrow('config-items.json: [0]');
  });

  it('in a run, a bad row names its JSON path in the scan gap of its rule, and the other rules are judged', async () => {
    await write(
      'config-items.json',
      JSON.stringify([
        instance(A, 'i-1', 'm5.large'),
        { resourceType: 'AWS::EC2::Volume', resourceId: 'v', configuration: 7 },
      ]),
    );
    await write('log-groups.json', JSON.stringify({ logGroups: [] }));
    const check = costPolicyCheck({
      directory: { listAccounts: async () => accounts },
      config: fileConfigItems(dir),
      logGroups: fileLogGroups(dir),
    });
    const now = new Date('2026-11-20T06:00:00Z');
    const collected = await check.collect({ config, now, log: silentLog });
    expect(collected.scope.failed).toEqual([
      expect.objectContaining({
        scope: 'policy/gp3-only',
        input: expect.stringMatching(/^config-items\.json: \[1\]/),
      }),
    ]);
    const findings = check.evaluate(collected.observations, { config, now, memory: new Map() }).findings;
    expect(findings.map((f) => f.rule)).toContain('approved-types');
  });

  it('reads log groups per account and region, from their ARN or added fields, and fails only the scope of a bad entry', async () => {
    await write(
      'log-groups.json',
      JSON.stringify({
        logGroups: [
          { logGroupName: '/aws/lambda/f', arn: `arn:aws:logs:us-east-1:${A}:log-group:/aws/lambda/f:*` },
          { logGroupName: '/app/a', retentionInDays: 30, accountId: A, region: 'eu-west-1' },
          {
            logGroupName: '/app/b',
            retentionInDays: 'forever',
            accountId: '999999999999',
            region: 'us-east-1',
          },
        ],
      }),
    );
    const logs = fileLogGroups(dir);
    expect(await logs.listLogGroups(A, 'us-east-1')).toEqual([
      { logGroupName: '/aws/lambda/f', arn: `arn:aws:logs:us-east-1:${A}:log-group:/aws/lambda/f:*` },
    ]);
    expect(await logs.listLogGroups(A, 'eu-west-1')).toEqual([
      { logGroupName: '/app/a', retentionInDays: 30 },
    ]);
    await expect(logs.listLogGroups('999999999999', 'us-east-1')).rejects.toThrow(
      'log-groups.json: logGroups[2].retentionInDays: expected a whole number of days',
    );
  });

  it('a missing file says which file and where it was looked for', async () => {
    await expect(fileLogGroups(dir).listLogGroups(A, 'us-east-1')).rejects.toThrow(
      `log-groups.json: not found in ${dir}`,
    );
    await expect(fileConfigItems(dir).select(byKind('egress'))).rejects.toThrow(
      'config-items.json: not found',
    );
  });
});
