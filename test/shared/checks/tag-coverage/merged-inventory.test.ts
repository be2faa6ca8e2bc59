import { describe, expect, it } from 'vitest';
import { mergedInventory } from '../../../../shared/checks/tag-coverage/merged-inventory.js';
import type { TaggedResource } from '../../../../shared/checks/tag-coverage/types.js';
import { ScanError } from '../../../../shared/core/errors.js';
import type { InventorySource } from '../../../../shared/core/sources.js';

const A = '111111111111';
const res = (id: string, tags: Record<string, string>, region = 'eu-west-1'): TaggedResource => ({
  arn: `arn:aws:ec2:${region}:${A}:instance/${id}`,
  accountId: A,
  region,
  resourceType: 'ec2:instance',
  tags,
});
const source = (
  name: string,
  list: (region: string) => TaggedResource[] | Error,
  globalScope = true,
): InventorySource & { asked: string[] } => {
  const asked: string[] = [];
  return {
    name,
    globalScope,
    asked,
    async listResources(_accountId, region) {
      asked.push(region);
      const out = list(region);
      if (out instanceof Error) throw out;
      return out;
    },
  };
};

describe('mergedInventory', () => {
  it('lists each ARN once: never-tagged ones from Resource Explorer, tags from the Tagging API where it has them', async () => {
    const explorer = source('resource-explorer', () => [res('i-1', { owner: 'stale' }), res('i-never', {})]);
    const tagging = source('tagging-api', () => [res('i-1', { owner: 'current' })]);
    const merged = mergedInventory([explorer, tagging]);

    const resources = await merged.listResources(A, 'eu-west-1');

    expect(merged.name).toBe('resource-explorer+tagging-api');
    expect(resources).toEqual([
      { ...res('i-1', { owner: 'current' }), seenBy: ['tagging-api', 'resource-explorer'] },
      { ...res('i-never', {}), seenBy: ['resource-explorer'] },
    ]);
  });

  it('prefers Config’s tags over Resource Explorer’s, whatever the order in the config', async () => {
    const merged = mergedInventory([
      source('resource-explorer', () => [res('i-1', {})]),
      source('config', () => [res('i-1', { owner: 'recorded' })]),
    ]);

    expect((await merged.listResources(A, 'eu-west-1'))[0]?.tags).toEqual({ owner: 'recorded' });
  });

  it('fails the whole scope, naming the source, when one source fails', async () => {
    const merged = mergedInventory([
      source('resource-explorer', () => [res('i-1', {})]),
      source('tagging-api', () => new ScanError(`${A}/eu-west-1`, 'ThrottledException: slow down')),
    ]);

    await expect(merged.listResources(A, 'eu-west-1')).rejects.toMatchObject({
      name: 'ScanError',
      reason: 'tagging-api: ThrottledException: slow down',
    });
  });

  it('asks for global resources only the sources that list them', async () => {
    const regional = source('regional-only', () => [], false);
    const global = source('config', (region) => [res('x', {}, region)]);
    const merged = mergedInventory([regional, global]);

    await merged.listResources(A, 'global');

    expect(merged.globalScope).toBe(true);
    expect(regional.asked).toEqual([]);
    expect(global.asked).toEqual(['global']);
  });

  it('is the source itself when there is one', () => {
    const only = source('tagging-api', () => []);
    expect(mergedInventory([only])).toBe(only);
  });
});
