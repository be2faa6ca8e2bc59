import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../shared/adapters/memory/memory-state.js';
import type { ProbeTransport } from '../../shared/adapters/probe/http-transport.js';
import { probeCheck } from '../../shared/checks/probe/check.js';
import type { ProbeResult } from '../../shared/checks/probe/types.js';
import { formatIssues, formatPath } from '../../shared/config/loader.js';
import { configSchema } from '../../shared/config/schema.js';
import { runCheck } from '../../shared/core/pipeline.js';
import { costAnomalyFactory } from '../../shared/runtime/cost-anomaly-wiring.js';
import { tagCoverageFactory } from '../../shared/runtime/tag-coverage-wiring.js';
import { silentLog } from '../support/fake-check.js';

/**
 * Issue 9 case 8: a config that validates runs. Configs are generated from
 * the schema's shapes, mostly within bounds and sometimes one field just
 * outside; every one that validates runs the three checks (tag coverage and
 * cost anomalies on small local files, probes on a stub transport) through
 * the pipeline with a memory state store, twice, without throwing.
 */

const A = '111111111111';
const B = '222222222222';
const NOW = new Date('2026-11-20T06:00:00Z');
const DAY = 86_400_000;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fg-config-property-'));
  const account = (id: string, owner: string) => ({
    Id: id,
    Arn: `arn:aws:organizations::100000000001:account/o-x/${id}`,
    Email: `${id}@example.com`,
    Name: `acct-${owner}`,
    Status: 'ACTIVE',
    Tags: [{ Key: 'owner', Value: owner }],
  });
  writeFileSync(
    join(dir, 'accounts.json'),
    JSON.stringify({ Accounts: [account(A, 'alpha'), account(B, 'beta')] }),
  );
  const tags = (t: Record<string, string>) => Object.entries(t).map(([Key, Value]) => ({ Key, Value }));
  writeFileSync(
    join(dir, 'resources.json'),
    JSON.stringify({
      ResourceTagMappingList: [
        {
          ResourceARN: `arn:aws:ec2:us-east-1:${A}:instance/i-1`,
          Tags: tags({ owner: 'alpha', env: 'prod' }),
        },
        {
          ResourceARN: `arn:aws:ec2:us-east-1:${A}:instance/i-2`,
          Tags: tags({ Owner: 'aaaaaaaaaaaaaaaaaaaa!' }),
        },
        { ResourceARN: `arn:aws:lambda:eu-west-1:${B}:function:f`, Tags: tags({ 'cost-center': 'cc-1234' }) },
        { ResourceARN: 'arn:aws:s3:::bucket-b', AccountId: B, Region: 'us-east-1', Tags: [] },
      ],
    }),
  );
  const costRows = ['ChargePeriodStart,EffectiveCost,ServiceName,SubAccountId,RegionId,ResourceId,Tags'];
  const metricRows = ['Timestamp,Id,Value'];
  for (let d = 100; d >= 1; d -= 1) {
    const day = new Date(NOW.getTime() - d * DAY).toISOString().slice(0, 10);
    const spike = d <= 2 ? 4 : 1;
    costRows.push(
      `${day} 00:00:00,${(100 * spike).toFixed(2)},Amazon EC2,${A},us-east-1,i-1,"{""env"":""prod""}"`,
    );
    costRows.push(`${day} 00:00:00,${(40 + (d % 7)).toFixed(2)},AWS Lambda,${B},eu-west-1,NULL,NULL`);
    metricRows.push(
      `${day}T00:00:00.000Z,demand,${1000 + d}`,
      `${day}T00:00:00.000Z,latency,${d <= 2 ? 900 : 300}`,
    );
  }
  writeFileSync(join(dir, 'costs.csv'), `${costRows.join('\n')}\n`);
  writeFileSync(join(dir, 'metrics.csv'), `${metricRows.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A probe result the stub transport returns: a 200 with a body worth matching. */
const stubTransport: ProbeTransport = {
  probe: async (target): Promise<ProbeResult> => ({
    target: target.name,
    url: target.url,
    startedAt: NOW.toISOString(),
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: `{"status":"ok","padding":"${'a'.repeat(2_000)}!"}`,
    bodyBytes: 2_030,
    bodyTruncated: false,
    redirects: [],
    addresses: ['192.0.2.10'],
    timings: { totalMs: 12 },
  }),
};

/** Patterns a user might write: plain, anchored, escaped, case-folded, hostile to backtracking. */
const pattern = fc.constantFrom(
  '^[a-z][a-z0-9-]+$',
  '^cc\\-[0-9]{4}$',
  '(a+)+$',
  '(?i)PROD|dev',
  '"status":\\s*"ok"',
);
const boundedInt = (min: number, max: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min, max }) },
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
  );
const boundedFloat = (min: number, max: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.double({ min, max, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
  );
const duration = fc
  .tuple(fc.oneof(fc.integer({ min: 0, max: 400 }), fc.constant(3650)), fc.constantFrom('s', 'm', 'h', 'd'))
  .map(([n, unit]) => `${n}${unit}`);
const metric = (id: string) =>
  fc.record({
    id: fc.constant(id),
    namespace: fc.constant('App'),
    metricName: fc.constant(id),
    // CloudWatch keeps data older than 63 days (the default lookback is 90) only at whole hours.
    period: fc.oneof(
      fc.constant(86_400),
      boundedInt(1, 24).map((n) => n * 3_600),
    ),
  });

/** Configs within the schema's bounds. */
const configWithinBounds = fc.record(
  {
    version: fc.constant(1),
    organization: fc.record(
      {
        accounts: fc.oneof(fc.constant('auto'), fc.subarray([A, B], { minLength: 1 })),
        regions: fc.subarray(['us-east-1', 'eu-west-1'], { minLength: 1 }),
        scanConcurrency: boundedInt(1, 64),
        ownerTagKeys: fc.constantFrom(['owner'], ['team', 'owner']),
      },
      { requiredKeys: [] },
    ),
    tagPolicy: fc.record(
      {
        requiredTags: fc.array(
          fc.record(
            {
              key: fc.constantFrom('owner', 'env', 'cost-center'),
              pattern,
              allowedValues: fc.constantFrom(['prod', 'dev'], ['alpha']),
              keyCase: fc.constantFrom('exact', 'insensitive'),
              valueCase: fc.constantFrom('exact', 'insensitive'),
            },
            { requiredKeys: ['key'] },
          ),
          { minLength: 1, maxLength: 3 },
        ),
        gracePeriod: duration,
        escalateAfter: duration,
        coverageObjective: boundedFloat(0, 1),
      },
      { requiredKeys: ['requiredTags'] },
    ),
    workloads: fc.uniqueArray(
      fc.constantFrom('checkout', 'search').chain((name) =>
        fc.record(
          {
            name: fc.constant(name),
            costFilter: fc.constantFrom(
              { accounts: [A] },
              { services: ['AWS Lambda'] },
              { tags: { env: ['prod'] } },
            ),
            demand: fc.record({ metric: metric(`${name}_demand`) }),
            slos: fc.array(
              fc.record({
                name: fc.constant('p99'),
                metric: metric(`${name}_latency`),
                objective: fc.record({
                  comparison: fc.constantFrom('<=', '>='),
                  threshold: boundedFloat(-1e15, 1e15),
                }),
                target: boundedFloat(0.5, 0.999),
              }),
              { maxLength: 1 },
            ),
          },
          { requiredKeys: ['name', 'costFilter'] },
        ),
      ),
      { maxLength: 2, selector: (w) => w.name },
    ),
    anomaly: fc.record(
      {
        lookbackDays: boundedInt(21, 395),
        minImpactUsd: boundedFloat(0, 1e9),
        relativeThreshold: boundedFloat(0, 100),
        zThreshold: boundedFloat(0.1, 1000),
        unsafeSavingWindowDays: boundedInt(0, 30),
        wasteErrorAboveUsdPerMonth: boundedFloat(0, 1e12),
      },
      { requiredKeys: [] },
    ),
    probes: fc.uniqueArray(
      fc.record(
        {
          name: fc.constantFrom('api', 'web'),
          url: fc.constantFrom('https://api.example.com/health', 'http://web.example.com/'),
          timeoutMs: boundedInt(1, 120_000),
          maxBodyBytes: boundedInt(0, 16 * 1_048_576),
          expect: fc.record(
            {
              bodyMatches: pattern,
              latencyMs: boundedFloat(1, 120_000),
              certDaysLeft: boundedFloat(0, 3650),
              status: fc.constantFrom([200], ['200-299']),
            },
            { requiredKeys: [] },
          ),
          failureThreshold: boundedInt(1, 10_000),
          successThreshold: boundedInt(1, 10_000),
          intervalSeconds: boundedInt(1, 60),
        },
        { requiredKeys: ['name', 'url'] },
      ),
      { maxLength: 2, selector: (p) => p.name },
    ),
    state: fc.record({ renotifyAfter: duration, resolvedRetention: duration }, { requiredKeys: [] }),
    deployment: fc.record({ logRetentionDays: boundedInt(1, 3653) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['version'] },
);

/** One field set just outside its bounds (or to a value RE2 or the format refuses), with the path it must be reported at. */
const outside: ReadonlyArray<readonly [ReadonlyArray<string | number>, unknown]> = [
  [['tagPolicy', 'gracePeriod'], '3651d'],
  [['tagPolicy', 'escalateAfter'], '99999999999999999999d'],
  [['state', 'renotifyAfter'], '87601h'],
  [['tagPolicy', 'coverageObjective'], 1.0001],
  [['tagPolicy', 'requiredTags', 0, 'pattern'], 'a(?=b)'],
  [['tagPolicy', 'requiredTags', 0, 'pattern'], '('],
  [['tagPolicy', 'requiredTags', 0, 'pattern'], '[a-z]{1000}[0-9]{1000}'],
  [['anomaly', 'lookbackDays'], 396],
  [['anomaly', 'minImpactUsd'], 1e10],
  [['anomaly', 'zThreshold'], 0],
  [['anomaly', 'relativeThreshold'], 1e300],
  [['organization', 'scanConcurrency'], 65],
  [['organization', 'scanConcurrency'], 0.5],
  [['deployment', 'logRetentionDays'], 3654],
  [['probes', 0, 'timeoutMs'], 120_001],
  [['probes', 0, 'intervalSeconds'], 61],
  [['probes', 0, 'failureThreshold'], 1e20],
  [['probes', 0, 'expect', 'bodyMatches'], '(a)\\1'],
  [['probes', 0, 'expect', 'certDaysLeft'], 3651],
  [['workloads', 0, 'demand', 'metric', 'period'], 86_460],
];

/** Sets `value` at `path`, creating what is missing (a probe or workload that the rest can complete). */
function setPath(root: Record<string, unknown>, path: ReadonlyArray<string | number>, value: unknown): void {
  const seed: Record<string, unknown> = {
    probes: { name: 'api', url: 'https://api.example.com/health' },
    workloads: {
      name: 'checkout',
      costFilter: { accounts: [A] },
      demand: { metric: { id: 'demand', expression: 'm1' } },
    },
    tagPolicy: { requiredTags: [{ key: 'owner' }] },
  };
  let node: Record<string | number, unknown> = root;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = path[i + 1];
    if (node[key] === undefined || (Array.isArray(node[key]) && (node[key] as unknown[]).length === 0)) {
      node[key] =
        typeof next === 'number'
          ? [structuredClone(seed[String(key)] ?? {})]
          : structuredClone(seed[String(key)] ?? {});
    }
    node = node[key] as Record<string | number, unknown>;
  });
}

const configArbitrary = fc
  .tuple(configWithinBounds, fc.option(fc.constantFrom(...outside), { freq: 2 }))
  .map(([config, mutation]) => {
    const raw = structuredClone(config) as Record<string, unknown>;
    if (mutation) setPath(raw, mutation[0], mutation[1]);
    return { raw, mutation };
  });

describe('a config that validates runs (issue 9 case 8)', () => {
  it('runs every check, twice, on every generated config that validates; names a path for every one that does not', async () => {
    let validated = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(configArbitrary, async ({ raw, mutation }) => {
        const parsed = configSchema.safeParse(raw);
        if (mutation) {
          // Just outside a bound: refused, at that field's path, never a crash.
          expect(parsed.success).toBe(false);
          const where = formatPath(mutation[0]);
          expect(
            parsed.error && formatIssues(parsed.error.issues).some((l) => l.startsWith(`${where}: `)),
          ).toBe(true);
          refused += 1;
          return;
        }
        expect(parsed.error && formatIssues(parsed.error.issues)).toBeUndefined();
        if (!parsed.success) return;
        validated += 1;
        const config = parsed.data;
        const state = new MemoryStateStore();
        const checks = [
          tagCoverageFactory({ mode: 'file', config, dataDir: dir, log: silentLog }),
          costAnomalyFactory({ mode: 'file', config, dataDir: dir, log: silentLog }),
          probeCheck({ transport: stubTransport, location: 'local' }, { ignoreRegions: true }),
        ];
        for (const now of [NOW, new Date(NOW.getTime() + 40 * DAY)]) {
          for (const check of checks) {
            await runCheck(check, { config, state, sinks: [], log: silentLog, now });
          }
        }
      }),
      { numRuns: 100, seed: 20261120 },
    );
    // Both halves of the property were exercised.
    expect(validated).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(5);
  }, 120_000);

  it('refuses gracePeriod: 99999999999999999999d as a config error naming the path (it was a RangeError at run time)', () => {
    const parsed = configSchema.safeParse({
      version: 1,
      tagPolicy: { requiredTags: [{ key: 'owner' }], gracePeriod: '99999999999999999999d' },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error && formatIssues(parsed.error.issues)).toEqual([
      'tagPolicy.gracePeriod: must be at most 3650d (10 years)',
    ]);
  });
});
