import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type BuildAppOptions, buildApp } from '../../../infra/build-app.js';
import { defaultCheckFunctions } from '../../../infra/check-functions.js';
import { LAMBDA_HANDLERS } from '../../../infra/constructs/function-bundle.js';
import { readsManagementWithOwnRole } from '../../../infra/iam/management-reads.js';
import { importedQueueAccess } from '../../../infra/queue-access.js';
import { configSchema, type GuardrailsConfig } from '../../../shared/config/schema.js';
import { FIXTURE_HANDLER, NO_BUNDLING, repoFile, SYNTH_TIMEOUT_MS } from '../support/cdk.js';
import { type BundleCommands, bundleCommands } from './bundle-commands.js';
import { type Deployment, deploymentOf } from './deployment-model.js';
import { type AuditResult, type AuditTopology, auditPermissions, type NotSent } from './permission-audit.js';
import { resolveStatements } from './policy-evaluation.js';
import { loadServiceAuthorization } from './service-authorization.js';

// Bundling six handlers and synthesizing five topologies on a shared 2-core machine: a hang guard only.
vi.setConfig({ hookTimeout: SYNTH_TIMEOUT_MS, testTimeout: SYNTH_TIMEOUT_MS });

/**
 * IAM complete and minimal, for every topology the README describes.
 *
 * What each function sends is derived from its code (each handler bundled
 * by esbuild, the SDK commands its own modules reference), never listed by
 * hand, so a command added later fails here until its grant exists: the
 * failure names the function, the command and the action. Each topology's
 * config turns every feature on (fan-out, every sink, anomalies, budgets,
 * member metrics), so every command a bundle holds is one it may send; a
 * new feature's config belongs in {@link base}.
 */

const HANDLERS = LAMBDA_HANDLERS;

/**
 * Commands in a bundle that its function never sends: S3ScanResults both
 * writes (plans, scans) and reads (the Map run), and the aggregator builds
 * the tag sources but reads the scans from S3 instead of the Tagging API.
 */
const NOT_SENT: NotSent = {
  'tag-coverage': { 'client-s3 GetObject': 'writes the plan only (S3ScanResults.writePlan)' },
  'scan-account': { 'client-s3 GetObject': 'writes scans only (S3ScanResults.writeScan)' },
  aggregate: {
    'client-resource-groups-tagging-api GetResources':
      "reads the workers' scans from S3, not the Tagging API",
  },
};
const authorization = loadServiceAuthorization();
const DEFAULT_ACCOUNT = '123456789012';

/** Every feature on; topologies add where things live. */
/** Every inventory source, its view and aggregator in the account the management reads go to. */
function inventory(management: string, region: string) {
  return {
    sources: ['tagging-api', 'resource-explorer', 'config'],
    resourceExplorer: { viewArn: `arn:aws:resource-explorer-2:${region}:${management}:view/guardrails/1` },
    config: { aggregatorName: 'organization', region },
  };
}

const base = {
  version: 1,
  organization: { accounts: 'auto', inventory: inventory(DEFAULT_ACCOUNT, 'eu-west-1') },
  tagPolicy: { requiredTags: [{ key: 'owner' }] },
  costPolicy: { rules: [{ id: 'logs-expire', kind: 'log-retention', maxDays: 400 }] },
  workloads: [
    {
      name: 'checkout',
      costFilter: { accounts: ['555555555555'] },
      demand: {
        metric: {
          id: 'requests',
          namespace: 'AWS/ApplicationELB',
          metricName: 'RequestCount',
          accountId: '555555555555',
        },
        unit: 'request',
      },
    },
  ],
  sinks: {
    sqs: { fifo: false },
    pagerduty: {
      routingKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:guardrails/pagerduty',
    },
    slack: {
      webhookSecretArn: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:guardrails/slack-AbC123',
    },
    eventbridge: { eventBusArn: 'arn:aws:events:eu-west-1:222222222222:event-bus/reliability' },
  },
  deployment: { toolingRegion: 'eu-west-1', tags: { owner: 'finops' } },
};

const organization = {
  organizationId: 'o-test123456',
  managementAccountId: '111111111111',
  toolingAccountId: '222222222222',
  externalId: 'finops-guardrails-ext',
  accounts: 'auto',
  stackSetTargetOus: ['r-ab12'],
  inventory: inventory('111111111111', 'us-east-1'),
};

interface Topology {
  readonly name: string;
  readonly config: GuardrailsConfig;
  readonly defaultAccount: string;
}

const oneAccountSinks = {
  ...base.sinks,
  pagerduty: {
    routingKeySecretArn: `arn:aws:secretsmanager:eu-west-1:${DEFAULT_ACCOUNT}:secret:guardrails/pagerduty`,
  },
  slack: {
    webhookSecretArn: `arn:aws:secretsmanager:eu-west-1:${DEFAULT_ACCOUNT}:secret:guardrails/slack-AbC123`,
  },
  eventbridge: { eventBusArn: `arn:aws:events:eu-west-1:${DEFAULT_ACCOUNT}:event-bus/reliability` },
};

const TOPOLOGIES: readonly Topology[] = [
  {
    name: 'one account',
    defaultAccount: DEFAULT_ACCOUNT,
    config: configSchema.parse({ ...base, sinks: oneAccountSinks }),
  },
  {
    name: 'an Organization with a management account',
    defaultAccount: '222222222222',
    config: configSchema.parse({ ...base, organization }),
  },
  {
    name: 'a separate observer account',
    defaultAccount: '222222222222',
    config: configSchema.parse({
      ...base,
      organization,
      sinks: {
        ...base.sinks,
        pagerduty: { ...base.sinks.pagerduty, observerSecretName: 'finops-guardrails/pagerduty' },
      },
      deployment: { ...base.deployment, observer: { accountId: '444444444444', region: 'us-west-2' } },
    }),
  },
  {
    name: 'several observer regions',
    defaultAccount: '222222222222',
    config: configSchema.parse({
      ...base,
      organization,
      sinks: {
        ...base.sinks,
        pagerduty: { ...base.sinks.pagerduty, observerSecretName: 'finops-guardrails/pagerduty' },
      },
      deployment: {
        ...base.deployment,
        observer: {
          accountId: '444444444444',
          region: 'us-west-2',
          regions: ['eu-central-1', 'ap-southeast-2'],
        },
      },
    }),
  },
  {
    name: 'an imported incident queue under a customer key',
    defaultAccount: '222222222222',
    config: configSchema.parse({
      ...base,
      organization,
      sinks: {
        ...base.sinks,
        sqs: {
          fifo: false,
          queueArn: 'arn:aws:sqs:eu-west-1:333333333333:reliability-incidents',
          kmsKeyArn: 'arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        },
      },
    }),
  },
];

const synthesized = new Map<Topology, { deployment: Deployment; audit: AuditTopology }>();

/** The topology's app, synthesized once per file without bundling, as the deployment the audit reads. */
function synthesize(topology: Topology): { deployment: Deployment; audit: AuditTopology } {
  const cached = synthesized.get(topology);
  if (cached) return cached;
  const { config } = topology;
  const options: BuildAppOptions = {
    outdir: mkdtempSync(join(tmpdir(), 'guardrails-iam-')),
    context: NO_BUNDLING,
    defaultEnv: { account: topology.defaultAccount, region: 'eu-west-1' },
    functions: defaultCheckFunctions(config).map((spec) => ({ ...spec, entry: FIXTURE_HANDLER })),
    probeEntry: FIXTURE_HANDLER,
    supportEntry: FIXTURE_HANDLER,
    nag: false,
  };
  const built = buildApp(config, options);
  const assembly = built.app.synth();
  const stacks = [built.guardrails, built.managementAccess, built.memberReadRole, ...built.probes].filter(
    (s) => s !== undefined,
  );
  const management = config.organization.managementAccountId ?? topology.defaultAccount;
  return {
    deployment: deploymentOf(assembly, stacks, { account: topology.defaultAccount, region: 'eu-west-1' }),
    audit: {
      config,
      managementWithOwnRole: readsManagementWithOwnRole(config),
      managementAccount: management,
    },
  };
}

let commands: Map<string, BundleCommands>;
beforeAll(async () => {
  const documentCommands = authorization.documentCommands as Record<string, string>;
  const analysed = await Promise.all(
    HANDLERS.map(async (service) => {
      const entry = repoFile(`functions/${service}/handler.ts`);
      return [service, await bundleCommands(entry, (command) => documentCommands[command])] as const;
    }),
  );
  commands = new Map(analysed);
});

describe('the SDK commands derived from each handler bundle', () => {
  it('finds what the code sends, through adapters, paginators and lib-dynamodb, and nothing the SDK sends for itself', () => {
    const of = (service: string) =>
      (commands.get(service)?.commands ?? []).map((c) => `${c.package} ${c.command}`);
    expect(of('tag-coverage')).toEqual(
      expect.arrayContaining([
        'client-organizations ListAccounts',
        'client-organizations ListTagsForResource',
        'client-sfn StartExecution',
        'client-sfn DescribeExecution',
        'client-dynamodb Query',
        'client-dynamodb PutItem',
        'client-sqs SendMessageBatch',
        'client-sts AssumeRole',
      ]),
    );
    expect(of('probe')).toEqual(
      expect.arrayContaining(['client-sns Publish', 'client-secrets-manager GetSecretValue']),
    );
    for (const service of HANDLERS) {
      // Credential providers' own STS and SSO calls, endpoint discovery and S3 Express sessions are not the code's.
      for (const foreign of [
        'AssumeRoleWithWebIdentity',
        'GetRoleCredentials',
        'DescribeEndpoints',
        'CreateSession',
        'Scan',
      ])
        expect(
          of(service).some((c) => c.endsWith(` ${foreign}`)),
          `${service}: ${foreign}`,
        ).toBe(false);
    }
  });
});

describe.each(TOPOLOGIES)('IAM of the deployment for $name', (topology) => {
  let result: AuditResult;
  beforeAll(() => {
    const { deployment, audit } = synthesize(topology);
    result = auditPermissions(deployment, audit, commands, authorization, NOT_SENT);
  });

  it('grants every SDK command each function sends, to the principal that sends it, on its resource and key', () => {
    expect(result.derived.length).toBeGreaterThan(20);
    expect(result.missing).toEqual([]);
  });

  it('grants no action that nothing sends', () => {
    expect(result.unused).toEqual([]);
  });
});

describe("the statements `queue-policy` prints for an imported queue's owner", () => {
  it('let every sender of the deployment send to the queue and use its key, through SQS only', () => {
    const topology = TOPOLOGIES[4] as Topology;
    const { deployment, audit } = synthesize(topology);
    const { queueArn, kmsKeyArn } = topology.config.sinks.sqs;
    const access = importedQueueAccess(topology.config, { tooling: '222222222222' });
    const owner = {
      name: 'owner',
      account: '333333333333',
      region: 'eu-west-1',
      partition: 'aws',
      resources: {},
    };
    const withOwnerPolicies: Deployment = {
      ...deployment,
      resourcePolicies: [
        ...deployment.resourcePolicies,
        {
          arn: queueArn ?? '',
          statements: resolveStatements({ Statement: [access.queuePolicyStatement] }, owner, 'queue'),
        },
        {
          arn: kmsKeyArn ?? '',
          statements: resolveStatements({ Statement: [access.keyPolicyStatement] }, owner, 'key'),
        },
      ],
    };
    const result = auditPermissions(withOwnerPolicies, audit, commands, authorization, NOT_SENT);
    expect(result.missing).toEqual([]);
    // Without them, the owner's side is missing for each sender: the audit reads the policies.
    const without = auditPermissions(
      {
        ...withOwnerPolicies,
        resourcePolicies: [
          ...deployment.resourcePolicies,
          { arn: queueArn ?? '', statements: [] },
          { arn: kmsKeyArn ?? '', statements: [] },
        ],
      },
      audit,
      commands,
      authorization,
      NOT_SENT,
    );
    expect(
      without.missing.filter((m) => m.includes('resource policy does not allow sqs:SendMessage')),
    ).toHaveLength(5);
    expect(without.missing.filter((m) => m.includes('the key policy of'))).toHaveLength(10);
  });
});

describe('the audit itself', () => {
  let deployment: Deployment;
  let audit: AuditTopology;
  beforeAll(() => {
    ({ deployment, audit } = synthesize(TOPOLOGIES[1] as Topology));
  });

  function withExtra(service: string, extra: BundleCommands['commands'], itemKinds: string[] = []) {
    const map = new Map(commands);
    const current = map.get(service) as BundleCommands;
    map.set(service, {
      ...current,
      commands: [...current.commands, ...extra],
      transactItemKinds: [...current.transactItemKinds, ...itemKinds],
    });
    return auditPermissions(deployment, audit, map, authorization, NOT_SENT);
  }

  it('names the function, command and action of a call no role grants, such as a new inventory call', () => {
    const result = withExtra('tag-coverage', [
      { package: 'client-resource-explorer-2', command: 'ListViews' },
    ]);
    expect(result.missing).toContainEqual(
      expect.stringMatching(
        /^tag-coverage sends client-resource-explorer-2 ListViews as arn:aws:iam::111111111111:role\/FinopsGuardrailsManagementRead, which does not allow resource-explorer-2:ListViews/,
      ),
    );
  });

  it('asks for each item action of a transaction, and for a mapping of an unknown command', () => {
    const result = withExtra(
      'aggregate',
      [
        { package: 'client-dynamodb', command: 'TransactWriteItems' },
        { package: 'client-foo', command: 'Bar' },
      ],
      ['ConditionCheck', 'Delete'],
    );
    expect(result.missing).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^aggregate sends client-dynamodb TransactWriteItems: its role \w+ does not allow dynamodb:ConditionCheckItem/,
        ),
        expect.stringMatching(
          /^aggregate sends client-dynamodb TransactWriteItems: its role \w+ does not allow dynamodb:DeleteItem/,
        ),
        expect.stringMatching(
          /^aggregate sends @aws-sdk\/client-foo Bar, which test\/fixtures\/iam\/service-authorization.json does not map/,
        ),
      ]),
    );
  });

  it('flags an action granted that nothing sends', () => {
    const fn = deployment.functions.find((f) => f.service === 'cost-anomaly');
    if (!fn) throw new Error('no cost-anomaly function');
    const extra = resolveStatements(
      { Statement: [{ Effect: 'Allow', Action: 'dynamodb:Scan', Resource: '*' }] },
      fn.stack,
      'extra',
    );
    const widened: Deployment = {
      ...deployment,
      functions: deployment.functions.map((f) =>
        f === fn ? { ...f, role: { ...f.role, statements: [...f.role.statements, ...extra] } } : f,
      ),
    };
    const result = auditPermissions(widened, audit, commands, authorization, NOT_SENT);
    expect(result.unused).toContainEqual(expect.stringMatching(/allows dynamodb:Scan, which nothing sends/));
  });

  it('sees a trust that does not hold: the member role without the external id the code sends', () => {
    const strict: AuditTopology = {
      ...audit,
      config: { ...audit.config, organization: { ...audit.config.organization, externalId: 'another-id' } },
    };
    const result = auditPermissions(deployment, strict, commands, authorization, NOT_SENT);
    expect(result.missing).toContainEqual(
      expect.stringMatching(
        /^tag-coverage sends client-resource-groups-tagging-api GetResources: arn:aws:iam::\d{12}:role\/FinopsGuardrailsMemberRead does not trust/,
      ),
    );
  });
});
