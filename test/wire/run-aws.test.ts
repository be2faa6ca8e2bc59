import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.js';
import { clearAwsClients } from '../../shared/adapters/aws/clients.js';
import type { Envelope } from '../../shared/core/envelope.js';
import { memoryIo } from '../support/memory-io.js';
import { type FakeAws, startFakeAws } from './fake-aws.js';
import {
  AGGREGATOR,
  defaultWorld,
  MANAGEMENT,
  PAYMENTS,
  PAYMENTS_NEVER_TAGGED,
  PAYMENTS_TAGGED,
  TOOLING,
  VIEW_ARN,
} from './world.js';

/**
 * `run --source aws` end to end, through the real SDK clients, against a
 * fake that speaks each service's protocol on 127.0.0.1, reached through
 * the SDK's own AWS_ENDPOINT_URL_<SERVICE> variables. The caller is the
 * tooling account; everything in the management account goes through its
 * read role, as in an Organization deployment.
 */

const dir = mkdtempSync(join(tmpdir(), 'wire-'));
const NOW = '2026-11-20T06:00:00Z';

function writeConfig(inventory: object, coverageObjective = 0.99): string {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      organization: {
        managementAccountId: MANAGEMENT,
        toolingAccountId: TOOLING,
        regions: ['us-east-1', 'eu-west-1'],
        inventory,
      },
      tagPolicy: { requiredTags: [{ key: 'owner' }], coverageObjective },
    }),
  );
  return file;
}

async function runAws(config: string, ...extra: string[]) {
  const io = memoryIo();
  const code = await main(
    [
      'node',
      'finops-guardrails',
      'run',
      '--source',
      'aws',
      '--config',
      config,
      '--only',
      'tags',
      '--json',
      '--now',
      NOW,
      // The incident queue (SQS) is not faked here: judge and print, deliver nowhere.
      '--dry-run',
      ...extra,
    ],
    io,
  );
  const events = io
    .out()
    .trimEnd()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Envelope);
  return { code, events, err: io.err() };
}

const coverageOf = (events: readonly Envelope[], accountId: string) =>
  events.find((e) => e.type === 'finops-guardrails.tag.coverage' && e.subject === `account/${accountId}`)
    ?.data.evidence as Record<string, unknown> | undefined;
const digestOf = (events: readonly Envelope[], accountId: string) =>
  events.find(
    (e) => e.type === 'finops-guardrails.tag.violation' && e.data.resource?.accountId === accountId,
  );

describe('run --source aws over the wire', () => {
  let fake: FakeAws;
  beforeAll(async () => {
    fake = await startFakeAws(defaultWorld());
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    for (const [name, value] of Object.entries(fake.env)) vi.stubEnv(name, value);
    // The tooling account's own keys; nothing from this machine's AWS setup.
    vi.stubEnv('AWS_ACCESS_KEY_ID', `AKIA${TOOLING}CLI`);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fake');
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'no-config'));
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'no-credentials'));
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  });
  afterEach(() => {
    clearAwsClients();
    (fake.calls as unknown[]).length = 0;
    vi.unstubAllEnvs();
  });

  it('with the Tagging API alone, never sees the never-tagged instances or the IAM role', async () => {
    const { code, events, err } = await runAws(
      writeConfig({ sources: ['tagging-api'] }),
      '--region',
      'us-east-1',
    );

    expect(err).not.toMatch(/Region is missing/);
    expect(code).toBe(0);
    const evidence = coverageOf(events, PAYMENTS);
    // 230 tagged + 1 whose tags were removed + 3 volumes + the CloudFront distribution.
    expect(evidence).toMatchObject({
      taggable: PAYMENTS_TAGGED + 1 + 3 + 1,
      countedBy: { 'tagging-api': 235 },
    });
    // Pages of 100: three for payments' 231 us-east-1 resources, and three again for its global
    // resources, which the API returns only from us-east-1, among that region's.
    const getResources = fake.calls.filter((c) => c.operation === 'GetResources' && c.accountId === PAYMENTS);
    expect(getResources.filter((c) => c.region === 'us-east-1')).toHaveLength(3 + 3);
    expect(getResources.filter((c) => c.region === 'eu-west-1')).toHaveLength(1);
  });

  it('with Resource Explorer merged in, counts never-tagged resources and lists them in the owner’s digest', async () => {
    const { code, events } = await runAws(
      writeConfig({ sources: ['resource-explorer', 'tagging-api'], resourceExplorer: { viewArn: VIEW_ARN } }),
      '--region',
      'us-east-1',
    );

    expect(code).toBe(0);
    const evidence = coverageOf(events, PAYMENTS);
    const taggable = PAYMENTS_TAGGED + PAYMENTS_NEVER_TAGGED + 1 + 3 + 1;
    expect(evidence).toMatchObject({
      taggable,
      compliant: PAYMENTS_TAGGED + 3 + 1,
      countedBy: { 'resource-explorer': taggable, 'tagging-api': 235 },
    });
    const digest = digestOf(events, PAYMENTS);
    expect(digest?.data.evidence).toMatchObject({ counts: { total: PAYMENTS_NEVER_TAGGED + 1 } });
    const digestEvidence = (digest?.data.evidence ?? { resources: [] }) as {
      resources: Array<{ arn: string }>;
    };
    const listed = digestEvidence.resources.map((r) => r.arn);
    expect(listed).toContain(`arn:aws:ec2:us-east-1:${PAYMENTS}:instance/i-never0000`);
    // The view is read in the management account (through its role), where it lives.
    const explorer = fake.calls.filter((c) => c.service === 'resource-explorer-2');
    expect(new Set(explorer.map((c) => `${c.accountId}/${c.region}`))).toEqual(
      new Set([`${MANAGEMENT}/us-east-1`]),
    );
    expect(explorer.filter((c) => c.operation === '/GetView')).toHaveLength(1);
  });

  it('with Resource Explorer, lists a scope of more than 1,000 resources whole (at 1,000 a page AWS gives no next token)', async () => {
    // Prepare: 1,300 never-tagged volumes more in payments' eu-west-1.
    const world = defaultWorld();
    const extra = Array.from({ length: 1300 }, (_, i) => ({
      arn: `arn:aws:ec2:eu-west-1:${PAYMENTS}:volume/vol-never${i}`,
      accountId: PAYMENTS,
      region: 'eu-west-1',
      type: { explorer: 'ec2:volume', config: 'AWS::EC2::Volume' },
      tags: {},
      everTagged: false,
    }));
    const big = await startFakeAws({ ...world, resources: [...world.resources, ...extra] });
    for (const [name, value] of Object.entries(big.env)) vi.stubEnv(name, value);
    try {
      // Act
      const { code, events } = await runAws(
        writeConfig({ sources: ['resource-explorer'], resourceExplorer: { viewArn: VIEW_ARN } }),
        '--region',
        'us-east-1',
      );
      // Assess: every resource but the IAM role (whose tags are not indexed).
      expect(code).toBe(0);
      const taggable = PAYMENTS_TAGGED + PAYMENTS_NEVER_TAGGED + 1 + 3 + 1 + 1300;
      expect(coverageOf(events, PAYMENTS)).toMatchObject({
        taggable,
        countedBy: { 'resource-explorer': taggable },
      });
    } finally {
      await big.close();
    }
  });

  it('with Resource Explorer, reads a Region without an index as a scan gap, not as an account with nothing in it', async () => {
    const world = defaultWorld();
    const indexes = world.accounts.flatMap((a) => ['us-east-1', 'eu-west-1'].map((r) => `${a.id}/${r}`));
    const partial = await startFakeAws({
      ...world,
      explorerIndexes: indexes.filter((key) => key !== `${PAYMENTS}/eu-west-1`),
    });
    for (const [name, value] of Object.entries(partial.env)) vi.stubEnv(name, value);
    try {
      const { events, err } = await runAws(
        writeConfig({ sources: ['resource-explorer'], resourceExplorer: { viewArn: VIEW_ARN } }),
        '--region',
        'us-east-1',
      );
      const gap = events.find(
        (e) => e.type === 'finops-guardrails.guardrail.scan-gap' && e.subject === `${PAYMENTS}/eu-west-1`,
      );
      expect(gap?.data.evidence).toMatchObject({
        reason: expect.stringContaining(
          `no Resource Explorer index in account ${PAYMENTS}, Region eu-west-1: its resources cannot be listed; create one there`,
        ),
      });
      expect(err).toContain(`scan gap: ${PAYMENTS}/eu-west-1: no Resource Explorer index`);
      // Payments' us-east-1 and global resources are still counted; its eu-west-1 volumes are not read as gone.
      expect(coverageOf(events, PAYMENTS)).toMatchObject({
        taggable: PAYMENTS_TAGGED + PAYMENTS_NEVER_TAGGED + 1 + 1,
      });
      expect(partial.calls.filter((c) => c.operation === '/ListIndexesForMembers').length).toBeGreaterThan(0);
    } finally {
      await partial.close();
    }
  });

  it('with Config, counts the IAM role Resource Explorer cannot judge, in <account>/global, and skips deleted resources and Systems Manager records', async () => {
    const { code, events } = await runAws(
      writeConfig({ sources: ['config'], config: { aggregatorName: AGGREGATOR, region: 'us-east-1' } }),
      '--region',
      'us-east-1',
    );

    expect(code).toBe(0);
    const taggable = PAYMENTS_TAGGED + PAYMENTS_NEVER_TAGGED + 1 + 3 + 1 + 1;
    expect(coverageOf(events, PAYMENTS)).toMatchObject({ taggable, countedBy: { config: taggable } });
    // 251 resources, 251 instance inventory records and a deleted one in payments' us-east-1: six pages of
    // at most 100; the aggregator's sources status is read once for the run.
    const selects = fake.calls.filter((c) => c.operation === 'SelectAggregateResourceConfig');
    expect(selects.every((c) => c.accountId === MANAGEMENT && c.region === 'us-east-1')).toBe(true);
    expect(
      fake.calls.filter((c) => c.operation === 'DescribeConfigurationAggregatorSourcesStatus'),
    ).toHaveLength(1);
  });

  it('with Config, reads a region the aggregator does not hold as a scan gap', async () => {
    const partial = await startFakeAws({ ...defaultWorld(), configRegions: ['us-east-1'] });
    for (const [name, value] of Object.entries(partial.env)) vi.stubEnv(name, value);
    try {
      const { events } = await runAws(
        writeConfig({ sources: ['config'], config: { aggregatorName: AGGREGATOR, region: 'us-east-1' } }),
        '--region',
        'us-east-1',
      );

      const gaps = events
        .filter((e) => e.type === 'finops-guardrails.guardrail.scan-gap')
        .map((e) => e.subject);
      expect(gaps).toEqual(expect.arrayContaining([`${PAYMENTS}/eu-west-1`, `${MANAGEMENT}/eu-west-1`]));
      expect(gaps.some((g) => g?.endsWith('/us-east-1'))).toBe(false);
    } finally {
      await partial.close();
    }
  });

  it('works with no region set anywhere, warning what to set, instead of failing on "Region is missing"', async () => {
    const { code, events, err } = await runAws(writeConfig({ sources: ['tagging-api'] }));

    expect(code).toBe(0);
    expect(err).toMatch(
      /no AWS region set \(set AWS_REGION, a region in your AWS profile, or pass --region\)/,
    );
    expect(events.some((e) => e.type === 'finops-guardrails.tag.coverage')).toBe(true);
    expect(fake.calls.some((c) => c.service === 'sts' && c.operation === 'AssumeRole')).toBe(true);
  });

  it('reports an inactive cost allocation tag as its own finding instead of 100% untagged spend', async () => {
    const inactive = await startFakeAws(defaultWorld(), { costTags: { owner: 'Inactive' } });
    for (const [name, value] of Object.entries(inactive.env)) vi.stubEnv(name, value);
    try {
      const { events } = await runAws(writeConfig({ sources: ['tagging-api'] }, 1), '--region', 'us-east-1');

      const finding = events.find((e) => e.data.rule === 'cost-allocation-tag');
      expect(finding?.data.summary).toMatch(/^Tag key owner is not an active cost allocation tag/);
      expect(finding?.data.summary).toContain('update-cost-allocation-tags-status');
      expect(coverageOf(events, PAYMENTS)).toMatchObject({ bySpend: null });
      expect(inactive.calls.some((c) => c.operation === 'GetCostAndUsage')).toBe(false);
    } finally {
      await inactive.close();
    }
  });

  it('reports a key no billing data carries yet as absent, not inactive, and measures no spend for it', async () => {
    const unseen = await startFakeAws(defaultWorld(), { costTags: { team: 'Active' } });
    for (const [name, value] of Object.entries(unseen.env)) vi.stubEnv(name, value);
    try {
      const { events } = await runAws(writeConfig({ sources: ['tagging-api'] }, 1), '--region', 'us-east-1');

      const finding = events.find((e) => e.data.rule === 'cost-allocation-tag');
      expect(finding?.data.evidence).toMatchObject({ key: 'owner', status: 'absent', measured: false });
      expect(finding?.data.summary).toMatch(/^Tag key owner is not a cost allocation tag yet/);
      expect(coverageOf(events, PAYMENTS)).toMatchObject({ bySpend: null });
      // Asked for owner alone, the listing named nothing: the key is absent, not inactive.
      expect(unseen.calls.filter((c) => c.operation === 'ListCostAllocationTags')).toHaveLength(1);
      expect(unseen.calls.some((c) => c.operation === 'GetCostAndUsage')).toBe(false);
    } finally {
      await unseen.close();
    }
  });
});
