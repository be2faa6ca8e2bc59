import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpProbeTransport } from '../../../shared/adapters/probe/http-transport.js';
import type { TaggedResource } from '../../../shared/checks/tag-coverage/types.js';
import { parseConfig } from '../../../shared/config/loader.js';
import { silentLog } from '../../support/fake-check.js';
import {
  probeConfig,
  type ScriptedTarget,
  startScriptedTarget,
  target,
} from '../checks/probe/probe-fixture.js';

/**
 * The Lambda bundles never import the RE2 engine statically: the checks that
 * judge patterns load it in their `collect`. Each test imports the check
 * into a fresh module registry (`vi.resetModules`), where no config
 * validation has loaded the engine, as in a Lambda cold start.
 */
const ACCOUNT = '111111111111';
const now = new Date('2026-11-20T06:00:00Z');
const tagConfig = parseConfig(`
version: 1
organization:
  regions: [us-east-1]
  defaultOwner: { team: finops }
tagPolicy:
  requiredTags:
    - key: costcenter
      pattern: "cc-[0-9]{4}"
`);
const resources: TaggedResource[] = [
  {
    arn: 'arn:aws:s3:::good',
    accountId: ACCOUNT,
    region: 'us-east-1',
    resourceType: 's3:bucket',
    tags: { costcenter: 'cc-1234' },
  },
  {
    arn: 'arn:aws:s3:::bad',
    accountId: ACCOUNT,
    region: 'us-east-1',
    resourceType: 's3:bucket',
    tags: { costcenter: 'cc-12' },
  },
];
const ports = {
  directory: { listAccounts: async () => [{ id: ACCOUNT, name: 'a', status: 'ACTIVE' as const, tags: {} }] },
  inventory: { name: 'fixture', listResources: async () => resources },
};

async function freshImport<T>(path: string): Promise<T> {
  vi.resetModules();
  return (await import(path)) as T;
}

describe('the pattern engine, loaded by the checks that judge patterns', () => {
  it('is not loaded in a fresh registry: compiling says so instead of judging', async () => {
    const compiler = await freshImport<typeof import('../../../shared/config/pattern-compiler.js')>(
      '../../../shared/config/pattern-compiler.js',
    );
    expect(() => compiler.compileLoadedPattern('a+')).toThrow(/pattern engine is not loaded/);
    expect(() => compiler.loadedPatternProblem('a+')).toThrow(/pattern engine is not loaded/);
    await compiler.whileLoadingPatterns(false, async () => 1);
    expect(() => compiler.compileLoadedPattern('a+')).toThrow(/not loaded/);
    await expect(compiler.whileLoadingPatterns(true, async () => 'read')).resolves.toBe('read');
    expect(compiler.compileLoadedPattern('a+', { wholeValue: true }).test('aaa')).toBe(true);
    expect(compiler.loadedPatternProblem('(?=a)')).toMatch(/not a valid RE2 pattern/);
  });

  it('tag-coverage: evaluate fails loudly without collect, and judges the pattern after it', async () => {
    const { tagCoverageCheck } = await freshImport<
      typeof import('../../../shared/checks/tag-coverage/check.js')
    >('../../../shared/checks/tag-coverage/check.js');
    const check = tagCoverageCheck(ports);
    const observations = { accounts: [], resources, sources: [], completeAccounts: new Set([ACCOUNT]) };
    expect(() => check.evaluate(observations, { config: tagConfig, now, memory: new Map() })).toThrow(
      /not loaded/,
    );

    const collected = await check.collect({ config: tagConfig, now, log: silentLog });
    const { findings } = check.evaluate(collected.observations, {
      config: tagConfig,
      now,
      memory: new Map(),
    });
    const flagged = JSON.stringify(findings.filter((f) => f.type === 'tag.violation'));
    expect(flagged).toContain('arn:aws:s3:::bad');
    expect(flagged).not.toContain('arn:aws:s3:::good');
  });

  describe('probe', () => {
    let api: ScriptedTarget;
    beforeAll(async () => {
      api = await startScriptedTarget();
    });
    afterAll(async () => {
      await api.server.close();
    });

    it('judges bodyMatches after collect loaded the engine while the target answered', async () => {
      const { probeCheck } = await freshImport<typeof import('../../../shared/checks/probe/check.js')>(
        '../../../shared/checks/probe/check.js',
      );
      const config = probeConfig([
        target('matches', `${api.server.origin}/health`, { expect: { bodyMatches: '"status":\\s*"ok"' } }),
        target('differs', `${api.server.origin}/health`, {
          expect: { bodyMatches: '"status":\\s*"degraded"' },
        }),
      ]);
      const check = probeCheck({ transport: createHttpProbeTransport(), location: 'us-west-2' });
      const { observations } = await check.collect({ config, now, log: silentLog });
      const verdicts = Object.fromEntries(observations.observed.map((o) => [o.target.name, o.verdict]));
      expect(verdicts.matches?.passed).toBe(true);
      expect(verdicts.differs?.passed).toBe(false);
      expect(verdicts.differs?.failures[0]?.message).toMatch(/does not match/);
    });

    it('never turns an engine that is not loaded into a failed probe (a false page)', async () => {
      const { judgeProbe } = await freshImport<typeof import('../../../shared/checks/probe/assertions.js')>(
        '../../../shared/checks/probe/assertions.js',
      );
      const [probe] = probeConfig([
        target('matches', `${api.server.origin}/health`, { expect: { bodyMatches: 'ok' } }),
      ]).probes;
      const result = await createHttpProbeTransport().probe(probe as never);
      expect(() => judgeProbe(probe as never, result)).toThrow(/not loaded/);
    });
  });
});
