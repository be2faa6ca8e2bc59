import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import { defaultCheckFunctions } from '../../infra/stacks/guardrails-stack.js';
import { loadConfig } from '../../shared/config/loader.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { SYNTH_TIMEOUT_MS } from './support/cdk.js';

// Synthesizing hooks and tests share a loaded 2-core machine: a hang guard, not a timing assertion.
vi.setConfig({ hookTimeout: SYNTH_TIMEOUT_MS, testTimeout: SYNTH_TIMEOUT_MS });

const repoFile = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const FIXTURE_HANDLER = repoFile('test/fixtures/infra/handler.ts');
const CDK_CONTEXT = {
  ...(JSON.parse(readFileSync(repoFile('cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context,
  'aws:cdk:bundling-stacks': [],
};
const exampleConfig = loadConfig(repoFile('examples/demo-org/guardrails.config.yaml'));
/** The example with every optional sink and the StackSet, so the forwarder and the member template are walked too. */
const everySinkConfig: GuardrailsConfig = {
  ...exampleConfig,
  organization: { ...exampleConfig.organization, stackSetTargetOus: ['r-ab12'] },
  sinks: {
    ...exampleConfig.sinks,
    pagerduty: {
      routingKeySecretArn: 'arn:aws:secretsmanager:us-east-1:100000000002:secret:pd',
      minSeverity: 'error',
    },
    slack: { webhookSecretArn: 'arn:aws:secretsmanager:us-east-1:100000000002:secret:slack' },
    eventbridge: { eventBusArn: 'arn:aws:events:us-east-1:100000000002:event-bus/reliability' },
  },
};

/** The example with a second observer region, so the probe's global state table and its replica key are walked too. */
const twoObserverConfig: GuardrailsConfig = {
  ...exampleConfig,
  deployment: {
    ...exampleConfig.deployment,
    observer: { ...exampleConfig.deployment.observer, regions: ['eu-central-1'] },
  },
};

/**
 * Actions that support no resource-level permissions (Service Authorization
 * Reference), the only ones an identity policy may grant on `*`.
 */
const NO_RESOURCE_LEVEL = new Set([
  'tag:GetResources',
  'cloudwatch:GetMetricData',
  'ce:GetCostAndUsage',
  'ce:GetCostAndUsageWithResources',
  'ce:GetAnomalies',
  'ce:ListCostAllocationTags',
  'organizations:ListAccounts',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
]);

type Json = Record<string, unknown>;
interface Statement {
  Effect: string;
  Action?: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
interface Walked {
  /** `<template>/<logical id>` */
  where: string;
  type: string;
  properties: Json;
}

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every resource of every template, including the member template inside the StackSet. */
function walk(templates: Record<string, Json>): Walked[] {
  const out: Walked[] = [];
  for (const [name, template] of Object.entries(templates)) {
    for (const [id, resource] of Object.entries((template.Resources ?? {}) as Record<string, Json>)) {
      const properties = (resource.Properties ?? {}) as Json;
      out.push({ where: `${name}/${id}`, type: String(resource.Type), properties });
      if (resource.Type === 'AWS::CloudFormation::StackSet' && typeof properties.TemplateBody === 'string') {
        out.push(...walk({ [`${name}/${id}/TemplateBody`]: JSON.parse(properties.TemplateBody) as Json }));
      }
    }
  }
  return out;
}

function statementsOf(document: unknown): Statement[] {
  return asList((document as { Statement?: Statement | Statement[] } | undefined)?.Statement);
}

/** Identity policies: AWS::IAM::Policy documents and roles' inline policies. */
function identityStatements(resources: Walked[]): Array<{ where: string; statement: Statement }> {
  return resources.flatMap((r) => {
    const documents =
      r.type === 'AWS::IAM::Policy'
        ? [r.properties.PolicyDocument]
        : r.type === 'AWS::IAM::Role'
          ? asList(r.properties.Policies as Array<{ PolicyDocument: unknown }> | undefined).map(
              (p) => p.PolicyDocument,
            )
          : [];
    return documents.flatMap((d) => statementsOf(d).map((statement) => ({ where: r.where, statement })));
  });
}

const RESOURCE_POLICIES: Record<string, string> = {
  'AWS::SQS::QueuePolicy': 'PolicyDocument',
  'AWS::S3::BucketPolicy': 'PolicyDocument',
  'AWS::SNS::TopicPolicy': 'PolicyDocument',
};

function synthesizedResources(config: GuardrailsConfig): { resources: Walked[]; violations: string[] } {
  const outdir = mkdtempSync(join(tmpdir(), 'guardrails-iam-'));
  const { app } = buildApp(config, {
    outdir,
    context: CDK_CONTEXT,
    functions: defaultCheckFunctions(config).map((spec) => ({ ...spec, entry: FIXTURE_HANDLER })),
    probeEntry: FIXTURE_HANDLER,
    supportEntry: FIXTURE_HANDLER,
  });
  const assembly = app.synth();
  const templates = Object.fromEntries(assembly.stacks.map((s) => [s.stackName, s.template as Json]));
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: Array<{ violations: Array<{ ruleName: string }> }>;
  };
  return {
    resources: walk(templates),
    violations: report.pluginReports.flatMap((r) => r.violations.map((v) => v.ruleName)),
  };
}

describe.each([
  ['the example config', exampleConfig],
  ['the example config with every sink and the StackSet', everySinkConfig],
  ['the example config with two observer regions', twoObserverConfig],
])('every synthesized template of %s', (_, config) => {
  let resources: Walked[];
  let violations: string[];
  beforeAll(() => {
    ({ resources, violations } = synthesizedResources(config));
  });

  it('grants no Action "*" in any policy, and no service-wide wildcard but the key policies\' account root', () => {
    const policies = [
      ...identityStatements(resources),
      ...resources.flatMap((r) => {
        const key = RESOURCE_POLICIES[r.type] ?? (r.type === 'AWS::KMS::Key' ? 'KeyPolicy' : undefined);
        return key ? statementsOf(r.properties[key]).map((statement) => ({ where: r.where, statement })) : [];
      }),
    ];
    expect(policies.length).toBeGreaterThan(20);
    const everything = policies.filter(({ statement }) => asList(statement.Action).includes('*'));
    expect(everything.map((p) => p.where)).toEqual([]);
    const serviceWide = policies.filter(
      ({ where, statement }) =>
        statement.Effect === 'Allow' &&
        asList(statement.Action).some((a) => a.endsWith(':*')) &&
        // The default key policy: the account root administers the key, which makes IAM policies authoritative.
        !(
          resources.find((r) => r.where === where)?.type === 'AWS::KMS::Key' &&
          asList(statement.Action).join() === 'kms:*'
        ),
    );
    expect(serviceWide.map((p) => `${p.where}: ${asList(p.statement.Action).join()}`)).toEqual([]);
  });

  it('grants Resource "*" only for actions without resource-level permissions, each acknowledged in cdk-nag', () => {
    const starred = identityStatements(resources).filter(
      ({ statement }) => statement.Effect === 'Allow' && asList(statement.Resource).includes('*'),
    );
    expect(starred.length).toBeGreaterThan(0);
    for (const { where, statement } of starred) {
      for (const action of asList(statement.Action)) {
        expect(NO_RESOURCE_LEVEL.has(action), `${where}: ${action} on *`).toBe(true);
      }
    }
    // Synth fails on an unacknowledged cdk-nag error; the report also holds no warning.
    expect(violations).toEqual([]);
  });

  it('conditions every cross-account trust on the organization id', () => {
    const trusts = resources
      .filter((r) => r.type === 'AWS::IAM::Role')
      .flatMap((r) => statementsOf(r.properties.AssumeRolePolicyDocument).map((s) => ({ where: r.where, s })))
      .filter(({ s }) => (s.Principal as { AWS?: unknown } | undefined)?.AWS !== undefined);
    // The management read role, the member role stack, and the member template of the StackSet when targeted.
    expect(trusts.length).toBe(config.organization.stackSetTargetOus.length > 0 ? 3 : 2);
    for (const { where, s } of trusts) {
      expect(s.Condition?.StringEquals?.['aws:PrincipalOrgID'], where).toBe('o-demo1234567');
      expect(s.Condition?.ArnLike?.['aws:PrincipalArn'], where).toBeDefined();
    }
  });

  it('encrypts every queue, table, bucket and topic with a customer-managed KMS key', () => {
    const encrypted: Record<string, (p: Json) => unknown> = {
      'AWS::SQS::Queue': (p) => p.KmsMasterKeyId,
      'AWS::SNS::Topic': (p) => p.KmsMasterKeyId,
      'AWS::DynamoDB::Table': (p) =>
        (p.SSESpecification as Json | undefined)?.SSEType === 'KMS' &&
        (p.SSESpecification as Json).KMSMasterKeyId,
      'AWS::S3::Bucket': (p) => {
        const rule = ((p.BucketEncryption as { ServerSideEncryptionConfiguration?: Json[] } | undefined)
          ?.ServerSideEncryptionConfiguration ?? [])[0]?.ServerSideEncryptionByDefault as Json | undefined;
        return rule?.SSEAlgorithm === 'aws:kms' && rule.KMSMasterKeyID;
      },
    };
    const stores = resources.filter((r) => r.type in encrypted);
    expect(new Set(stores.map((r) => r.type))).toEqual(new Set(Object.keys(encrypted)));
    for (const store of stores) {
      expect(encrypted[store.type]?.(store.properties), store.where).toEqual(
        expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/Key/), 'Arn'] }),
      );
    }
    // A global table names each replica's key: this stack's key, or another region's by its alias ARN.
    const globals = resources.filter((r) => r.type === 'AWS::DynamoDB::GlobalTable');
    expect(globals).toHaveLength(config.deployment.observer.regions?.length ? 1 : 0);
    for (const global of globals) {
      expect((global.properties.SSESpecification as Json | undefined)?.SSEType, global.where).toBe('KMS');
      for (const replica of global.properties.Replicas as Array<{
        Region: string;
        SSESpecification?: Json;
      }>) {
        const key = replica.SSESpecification?.KMSMasterKeyId;
        expect(
          JSON.stringify(key).match(/"Fn::GetAtt":\["[^"]*Key[^"]*","Arn"\]|:kms:[a-z0-9-]+:.*:alias\//),
          `${global.where} replica ${replica.Region}`,
        ).not.toBeNull();
      }
    }
  });

  it('denies every non-TLS request in every queue, bucket and topic policy', () => {
    const policies = resources.filter((r) => r.type in RESOURCE_POLICIES);
    expect(policies.length).toBeGreaterThanOrEqual(3);
    for (const policy of policies) {
      const statements = statementsOf(policy.properties[RESOURCE_POLICIES[policy.type] ?? '']);
      expect(
        statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'),
        policy.where,
      ).toBe(true);
    }
    // Every queue, bucket and topic has such a policy.
    const covered = new Set(
      policies.flatMap((p) =>
        asList((p.properties.Queues ?? p.properties.Topics ?? p.properties.Bucket) as unknown).map((ref) =>
          JSON.stringify(ref),
        ),
      ),
    );
    for (const r of resources.filter((r) =>
      ['AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::S3::Bucket'].includes(r.type),
    )) {
      const id = r.where.split('/').pop();
      expect(
        [...covered].some((ref) => ref.includes(`"${id}"`)),
        r.where,
      ).toBe(true);
    }
  });
});
