import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileAccountDirectory, fileInventory } from '../../../../shared/adapters/file/tag-sources.js';
import { MemoryStateStore } from '../../../../shared/adapters/memory/memory-state.js';
import { tagCoverageCheck } from '../../../../shared/checks/tag-coverage/check.js';
import { parseConfig } from '../../../../shared/config/loader.js';
import { runCheck } from '../../../../shared/core/pipeline.js';
import { silentLog } from '../../../support/fake-check.js';

const A = '111111111111';
const B = '222222222222';
const config = parseConfig(`
version: 1
organization:
  regions: [us-east-1]
  defaultOwner: { team: finops }
tagPolicy:
  requiredTags:
    - key: owner
`);
const instance = (account: string, id: string) => `arn:aws:ec2:us-east-1:${account}:instance/${id}`;
const day1 = new Date('2026-11-10T06:00:00Z');
const hour = 3_600_000;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fg-bad-entries-'));
  const account = (id: string) => ({ Id: id, Arn: `arn:x:${id}`, Email: 'e', Name: id, Status: 'ACTIVE' });
  writeFileSync(join(dir, 'accounts.json'), JSON.stringify({ Accounts: [account(A), account(B)] }));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const writeResources = (entries: unknown[]) =>
  writeFileSync(join(dir, 'resources.json'), JSON.stringify({ ResourceTagMappingList: entries }));

describe('tag-coverage over files with a malformed resources.json entry', () => {
  it("holds A's digest open, with its first-seen date, and raises a scan gap naming the file and the JSON path, while B completes", async () => {
    const state = new MemoryStateStore();
    const run = (now: Date) => {
      const files = { dir, log: silentLog };
      const check = tagCoverageCheck({
        directory: fileAccountDirectory(files),
        inventory: fileInventory(files),
      });
      return runCheck(check, { config, state, sinks: [], log: silentLog, now });
    };
    // Run 1: one untagged instance in each account, both digests open.
    writeResources([
      { ResourceARN: instance(A, 'i-a'), Tags: [] },
      { ResourceARN: instance(B, 'i-b'), Tags: [] },
    ]);
    const first = await run(day1);
    expect(first.events.filter((e) => e.action === 'trigger').map((e) => e.data.resource?.accountId)).toEqual(
      expect.arrayContaining([A, B]),
    );

    // Run 2: A's entry is malformed (a tag without a key); B's instance is now tagged.
    writeResources([
      { ResourceARN: instance(A, 'i-a'), Tags: [{ Key: '', Value: 'x' }] },
      { ResourceARN: instance(B, 'i-b'), Tags: [{ Key: 'owner', Value: 'b' }] },
    ]);
    const second = await run(new Date(day1.getTime() + hour));
    const resolved = second.events.filter((e) => e.action === 'resolve' && e.type.endsWith('tag.violation'));
    expect(resolved.map((e) => e.data.resource?.accountId)).toEqual([B]);
    expect(second.heldOpen).toBeGreaterThanOrEqual(1);
    expect(second.scope.completed).toContain(`${B}/us-east-1`);
    expect(second.scope.completed).not.toContain(A);
    const gaps = second.findings.filter((f) => f.type === 'guardrail.scan-gap');
    expect(gaps.map((g) => g.scope)).toEqual([`${A}/us-east-1`]);
    expect(gaps[0]?.evidence.reason).toMatch(
      /^resources\.json: 1 bad entry, first: ResourceTagMappingList\[0\]\.Tags\[0\]\.Key: /,
    );

    // Run 3: the entry is fixed, the instance still untagged: its first-seen date is still run 1's.
    writeResources([{ ResourceARN: instance(A, 'i-a'), Tags: [] }]);
    const third = await run(new Date(day1.getTime() + 2 * hour));
    const digestA = third.findings.find((f) => f.type === 'tag.violation' && f.scope === A);
    expect(digestA?.evidence.resources).toEqual([
      expect.objectContaining({ arn: instance(A, 'i-a'), firstSeen: day1.toISOString() }),
    ]);
    expect(third.findings.some((f) => f.type === 'guardrail.scan-gap')).toBe(false);
  });
});
