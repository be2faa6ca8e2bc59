/**
 * Scenario 2: a whole tag-coverage run over a simulated organization, through
 * the real AWS wiring (`tagCoverageFactory`, mode `aws`) and `runCheck`, with
 * every AWS API answered by aws-sdk-client-mock: STS AssumeRole and
 * GetCallerIdentity, Organizations ListAccounts and ListTagsForResource,
 * Tagging GetResources (pages of 100, empty PaginationToken at the end) and
 * Cost Explorer GetCostAndUsage. Counts the calls against their minimum.
 */
import { CostExplorerClient, GetCostAndUsageCommand, type Group } from '@aws-sdk/client-cost-explorer';
import {
  ListAccountsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
  type ResourceTagMapping,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { MemoryStateStore } from '../shared/adapters/memory/memory-state.js';
import { runCheck } from '../shared/core/pipeline.js';
import type { Check, ProgressLog, Sink } from '../shared/core/ports.js';
import { tagCoverageFactory } from '../shared/runtime/tag-coverage-wiring.js';
import { collectGarbage, peakRssMiB } from './memory.js';
import { below, equals, type Figure, info, type ScenarioOptions, type ScenarioResult } from './report.js';
import {
  benchAccounts,
  benchConfig,
  generatedTags,
  resourceArn,
  seededRandom,
  TEAMS,
} from './tag-fixtures.js';

const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'] as const;
const PAGE_SIZE = 100;
/** ListAccounts' default and maximum MaxResults. */
const ACCOUNTS_PER_PAGE = 20;
const MANAGEMENT = '999999999999';
const TOOLING = '888888888888';
const MEMBER_ROLE = 'FinopsGuardrailsMemberRead';
const SCAN_CONCURRENCY = 16;
const REQUIRED_KEYS = 6;
/** Assumed, not measured: a typical GetResources round trip, for the projection of network time only. */
const ASSUMED_PAGE_LATENCY_MS = 100;
/** The bench's own bound: a fifth of the 15-minute Lambda limit. */
const WALL_LIMIT_MS = 300_000;

const silentLog: ProgressLog = { info: () => {}, warn: () => {} };
const noopSink: Sink = { name: 'noop', deliver: async () => {} };

interface OrgShape {
  readonly accounts: number;
  readonly resourcesPerAccountRegion: number;
}

/** Installs the mocks; returns them so calls can be counted. */
function mockOrganization(shape: OrgShape) {
  const accounts = benchAccounts(shape.accounts);
  const sts = mockClient(STSClient);
  const organizations = mockClient(OrganizationsClient);
  const tagging = mockClient(ResourceGroupsTaggingAPIClient);
  const costExplorer = mockClient(CostExplorerClient);

  sts.on(GetCallerIdentityCommand).resolves({
    Account: TOOLING,
    Arn: `arn:aws:sts::${TOOLING}:assumed-role/FinopsGuardrailsTagCoverage/lambda`,
  });
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
    const account = input.RoleArn.split(':')[4] ?? '';
    return {
      Credentials: {
        // The account rides in the key id so the Tagging mock knows whose resources to list.
        AccessKeyId: `ASIA${account}`,
        SecretAccessKey: 'secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    };
  });

  organizations.on(ListAccountsCommand).callsFake((input: { NextToken?: string }) => {
    const start = Number(input.NextToken ?? 0);
    const page = accounts.slice(start, start + ACCOUNTS_PER_PAGE);
    const next = start + ACCOUNTS_PER_PAGE;
    return {
      Accounts: page.map((a) => ({ Id: a.id, Name: a.name, State: 'ACTIVE', Status: 'ACTIVE' })),
      ...(next < accounts.length && { NextToken: String(next) }),
    };
  });
  const byId = new Map(accounts.map((a) => [a.id, a]));
  organizations.on(ListTagsForResourceCommand).callsFake((input: { ResourceId: string }) => ({
    Tags: Object.entries(byId.get(input.ResourceId)?.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
  }));

  const pages = Math.ceil(shape.resourcesPerAccountRegion / PAGE_SIZE);
  tagging.on(GetResourcesCommand).callsFake(async (input: { PaginationToken?: string }, getClient) => {
    const client = getClient();
    const region = await client.config.region();
    const credentials = await client.config.credentials();
    const accountId = credentials.accessKeyId.slice(4);
    const accountIndex = accounts.findIndex((a) => a.id === accountId);
    const regionIndex = REGIONS.indexOf(region as (typeof REGIONS)[number]);
    const page = input.PaginationToken ? Number(input.PaginationToken) : 0;
    // Deterministic per page, so a run is the same whatever the interleaving of the scans.
    const tagsOf = generatedTags(seededRandom(((accountIndex * 8 + regionIndex) * 1000 + page) | 0));
    const first = page * PAGE_SIZE;
    const last = Math.min(shape.resourcesPerAccountRegion, first + PAGE_SIZE);
    const list: ResourceTagMapping[] = [];
    for (let i = first; i < last; i++) {
      const serial = (accountIndex * REGIONS.length + regionIndex) * shape.resourcesPerAccountRegion + i;
      list.push({
        ResourceARN: resourceArn(accountId, region, serial),
        Tags: Object.entries(tagsOf(serial)).map(([Key, Value]) => ({ Key, Value })),
      });
    }
    // The last page carries an empty string, as the real API does.
    return { ResourceTagMappingList: list, PaginationToken: page + 1 < pages ? String(page + 1) : '' };
  });

  costExplorer.on(GetCostAndUsageCommand).callsFake((input: { GroupBy: Array<{ Key: string }> }) => {
    const key = input.GroupBy[1]?.Key ?? '';
    const periods = [
      { Start: '2026-10-21', End: '2026-11-01' },
      { Start: '2026-11-01', End: '2026-11-20' },
    ];
    return {
      ResultsByTime: periods.map((TimePeriod, p) => ({
        TimePeriod,
        Groups: accounts.flatMap((a, n): Group[] => [
          amountGroup(a.id, `${key}$`, 40 + ((n + p) % 7) * 10),
          amountGroup(a.id, `${key}$${TEAMS[n % TEAMS.length]}`, 900 + n),
        ]),
      })),
    };
  });
  return { sts, organizations, tagging, costExplorer };
}

function amountGroup(accountId: string, tagGroup: string, usd: number): Group {
  return { Keys: [accountId, tagGroup], Metrics: { UnblendedCost: { Amount: usd.toFixed(2), Unit: 'USD' } } };
}

/** Times collect and evaluate of the check that runCheck drives. */
function timed<O>(check: Check<O>, times: { collectMs: number; evaluateMs: number }): Check<O> {
  return {
    name: check.name,
    async collect(ctx) {
      const t0 = performance.now();
      const collected = await check.collect(ctx);
      times.collectMs = performance.now() - t0;
      return collected;
    },
    evaluate(observations, ctx) {
      const t0 = performance.now();
      const evaluation = check.evaluate(observations, ctx);
      times.evaluateMs = performance.now() - t0;
      return evaluation;
    },
  };
}

export async function run({ quick }: ScenarioOptions): Promise<ScenarioResult> {
  const shape: OrgShape = { accounts: quick ? 20 : 200, resourcesPerAccountRegion: 2000 };
  const mocks = mockOrganization(shape);
  const config = benchConfig(
    [
      `  managementAccountId: "${MANAGEMENT}"`,
      `  regions: [${REGIONS.join(', ')}]`,
      `  scanConcurrency: ${SCAN_CONCURRENCY}`,
      `  memberRoleName: ${MEMBER_ROLE}`,
    ].join('\n'),
  );
  const times = { collectMs: 0, evaluateMs: 0 };
  const check = timed(tagCoverageFactory({ mode: 'aws', config, dataDir: '.', log: silentLog }), times);
  collectGarbage();

  const started = performance.now();
  const report = await runCheck(check, {
    config,
    state: new MemoryStateStore(),
    sinks: [noopSink],
    now: new Date('2026-11-20T06:00:00Z'),
    log: silentLog,
  });
  const wallMs = performance.now() - started;
  const peak = peakRssMiB();

  const accountRegions = shape.accounts * REGIONS.length;
  const pagesPerScope = Math.ceil(shape.resourcesPerAccountRegion / PAGE_SIZE);
  const getResources = mocks.tagging.commandCalls(GetResourcesCommand).length;
  const assumeCalls = mocks.sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn ?? '');
  const memberAssumes = assumeCalls.filter((arn) => arn.endsWith(`:role/${MEMBER_ROLE}`)).length;
  const managementAssumes = assumeCalls.length - memberAssumes;
  const ceCalls = mocks.costExplorer.commandCalls(GetCostAndUsageCommand).length;
  const expectedResources = accountRegions * shape.resourcesPerAccountRegion;
  const evaluated = report.metrics.ResourcesEvaluated ?? Number.NaN;
  const projectedNetworkS = (getResources * ASSUMED_PAGE_LATENCY_MS) / SCAN_CONCURRENCY / 1000;

  const figures: Figure[] = [
    equals(
      'GetResources calls (min = ceil(n/100) per account-region)',
      getResources,
      'calls',
      accountRegions * pagesPerScope,
    ),
    equals('AssumeRole calls into member accounts (one per account)', memberAssumes, 'calls', shape.accounts),
    info('AssumeRole calls into the management account', managementAssumes, 'calls'),
    equals('GetCostAndUsage calls per run (one per required key)', ceCalls, 'calls', REQUIRED_KEYS),
    info('ListAccounts calls', mocks.organizations.commandCalls(ListAccountsCommand).length, 'calls'),
    info(
      'ListTagsForResource calls',
      mocks.organizations.commandCalls(ListTagsForResourceCommand).length,
      'calls',
    ),
    equals('resources evaluated', evaluated, '', expectedResources),
    below('wall time, whole runCheck (collect to commit)', wallMs, 'ms', WALL_LIMIT_MS),
    info('  of which collect', times.collectMs, 'ms'),
    info('  of which evaluate', times.evaluateMs, 'ms'),
    info('scopes completed / failed', `${report.scope.completed.length} / ${report.scope.failed.length}`),
    info('findings / events delivered', `${report.findings.length} / ${report.events.length}`),
    info('peak RSS (process)', peak, 'MiB'),
    info(`projected network time at an assumed ${ASSUMED_PAGE_LATENCY_MS} ms/page`, projectedNetworkS, 's'),
  ];
  return {
    scenario: 'tag-org-scan',
    title: 'tag-coverage runCheck over a mocked organization (real AWS adapters)',
    sizes: {
      accounts: shape.accounts,
      regions: REGIONS.length,
      resourcesPerAccountRegion: shape.resourcesPerAccountRegion,
      resources: expectedResources,
      scanConcurrency: SCAN_CONCURRENCY,
    },
    figures,
    notes: [
      "SDK calls are answered in-process by aws-sdk-client-mock (zero latency): the wall time is CPU, not network. The wall-time target (a fifth of the 15-min Lambda limit) is the bench's own.",
      `network time projection = GetResources calls x ${ASSUMED_PAGE_LATENCY_MS} ms (assumed) / scanConcurrency ${SCAN_CONCURRENCY}; each account-region is read sequentially, so it stays under the 15 req/s per account and region quota whatever the concurrency.`,
      'management AssumeRole shows 0: Organizations and Cost Explorer get the role as a lazy credentials provider that the SDK resolves inside send(), which the mock replaces. Member roles are resolved up front by TaggingInventory, so their count is real. In a real run the shared assumer makes the management role one more call.',
      `Cost Explorer is answered in one page per query (${shape.accounts} accounts x 2 tag groups x 2 months = ${shape.accounts * 4} groups); more pages would add calls, not queries.`,
    ],
  };
}
