import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../../shared/adapters/memory/memory-state.js';
import { scanAccount, tagCoverageCheck } from '../../../../shared/checks/tag-coverage/check.js';
import {
  NO_SCAN_RESULT,
  type ScanResultSource,
  tagCoverageFromScans,
} from '../../../../shared/checks/tag-coverage/from-scans.js';
import {
  type AccountScanResult,
  accountScanResultSchema,
} from '../../../../shared/checks/tag-coverage/scan-result.js';
import type {
  AccountInfo,
  AccountSpend,
  TaggedResource,
} from '../../../../shared/checks/tag-coverage/types.js';
import { parseConfig } from '../../../../shared/config/loader.js';
import type { Envelope } from '../../../../shared/core/envelope.js';
import { ScanError } from '../../../../shared/core/errors.js';
import { runCheck } from '../../../../shared/core/pipeline.js';
import type { Sink } from '../../../../shared/core/ports.js';
import type { InventorySource } from '../../../../shared/core/sources.js';
import { runTagCoverageScheduled, shouldFanOut } from '../../../../shared/runtime/fan-out.js';
import { silentLog } from '../../../support/fake-check.js';

const now = new Date('2026-11-20T06:00:00Z');
const REGIONS = ['us-east-1', 'eu-west-1'];
const config = parseConfig(`
version: 1
organization:
  regions: [us-east-1, eu-west-1]
  scanConcurrency: 5
  defaultOwner: { team: finops }
tagPolicy:
  requiredTags:
    - key: owner
    - key: env
      allowedValues: [prod, dev]
  exemptResourceTypes: [ec2:snapshot]
  gracePeriod: 7d
  escalateAfter: 30d
  coverageObjective: 0.9
`);

/** A simulated org: 60 active accounts, a suspended one, resources in both regions, one account denying the role. */
const ids = Array.from({ length: 60 }, (_, i) => String(100000000000 + i * 7919));
const DENIED = ids[17] ?? '';
const accounts: AccountInfo[] = [
  ...ids.map((id, i) => ({
    id,
    name: `acct-${i}`,
    status: 'ACTIVE',
    tags: (i % 3 === 0 ? { owner: `team-${i % 5}` } : {}) as Record<string, string>,
  })),
  { id: '999999999999', name: 'closed', status: 'SUSPENDED', tags: {} },
];
const TYPES = ['ec2:instance', 'lambda:function', 'rds:db', 'ec2:snapshot'];
const resources: TaggedResource[] = ids.flatMap((accountId, a) =>
  REGIONS.flatMap((region, r) =>
    Array.from({ length: (a % 4) + r + 1 }, (_, n) => {
      const type = TYPES[(a + n) % TYPES.length] ?? 'ec2:instance';
      const tags: Record<string, string> = {};
      if ((a + n) % 2 === 0) tags.owner = `team-${(a + n) % 5}`;
      if ((a + r + n) % 3 !== 0) tags.env = (a + n) % 5 === 0 ? 'test' : 'prod';
      return {
        arn: `arn:aws:${type.split(':')[0]}:${region}:${accountId}:${type.split(':')[1]}/r${a}-${r}-${n}`,
        accountId,
        region,
        resourceType: type,
        tags,
      };
    }),
  ),
);
const spend: AccountSpend[] = ids.map((accountId, i) => ({
  accountId,
  totalUsd: 1000 + i,
  untaggedUsdByKey: { owner: (i * 13) % 400, env: (i * 29) % 700 },
}));

const directory = { listAccounts: async () => accounts };
const inventory: InventorySource = {
  name: 'tagging-api',
  listResources: async (accountId, region) => {
    if (accountId === DENIED && region === 'eu-west-1')
      throw new ScanError(`${accountId}/${region}`, 'AccessDenied: not authorized to perform sts:AssumeRole');
    return resources.filter((r) => r.accountId === accountId && r.region === region);
  },
};
const spendSource = {
  name: 'cost-explorer',
  untaggedSpend: async () => ({ accounts: spend, inactiveKeys: [] }),
  resourceCosts: async () => new Map(resources.slice(0, 40).map((r, i) => [r.arn, i * 1.5])),
};

function collectingSink(): Sink & { events: Envelope[] } {
  const events: Envelope[] = [];
  return { name: 'memory', events, deliver: async (batch) => void events.push(...batch) };
}

/** Each account scanned on its own, as a worker does, and sent through JSON as S3 carries it. */
async function workerScans(accountIds: readonly string[]): Promise<AccountScanResult[]> {
  const scans = await Promise.all(accountIds.map((id) => scanAccount({ inventory }, id, REGIONS, 3)));
  return scans.map((s) => accountScanResultSchema.parse(JSON.parse(JSON.stringify(s))));
}

function memoryScans(results: AccountScanResult[]): ScanResultSource {
  return { name: 's3-scan-results', scanResults: async () => ({ results, missing: [] }) };
}

/** Order-normalised: sorted by their JSON, so only content counts. */
const sorted = <T>(items: readonly T[]) =>
  items
    .map((item) => JSON.stringify(item))
    .sort()
    .map((text) => JSON.parse(text) as T);

describe('tag-coverage fan-out', () => {
  it('produces the same observations, scopes, findings and events as the in-process check', async () => {
    // Prepare
    // Workers finish in any order: the aggregator must not depend on it.
    const scans = await workerScans([...ids].reverse());
    const inProcess = tagCoverageCheck({ directory, inventory, spend: spendSource });
    const fanOut = tagCoverageFromScans({ directory, scans: memoryScans(scans), spend: spendSource });
    const sinkA = collectingSink();
    const sinkB = collectingSink();
    // Act
    const collectedA = await inProcess.collect({ config, now, log: silentLog });
    const collectedB = await fanOut.collect({ config, now, log: silentLog });
    const reportA = await runCheck(inProcess, {
      config,
      now,
      log: silentLog,
      state: new MemoryStateStore(),
      sinks: [sinkA],
    });
    const reportB = await runCheck(fanOut, {
      config,
      now,
      log: silentLog,
      state: new MemoryStateStore(),
      sinks: [sinkB],
    });
    // Assess
    // The retired-scope rule is a function: compare what it answers, and the rest as data.
    const { retired: retiredA, ...scopeA } = collectedA.scope;
    const { retired: retiredB, ...scopeB } = collectedB.scope;
    expect({ ...collectedB, scope: scopeB }).toEqual({ ...collectedA, scope: scopeA });
    for (const scope of [`${ids[0]}/us-east-1`, '999999999999', '999999999999/coverage', 'org']) {
      expect(retiredB?.(scope)).toBe(retiredA?.(scope));
    }
    expect(reportA.findings.length).toBeGreaterThan(60);
    expect(reportA.findings.some((f) => f.rule === 'scan-gap' || f.type === 'guardrail.scan-gap')).toBe(true);
    expect(sorted(reportB.findings)).toEqual(sorted(reportA.findings));
    expect([...reportB.scope.completed].sort()).toEqual([...reportA.scope.completed].sort());
    expect(reportB.scope.failed).toEqual(reportA.scope.failed);
    expect(sorted(sinkB.events)).toEqual(sorted(sinkA.events));
    expect(reportB.metrics).toEqual(reportA.metrics);
  });

  it('keeps the denied region a failed scope on both paths, so nothing there resolves', async () => {
    // Prepare
    const scans = await workerScans(ids);
    const fanOut = tagCoverageFromScans({ directory, scans: memoryScans(scans), spend: spendSource });
    // Act
    const { scope } = await fanOut.collect({ config, now, log: silentLog });
    // Assess
    expect(scope.failed).toEqual([
      {
        scope: `${DENIED}/eu-west-1`,
        reason: expect.stringContaining('AccessDenied'),
        errorName: 'ScanError',
      },
    ]);
    expect(scope.completed).toContain(`${DENIED}/us-east-1`);
    expect(scope.completed).not.toContain(DENIED);
    expect(scope.completed).not.toContain('org');
  });

  it('turns an account without a scan result into failed scopes in every region, with the worker error', async () => {
    // Prepare
    const lost = ids[3] ?? '';
    const silent = ids[4] ?? '';
    const scans = (await workerScans(ids)).filter((s) => s.accountId !== lost && s.accountId !== silent);
    const source: ScanResultSource = {
      name: 's3-scan-results',
      scanResults: async () => ({
        results: scans,
        missing: [
          { accountId: lost, reason: 'fan-out worker failed: States.Timeout', errorName: 'States.Timeout' },
        ],
      }),
    };
    const check = tagCoverageFromScans({ directory, scans: source, spend: spendSource });
    // Act
    const { scope, observations } = await check.collect({ config, now, log: silentLog });
    // Assess
    expect(scope.failed).toEqual(
      expect.arrayContaining([
        {
          scope: `${lost}/us-east-1`,
          reason: 'fan-out worker failed: States.Timeout',
          errorName: 'States.Timeout',
        },
        {
          scope: `${lost}/eu-west-1`,
          reason: 'fan-out worker failed: States.Timeout',
          errorName: 'States.Timeout',
        },
        { scope: `${silent}/us-east-1`, reason: NO_SCAN_RESULT, errorName: 'ScanError' },
        { scope: `${silent}/eu-west-1`, reason: NO_SCAN_RESULT, errorName: 'ScanError' },
      ]),
    );
    expect(observations.completeAccounts.has(lost)).toBe(false);
    expect([...observations.resources].some((r) => r.accountId === lost)).toBe(false);
  });

  it('ignores a scan of an account outside the plan (suspended or excluded since)', async () => {
    // Prepare
    const stray: AccountScanResult = {
      accountId: '999999999999',
      source: 'tagging-api',
      resources: [
        {
          arn: 'arn:aws:ec2:us-east-1:999999999999:instance/i-1',
          accountId: '999999999999',
          region: 'us-east-1',
          resourceType: 'ec2:instance',
          tags: {},
        },
      ],
      completed: ['999999999999/us-east-1'],
      failed: [],
    };
    const scans = [...(await workerScans(ids)), stray];
    const check = tagCoverageFromScans({ directory, scans: memoryScans(scans), spend: spendSource });
    // Act
    const { observations, scope } = await check.collect({ config, now, log: silentLog });
    // Assess
    expect([...observations.resources].some((r) => r.accountId === '999999999999')).toBe(false);
    expect(scope.completed).not.toContain('999999999999/us-east-1');
  });
});

describe('shouldFanOut', () => {
  it('fans out only above organization.fanOutAboveAccounts', () => {
    expect(config.organization.fanOutAboveAccounts).toBe(50);
    expect(shouldFanOut(config, 50)).toBe(false);
    expect(shouldFanOut(config, 51)).toBe(true);
  });
});

describe('runTagCoverageScheduled', () => {
  const fanOutPorts = () => {
    const calls: string[] = [];
    return {
      calls,
      fanOut: {
        writePlan: async (runId: string, accountIds: readonly string[]) => {
          calls.push(`plan ${runId} ${accountIds.length}`);
          return { Bucket: 'b', Key: `tag-coverage/runs/${runId}/plan.json` };
        },
        start: async (name: string) => {
          calls.push(`start ${name}`);
          return { alreadyStarted: false };
        },
      },
    };
  };

  it('starts the fan-out above the threshold, with the plan of ACTIVE accounts', async () => {
    const { calls, fanOut } = fanOutPorts();
    const run = await runTagCoverageScheduled(
      { config, sources: { directory, inventory }, log: silentLog, runInProcess: async () => 'ran', fanOut },
      now,
    );
    expect(run).toEqual({
      mode: 'fan-out',
      accounts: 60,
      runId: 'tag-coverage-20261120T060000Z',
      alreadyStarted: false,
    });
    expect(calls).toEqual(['plan tag-coverage-20261120T060000Z 60', 'start tag-coverage-20261120T060000Z']);
  });

  it('runs in process at or below the threshold, on the accounts it already listed', async () => {
    const { calls, fanOut } = fanOutPorts();
    let listings = 0;
    const few = {
      listAccounts: async () => {
        listings += 1;
        return accounts.slice(0, 50);
      },
    };
    const run = await runTagCoverageScheduled(
      {
        config,
        sources: { directory: few, inventory },
        log: silentLog,
        runInProcess: async (sources) => (await sources.directory.listAccounts()).length,
        fanOut,
      },
      now,
    );
    expect(run).toEqual({ mode: 'in-process', accounts: 50, summary: 50 });
    expect(listings).toBe(1);
    expect(calls).toEqual([]);
  });
});
