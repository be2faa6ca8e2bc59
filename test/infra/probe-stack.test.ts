import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_HEARTBEAT_DIMENSIONS,
  type ProbeGlobalStateTable,
  ProbeStack,
  type ProbeStackProps,
  probeRoleArnPattern,
} from '../../infra/stacks/probe-stack.js';
import { loadConfig } from '../../shared/config/loader.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { PROBE_SERVICE } from '../../shared/runtime/probe-lambda.js';
import { SYNTH_TIMEOUT_MS } from './support/cdk.js';

// Synthesizing hooks and tests share a loaded 2-core machine: a hang guard, not a timing assertion.
vi.setConfig({ hookTimeout: SYNTH_TIMEOUT_MS, testTimeout: SYNTH_TIMEOUT_MS });

const repoFile = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const FIXTURE_HANDLER = repoFile('test/fixtures/infra/handler.ts');
const CDK_CONTEXT = (
  JSON.parse(readFileSync(repoFile('cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;
/** Assertion tests need the template, not the bundle: no stack is bundled. */
const NO_BUNDLING = { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] };
const fixtureConfig = loadConfig(repoFile('test/fixtures/config/guardrails.config.yaml'));
const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:222222222222:finops-guardrails-incidents';
const QUEUE_KEY = 'arn:aws:kms:eu-west-1:222222222222:key/*';
const PAGING_TOPIC_ARN = 'arn:aws:sns:us-west-2:444444444444:oncall-pages';

function synth(
  config: GuardrailsConfig = fixtureConfig,
  props: Partial<ProbeStackProps> = {},
  outdir?: string,
) {
  const app = new App({ context: outdir ? CDK_CONTEXT : NO_BUNDLING, ...(outdir && { outdir }) });
  const stack = new ProbeStack(app, 'ProbeStack', {
    config,
    entry: FIXTURE_HANDLER,
    incidentQueue: { queueArn: QUEUE_ARN, region: 'eu-west-1', kmsKeyArn: QUEUE_KEY },
    env: { account: '444444444444', region: 'us-west-2' },
    ...props,
  });
  return { app, stack, template: Template.fromStack(stack) };
}

function probeStatements(template: Template): Array<Record<string, unknown>> {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref.startsWith('ProbeRole')))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>);
}

function probeEnvironment(template: Template): Record<string, unknown> {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
  if (!fn) throw new Error('no function in the template');
  return (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
}

function withSinks(patch: Partial<GuardrailsConfig['sinks']>): GuardrailsConfig {
  return { ...fixtureConfig, sinks: { ...fixtureConfig.sinks, ...patch } };
}

describe('ProbeStack', () => {
  const { template } = synth();

  it('keeps its own state table: pk/sk, TTL on expiresAt, PITR, its own KMS key, retained', () => {
    const tables = template.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toEqual(['StateTable']);
    expect(tables.StateTable).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': ['ProbeKey', 'Arn'] } },
      },
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
  });

  it('runs the probe on nodejs24.x arm64 with the table, queue URL, paging topic and its region as location', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 60,
    });
    const variables = probeEnvironment(template);
    expect(variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'probe',
      STATE_TABLE_NAME: { Ref: 'StateTable' },
      PAGING_TOPIC_ARN: { Ref: expect.stringMatching(/^PagingTopic/) },
      PROBE_LOCATION: 'us-west-2',
      PAGERDUTY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:guardrails/pagerduty',
    });
    expect(JSON.stringify(variables.INCIDENT_QUEUE_URL)).toContain(
      '/222222222222/finops-guardrails-incidents',
    );
  });

  it('leaves PAGERDUTY_SECRET_ARN and the secret grant out when PagerDuty is not configured', () => {
    const { pagerduty: _, ...sinks } = fixtureConfig.sinks;
    const { template: withoutPagerDuty } = synth({ ...fixtureConfig, sinks });
    expect(probeEnvironment(withoutPagerDuty)).not.toHaveProperty('PAGERDUTY_SECRET_ARN');
    expect(JSON.stringify(probeStatements(withoutPagerDuty))).not.toContain('secretsmanager');
  });

  it('runs every minute through EventBridge Scheduler, with a short retry and a KMS-encrypted dead-letter queue', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      Target: {
        RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 2 },
        DeadLetterConfig: {
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScheduleDeadLetterQueue'), 'Arn'] },
        },
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': ['ProbeKey', 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
  });

  it('pages its own KMS-encrypted, TLS-only topic, e-mailed to deployment.alarmEmail', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': ['ProbeKey', 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'finops-oncall@example.com',
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
  });

  it('pages when the heartbeat stops: three silent minutes breach, and recovery is announced', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'FinopsGuardrails',
      MetricName: 'ProbeHeartbeat',
      Dimensions: [{ Name: 'service', Value: 'probe' }],
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^PagingTopic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^PagingTopic') }],
    });
  });

  it('may send to the incident queue, using its key only through SQS, publish to its topic and read the PagerDuty secret', () => {
    expect(probeStatements(template)).toEqual(
      expect.arrayContaining([
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: QUEUE_ARN },
        {
          Effect: 'Allow',
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: QUEUE_KEY,
          Condition: {
            StringEquals: {
              'kms:ViaService': { 'Fn::Join': ['', ['sqs.eu-west-1.', { Ref: 'AWS::URLSuffix' }]] },
            },
          },
        },
        { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: expect.stringMatching(/^PagingTopic/) } },
        {
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:guardrails/pagerduty-??????',
        },
        expect.objectContaining({
          Action: expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query']),
          Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
        }),
      ]),
    );
    for (const statement of probeStatements(template)) expect(statement.Action).not.toBe('*');
  });

  it('asks for no KMS permission on a queue without a customer key', () => {
    const { template: sseSqs } = synth(fixtureConfig, {
      incidentQueue: { queueArn: QUEUE_ARN, region: 'eu-west-1' },
    });
    // The table and topic keys are used through DynamoDB and SNS; nothing goes through SQS.
    expect(JSON.stringify(probeStatements(sseSqs))).not.toMatch(/"sqs\./);
    expect(JSON.stringify(probeStatements(sseSqs))).toMatch(/"dynamodb\./);
  });

  it('pages an existing topic given as sinks.sns.topicArn instead of creating one', () => {
    const { template: imported } = synth(
      withSinks({ sns: { topicArn: PAGING_TOPIC_ARN, minSeverity: 'error' } }),
    );
    imported.resourceCountIs('AWS::SNS::Topic', 0);
    imported.resourceCountIs('AWS::SNS::Subscription', 0);
    expect(probeEnvironment(imported).PAGING_TOPIC_ARN).toBe(PAGING_TOPIC_ARN);
    imported.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [PAGING_TOPIC_ARN] });
    expect(probeStatements(imported)).toContainEqual({
      Effect: 'Allow',
      Action: 'sns:Publish',
      Resource: PAGING_TOPIC_ARN,
    });
  });

  it('gives the function time for the slowest configured probe', () => {
    const probes = [{ name: 'slow', url: 'https://slow.example.com/health', timeoutMs: 90_000 }];
    const { template: slow } = synth(loadConfigWithProbes(probes));
    slow.hasResourceProperties('AWS::Lambda::Function', { Timeout: 105 });
  });

  it('watches the heartbeat under the service dimension the probe runtime publishes it with', () => {
    expect(DEFAULT_HEARTBEAT_DIMENSIONS).toEqual({ service: PROBE_SERVICE });
  });

  it('alarms on the heartbeat dimensions it is given', () => {
    const { template: custom } = synth(fixtureConfig, {
      heartbeatDimensions: { service: 'finops-guardrails', check: 'probe' },
    });
    custom.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: Match.arrayWith([{ Name: 'check', Value: 'probe' }]),
    });
  });

  it('charts availability and latency per probe, with the dimensions the probe runtime publishes', () => {
    const probes = [
      { name: 'checkout-api', url: 'https://checkout.example.com/health', timeoutMs: 5_000 },
      { name: 'search-api', url: 'https://search.example.com/health', timeoutMs: 5_000 },
    ];
    const { template: charted } = synth(loadConfigWithProbes(probes));
    const [dashboard] = Object.values(charted.findResources('AWS::CloudWatch::Dashboard'));
    const parts =
      (dashboard?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | undefined)?.[
        'Fn::Join'
      ][1] ?? [];
    const body = parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
    const widgets = (JSON.parse(body) as { widgets: Array<{ properties: { metrics?: unknown[][] } }> })
      .widgets;
    const lines = widgets
      .flatMap((w) => w.properties.metrics ?? [])
      .map((line) => line.filter((part) => typeof part === 'string').join(' '));
    for (const probe of ['checkout-api', 'search-api']) {
      for (const metric of ['ProbeAvailability', 'ProbeLatencyMs']) {
        expect(lines).toContain(`FinopsGuardrails ${metric} probe ${probe} service probe`);
      }
    }
    expect(body).toContain('ProbeHeartbeat');
  });

  it('has no unacknowledged cdk-nag finding', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'probe-nag-'));
    const { app } = synth(fixtureConfig, {}, outdir);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth();
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ violations: unknown[] }>;
    };
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  });
});

describe('ProbeStack across observer regions', () => {
  const GLOBAL_TABLE: ProbeGlobalStateTable = {
    tableName: 'finops-guardrails-probe-state',
    primaryRegion: 'us-west-2',
    replicaRegions: ['eu-central-1'],
    replicaKeyAlias: 'alias/finops-guardrails-probe-state',
  };

  function synthRegions(config: GuardrailsConfig = fixtureConfig, outdir?: string) {
    const app = new App({ context: outdir ? CDK_CONTEXT : NO_BUNDLING, ...(outdir && { outdir }) });
    const stackIn = (id: string, region: string) =>
      new ProbeStack(app, id, {
        config,
        entry: FIXTURE_HANDLER,
        incidentQueue: { queueArn: QUEUE_ARN, region: 'eu-west-1', kmsKeyArn: QUEUE_KEY },
        env: { account: '444444444444', region },
        globalStateTable: GLOBAL_TABLE,
      });
    const primary = stackIn('ProbeStack', 'us-west-2');
    const replica = stackIn('ProbeStack-eu-central-1', 'eu-central-1');
    return {
      app,
      primary: Template.fromStack(primary),
      replica: Template.fromStack(replica),
    };
  }

  const { primary, replica } = synthRegions();

  it('creates one global table in the primary region, replicated to the others, with the same keys, TTL, PITR and retention', () => {
    primary.resourceCountIs('AWS::DynamoDB::Table', 0);
    const tables = primary.findResources('AWS::DynamoDB::GlobalTable');
    expect(Object.keys(tables)).toEqual(['GlobalStateTable']);
    expect(tables.GlobalStateTable).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        TableName: 'finops-guardrails-probe-state',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      },
    });
    const replicas = tables.GlobalStateTable?.Properties.Replicas as Array<Record<string, unknown>>;
    expect(replicas.map((r) => r.Region).sort()).toEqual(['eu-central-1', 'us-west-2']);
    for (const r of replicas)
      expect(r.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it("encrypts each replica with its own region's probe key: the primary's by reference, the others' by alias", () => {
    const replicas = primary.findResources('AWS::DynamoDB::GlobalTable').GlobalStateTable?.Properties
      .Replicas as Array<{ Region: string; SSESpecification: { KMSMasterKeyId: unknown } }>;
    const keyOf = (region: string) =>
      replicas.find((r) => r.Region === region)?.SSESpecification.KMSMasterKeyId;
    expect(keyOf('us-west-2')).toEqual({ 'Fn::GetAtt': ['ProbeKey', 'Arn'] });
    expect(JSON.stringify(keyOf('eu-central-1'))).toContain(':kms:eu-central-1:');
    expect(JSON.stringify(keyOf('eu-central-1'))).toContain(':alias/finops-guardrails-probe-state');
    replica.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/finops-guardrails-probe-state',
      TargetKeyId: { 'Fn::GetAtt': ['ProbeKey', 'Arn'] },
    });
    primary.resourceCountIs('AWS::KMS::Alias', 0);
  });

  it('gives the other regions no table of their own, only their replica, named in their environment and policy', () => {
    replica.resourceCountIs('AWS::DynamoDB::Table', 0);
    replica.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    expect(probeEnvironment(replica)).toMatchObject({
      STATE_TABLE_NAME: 'finops-guardrails-probe-state',
      PROBE_LOCATION: 'eu-central-1',
    });
    expect(probeEnvironment(primary)).toMatchObject({
      STATE_TABLE_NAME: { Ref: 'GlobalStateTable' },
      PROBE_LOCATION: 'us-west-2',
    });
    const dataAccess = (template: Template) =>
      probeStatements(template).find((s) => (s.Action as string[]).includes('dynamodb:PutItem'))?.Resource;
    expect(dataAccess(primary)).toEqual({ 'Fn::GetAtt': ['GlobalStateTable', 'Arn'] });
    expect(dataAccess(replica)).toBe(
      'arn:aws:dynamodb:eu-central-1:444444444444:table/finops-guardrails-probe-state',
    );
  });

  it('schedules, alarms and pages in every region on its own', () => {
    for (const template of [primary, replica]) {
      template.resourceCountIs('AWS::Scheduler::Schedule', 1);
      template.resourceCountIs('AWS::SNS::Topic', 1);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ProbeHeartbeat',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^PagingTopic') }],
      });
    }
  });

  it("pages the configured topic only in its region: an alarm cannot notify another region's topic", () => {
    const { primary: withTopic, replica: elsewhere } = synthRegions(
      withSinks({ sns: { topicArn: PAGING_TOPIC_ARN, minSeverity: 'error' } }),
    );
    withTopic.resourceCountIs('AWS::SNS::Topic', 0);
    expect(probeEnvironment(withTopic).PAGING_TOPIC_ARN).toBe(PAGING_TOPIC_ARN);
    elsewhere.resourceCountIs('AWS::SNS::Topic', 1);
    expect(probeEnvironment(elsewhere).PAGING_TOPIC_ARN).toEqual({
      Ref: expect.stringMatching(/^PagingTopic/),
    });
  });

  it('has no unacknowledged cdk-nag finding in any region', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'probe-regions-nag-'));
    const { app } = synthRegions(fixtureConfig, outdir);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth();
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ violations: unknown[] }>;
    };
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  });
});

describe('probeRoleArnPattern', () => {
  it('matches the role CloudFormation names <stack>-ProbeRole<hash>-<random>', () => {
    const pattern = probeRoleArnPattern('ProbeStack', '444444444444').replace(/\$\{Token\[[^\]]+\]\}/, 'aws');
    const regex = new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace('*', '.*')}$`);
    expect(regex.test('arn:aws:iam::444444444444:role/ProbeStack-ProbeRole49737B5E-AbCdEf123456')).toBe(true);
    expect(regex.test('arn:aws:iam::444444444444:role/ProbeStack-SchedulerRole59E73443-AbCdEf123456')).toBe(
      false,
    );
  });
});

function loadConfigWithProbes(
  probes: Array<{ name: string; url: string; timeoutMs: number }>,
): GuardrailsConfig {
  const dir = mkdtempSync(join(tmpdir(), 'probe-config-'));
  const path = join(dir, 'guardrails.config.yaml');
  const yaml = readFileSync(repoFile('test/fixtures/config/guardrails.config.yaml'), 'utf8');
  const probeYaml = probes
    .map((p) => `  - name: ${p.name}\n    url: ${p.url}\n    timeoutMs: ${p.timeoutMs}`)
    .join('\n');
  writeFileSync(path, `${yaml}\nprobes:\n${probeYaml}\n`);
  return loadConfig(path);
}
