import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BuildAppOptions, buildApp } from '../../infra/build-app.js';
import {
  assertEnvironmentFits,
  environmentBytes,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
  toRetentionDays,
} from '../../infra/constructs/guardrail-function.js';
import {
  type CheckFunctionSpec,
  defaultCheckFunctions,
  GuardrailsStack,
} from '../../infra/stacks/guardrails-stack.js';
import { loadConfig } from '../../shared/config/loader.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';

const repoFile = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

const FIXTURE_HANDLER = repoFile('test/fixtures/infra/handler.ts');
const FIXTURE_CONFIG = repoFile('test/fixtures/config/guardrails.config.yaml');
const EXAMPLE_CONFIG = repoFile('examples/demo-org/guardrails.config.yaml');
/** The feature flags `cdk synth` runs with, so the tests build what the CLI builds. */
const CDK_CONTEXT = (
  JSON.parse(readFileSync(repoFile('cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;
const IMPORTED_QUEUE_ARN = 'arn:aws:sqs:eu-west-1:333333333333:reliability-incidents';

/** The default checks, with their real permissions, but bundling the tiny fixture handler. */
function fixtureFunctions(config: GuardrailsConfig): CheckFunctionSpec[] {
  return defaultCheckFunctions(config).map((spec) => ({ ...spec, entry: FIXTURE_HANDLER }));
}

function synthTemplate(config: GuardrailsConfig, options: BuildAppOptions = {}): Template {
  const { guardrails } = buildApp(config, {
    probeEntry: FIXTURE_HANDLER,
    context: CDK_CONTEXT,
    functions: fixtureFunctions(config),
    nag: false,
    ...options,
  });
  return Template.fromStack(guardrails);
}

/** Every statement of the identity policies attached to the role whose logical id starts with `rolePrefix`. */
function statementsOf(template: Template, rolePrefix: string): Array<Record<string, unknown>> {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) =>
      (policy.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref.startsWith(rolePrefix)),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>);
}

function withSqs(config: GuardrailsConfig, sqs: GuardrailsConfig['sinks']['sqs']): GuardrailsConfig {
  return { ...config, sinks: { ...config.sinks, sqs } };
}

const fixtureConfig = loadConfig(FIXTURE_CONFIG);

describe('GuardrailsStack with a created incident queue', () => {
  let template: Template;
  beforeAll(() => {
    template = synthTemplate(fixtureConfig);
  });

  it('keys the state table by pk and sk, on demand, expiring items by expiresAt', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('protects the state table: stable logical id, PITR, customer-managed KMS and retain', () => {
    const table = template.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(table)).toEqual(['StateTable']);
    expect(table.StateTable).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
        },
      },
    });
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
  });

  it('encrypts the incident queue with the data key and dead-letters a message after 5 receives', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    expect(queues.IncidentQueue?.Properties).toMatchObject({
      KmsMasterKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': ['IncidentDeadLetterQueue', 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    expect(queues.IncidentQueue?.Properties).not.toHaveProperty('FifoQueue');
    expect(queues.IncidentDeadLetterQueue?.Properties).toMatchObject({
      KmsMasterKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
    });
  });

  it('denies every request to every queue that does not use TLS', () => {
    const denyInsecure = Match.arrayWith([
      Match.objectLike({
        Effect: 'Deny',
        Action: 'sqs:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    ]);
    const queuePolicies = template.findResources('AWS::SQS::QueuePolicy', {
      Properties: { PolicyDocument: { Statement: denyInsecure } },
    });
    const covered = Object.values(queuePolicies).flatMap(
      (p) => p.Properties.Queues as Array<{ Ref: string }>,
    );
    const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(3);
    expect(covered.map((q) => q.Ref).sort()).toEqual([...queues].sort());
  });

  it('runs every check on nodejs24.x arm64 with an explicit log group of the configured retention', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(2);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/LogGroup/) } },
      });
      const logGroupId = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(template.findResources('AWS::Logs::LogGroup')[logGroupId]?.Properties).toMatchObject({
        RetentionInDays: 14,
      });
    }
  });

  it('hands each function the state table, the queue URL and source maps, and keeps the config out of the environment', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    for (const fn of functions) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        STATE_TABLE_NAME: { Ref: 'StateTable' },
        INCIDENT_QUEUE_URL: { Ref: 'IncidentQueue' },
        POWERTOOLS_SERVICE_NAME: expect.stringMatching(/^(tag-coverage|cost-anomaly)$/),
      });
      expect(variables.GUARDRAILS_CONFIG).toBeUndefined();
    }
  });

  it('lets the functions read and write the table, send to the queue and read the PagerDuty secret', () => {
    for (const role of ['TagCoverageRole', 'CostAnomalyRole']) {
      expect(statementsOf(template, role)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Action: expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query']),
            Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
          }),
          expect.objectContaining({
            Action: expect.arrayContaining(['sqs:SendMessage']),
            Resource: { 'Fn::GetAtt': ['IncidentQueue', 'Arn'] },
          }),
          expect.objectContaining({
            Action: expect.arrayContaining(['kms:Encrypt', 'kms:Decrypt']),
            Resource: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
          }),
          expect.objectContaining({
            Action: 'secretsmanager:GetSecretValue',
            Resource: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:guardrails/pagerduty-??????',
          }),
          expect.objectContaining({
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-test123456' } },
          }),
        ]),
      );
    }
  });

  it('gives the functions no AWS managed policy', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties).not.toHaveProperty('ManagedPolicyArns');
    }
  });

  it('schedules each check in its own group with a retry policy and a dead-letter queue', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    expect(schedules.map((s) => s.Properties.ScheduleExpression).sort()).toEqual([
      'cron(0 14 * * ? *)',
      'cron(0 6 * * ? *)',
    ]);
    for (const schedule of schedules) {
      expect(schedule.Properties).toMatchObject({
        ScheduleExpressionTimezone: 'Europe/Paris',
        GroupName: expect.any(String),
        Target: {
          RetryPolicy: { MaximumEventAgeInSeconds: 21_600, MaximumRetryAttempts: 10 },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [expect.stringMatching(/^ScheduleDeadLetterQueue/), 'Arn'] },
          },
        },
      });
    }
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
  });

  it('lets the scheduler write to its KMS-encrypted dead-letter queue', () => {
    expect(statementsOf(template, 'SchedulerRole')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: expect.arrayContaining(['kms:GenerateDataKey', 'kms:Decrypt']),
          Resource: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
        }),
        expect.objectContaining({
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ScheduleDeadLetterQueue/), 'Arn'] },
        }),
      ]),
    );
  });

  it('alarms when nobody drains the incident queue for 15 minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 900,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
    });
  });

  it('alarms on each function error and on messages in either dead-letter queue, to a TLS-only encrypted topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName !== 'ApproximateAgeOfOldestMessage',
    );
    const metrics = alarms.map((a) => a.Properties.MetricName).sort();
    expect(metrics).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'Errors',
    ]);
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
      });
    }
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
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

  it('outputs the queue URL and ARN and the table name', () => {
    template.hasOutput('IncidentQueueUrl', { Value: { Ref: 'IncidentQueue' } });
    template.hasOutput('IncidentQueueArn', { Value: { 'Fn::GetAtt': ['IncidentQueue', 'Arn'] } });
    template.hasOutput('StateTableName', { Value: { Ref: 'StateTable' } });
  });
});

describe('GuardrailsStack with a FIFO incident queue', () => {
  let template: Template;
  beforeAll(() => {
    template = synthTemplate(withSqs(fixtureConfig, { fifo: true }));
  });

  it('makes both the incident queue and its dead-letter queue FIFO, without content-based deduplication', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    expect(queues.IncidentQueue?.Properties).toMatchObject({ FifoQueue: true });
    expect(queues.IncidentQueue?.Properties).not.toHaveProperty('ContentBasedDeduplication');
    expect(queues.IncidentDeadLetterQueue?.Properties).toMatchObject({ FifoQueue: true });
  });
});

describe('GuardrailsStack with an imported incident queue', () => {
  let template: Template;
  beforeAll(() => {
    template = synthTemplate(withSqs(fixtureConfig, { fifo: false, queueArn: IMPORTED_QUEUE_ARN }));
  });

  it('creates no incident queue, only the schedule dead-letter queue', () => {
    const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
    expect(queues).toEqual([expect.stringMatching(/^ScheduleDeadLetterQueue/)]);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
  });

  it('grants SendMessage on the imported ARN and passes its URL', () => {
    expect(statementsOf(template, 'CostAnomalyRole')).toContainEqual(
      expect.objectContaining({
        Action: expect.arrayContaining(['sqs:SendMessage']),
        Resource: IMPORTED_QUEUE_ARN,
      }),
    );
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
    const url = JSON.stringify(fn?.Properties.Environment.Variables.INCIDENT_QUEUE_URL);
    expect(url).toContain('333333333333/reliability-incidents');
    template.hasOutput('IncidentQueueArn', { Value: IMPORTED_QUEUE_ARN });
  });
});

describe('cdk-nag AwsSolutions', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'guardrails-nag-'));
  beforeAll(() => {
    // The example config exercises the wildcard-account roles of `accounts: auto`.
    const exampleConfig = loadConfig(EXAMPLE_CONFIG);
    const { app } = buildApp(exampleConfig, {
      probeEntry: FIXTURE_HANDLER,
      outdir,
      context: CDK_CONTEXT,
      functions: fixtureFunctions(exampleConfig),
    });
    // Synth throws on an unacknowledged error, so every test below fails loudly with the report.
    app.synth();
  });

  it('finds nothing unacknowledged, not even a warning, in the app built from the example config', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ pluginName: string; violations: Array<{ ruleName: string }> }>;
    };
    const violations = report.pluginReports.flatMap((r) =>
      r.violations.map((v) => `${r.pluginName}: ${v.ruleName}`),
    );
    expect(violations).toEqual([]);
  });

  it('bundles each handler as minified ESM with a require shim and a source map', () => {
    const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      const files = readdirSync(join(outdir, asset));
      expect(files.sort()).toEqual(['index.mjs', 'index.mjs.map']);
      const code = readFileSync(join(outdir, asset, 'index.mjs'), 'utf8');
      expect(
        code.startsWith(
          "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        ),
      ).toBe(true);
      expect(code).toMatch(/export\s*\{/);
      // The validated config is compiled in (esbuild define), not read from the environment.
      expect(code).toContain('o-demo1234567');
    }
  });

  it('finds nothing unacknowledged with X-Ray tracing on', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'guardrails-nag-')), context: CDK_CONTEXT });
    new GuardrailsStack(app, 'Traced', {
      config: fixtureConfig,
      functions: fixtureFunctions(fixtureConfig),
      tracing: true,
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('reports a finding nobody acknowledged', () => {
    const { app, guardrails } = buildApp(fixtureConfig, {
      probeEntry: FIXTURE_HANDLER,
      outdir: mkdtempSync(join(tmpdir(), 'guardrails-nag-')),
      context: CDK_CONTEXT,
      functions: [{ name: 'probe', entry: FIXTURE_HANDLER }],
    });
    guardrails.functions
      .get('probe')
      ?.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] }));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
  });
});

describe('the config and the Lambda environment', () => {
  it('synthesizes a config far larger than the 4 KB environment, since the config travels in the bundle', () => {
    const workloads = Array.from({ length: 60 }, (_, i) => ({
      name: `workload-${i}`,
      costFilter: { accounts: ['123456789012'], services: [], tags: {} },
      slos: [],
    }));
    const big = { ...fixtureConfig, workloads };
    expect(JSON.stringify(big).length).toBeGreaterThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
    expect(() => synthTemplate(big)).not.toThrow();
  });

  it('refuses at synth an environment over the 4 KB limit, naming the largest variable', () => {
    const environment = { STATE_TABLE_NAME: 't', HUGE: 'x'.repeat(5000) };
    expect(environmentBytes(environment)).toBeGreaterThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
    expect(() => assertEnvironmentFits('CostAnomaly', environment)).toThrow(
      /over the 4096-byte limit.*HUGE/s,
    );
  });

  it('refuses a log retention CloudWatch Logs does not accept', () => {
    expect(toRetentionDays('Fn', 30)).toBe(30);
    expect(() => toRetentionDays('Fn', 31)).toThrow(/not one CloudWatch Logs accepts/);
  });
});

describe('defaultCheckFunctions', () => {
  it('skips tag-coverage when the config has no tag policy', () => {
    const { tagPolicy: _, ...withoutTagPolicy } = fixtureConfig;
    expect(defaultCheckFunctions(withoutTagPolicy as GuardrailsConfig).map((s) => s.name)).toEqual([
      'cost-anomaly',
    ]);
  });

  it('names exact member roles, and acknowledges no wildcard, when the accounts are listed', () => {
    const listed: GuardrailsConfig = {
      ...fixtureConfig,
      organization: {
        ...fixtureConfig.organization,
        accounts: ['333333333333', '444444444444'],
        excludeAccounts: ['444444444444'],
      },
    };
    const [tagCoverage] = defaultCheckFunctions(listed);
    const resources = tagCoverage?.policyStatements?.[0]?.toStatementJson().Resource as string[];
    expect(resources).toHaveLength(2);
    expect(resources.some((arn) => arn.includes('iam::333333333333:role/FinopsGuardrailsMemberRead'))).toBe(
      true,
    );
    expect(
      resources.some((arn) => arn.includes('iam::111111111111:role/FinopsGuardrailsManagementRead')),
    ).toBe(true);
    expect(tagCoverage?.acknowledgements ?? []).toEqual([]);
  });

  it('points the checks at their handlers under functions/', () => {
    expect(defaultCheckFunctions(fixtureConfig).map((s) => s.entry)).toEqual([
      repoFile('functions/tag-coverage/handler.ts'),
      repoFile('functions/cost-anomaly/handler.ts'),
    ]);
  });
});
