import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../infra/build-app.js';
import {
  assertEnvironmentFits,
  environmentBytes,
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
  toRetentionDays,
} from '../../infra/constructs/guardrail-function.js';
import {
  type CheckFunctionSpec,
  defaultCheckFunctions,
  FORWARDER_TIMEOUT,
  forwardedSinks,
  GuardrailsStack,
  needsFanOut,
} from '../../infra/stacks/guardrails-stack.js';
import { loadConfig } from '../../shared/config/loader.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import {
  CDK_CONTEXT,
  FIXTURE_HANDLER,
  memoized,
  NO_BUNDLING,
  repoFile,
  SYNTH_TIMEOUT_MS,
  statementsOf,
} from './support/cdk.js';

// Synthesizing hooks and tests share a loaded 2-core machine: a hang guard, not a timing assertion.
vi.setConfig({ hookTimeout: SYNTH_TIMEOUT_MS, testTimeout: SYNTH_TIMEOUT_MS });

const FIXTURE_CONFIG = repoFile('test/fixtures/config/guardrails.config.yaml');
const EXAMPLE_CONFIG = repoFile('examples/demo-org/guardrails.config.yaml');
const IMPORTED_QUEUE_ARN = 'arn:aws:sqs:eu-west-1:333333333333:reliability-incidents';

/** The default checks, with their real permissions, but bundling the tiny fixture handler. */
function fixtureFunctions(config: GuardrailsConfig): CheckFunctionSpec[] {
  return defaultCheckFunctions(config).map((spec) => ({ ...spec, entry: FIXTURE_HANDLER }));
}

/** The GuardrailsStack of a config, synthesized once per config in this file, without bundling. */
const templateOf = memoized((key: string) => {
  const config = JSON.parse(key) as GuardrailsConfig;
  const { guardrails } = buildApp(config, {
    probeEntry: FIXTURE_HANDLER,
    supportEntry: FIXTURE_HANDLER,
    context: NO_BUNDLING,
    functions: fixtureFunctions(config),
    nag: false,
  });
  return Template.fromStack(guardrails);
});

function synthTemplate(config: GuardrailsConfig): Template {
  return templateOf(JSON.stringify(config));
}

function withSqs(config: GuardrailsConfig, sqs: GuardrailsConfig['sinks']['sqs']): GuardrailsConfig {
  return { ...config, sinks: { ...config.sinks, sqs } };
}

/** The fixture config, with the owner tag its tag policy requires on every resource the app deploys. */
const fixtureConfig: GuardrailsConfig = (() => {
  const loaded = loadConfig(FIXTURE_CONFIG);
  return { ...loaded, deployment: { ...loaded.deployment, tags: { owner: 'finops' } } };
})();
const SUPPORT_ENTRIES = {
  'scan-account': FIXTURE_HANDLER,
  aggregate: FIXTURE_HANDLER,
  forwarder: FIXTURE_HANDLER,
};
const CHECK_ROLES = ['TagCoverageRole', 'CostAnomalyRole'];

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

  it('runs every function on nodejs24.x arm64 with an explicit log group of the configured retention', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    // Two checks, the fan-out's worker and aggregator (accounts: auto), and the forwarder (PagerDuty configured).
    expect(Object.keys(functions)).toHaveLength(5);
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

  it('hands each check the state table, the queue URL and source maps, and keeps the config out of the environment', () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function'))
      .filter(([id]) => /^(TagCoverage|CostAnomaly)/.test(id))
      .map(([, fn]) => fn);
    expect(functions).toHaveLength(2);
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

  it('lets the checks query, get, put, update and batch-write the table and send to the queue, using the data key only through those services', () => {
    const via = (service: string) => ({
      StringEquals: {
        'kms:ViaService': {
          'Fn::Join': ['', [`${service}.`, { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
        },
      },
    });
    for (const role of CHECK_ROLES) {
      const statements = statementsOf(template, role);
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Action: [
              'dynamodb:BatchWriteItem',
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:Query',
              'dynamodb:UpdateItem',
            ],
            Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
          }),
          expect.objectContaining({
            Action: 'kms:Decrypt',
            Resource: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
            Condition: via('dynamodb'),
          }),
          expect.objectContaining({
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': ['IncidentQueue', 'Arn'] },
          }),
          expect.objectContaining({
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
            Condition: via('sqs'),
          }),
          expect.objectContaining({
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-test123456' } },
          }),
        ]),
      );
      const text = JSON.stringify(statements);
      expect(text).not.toContain('secretsmanager:');
      for (const unused of [
        'dynamodb:Scan',
        'dynamodb:DeleteItem',
        'kms:Encrypt',
        'kms:ReEncrypt',
        'sqs:GetQueue',
      ]) {
        expect(text).not.toContain(unused);
      }
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

  it('alarms on each function error, on messages in either dead-letter queue and on failed fan-outs, to a TLS-only encrypted topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName !== 'ApproximateAgeOfOldestMessage' && a.Properties.MetricName,
    );
    const metrics = alarms.map((a) => a.Properties.MetricName).sort();
    expect(metrics).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'Errors',
      'Errors',
      'Errors',
      'Errors',
      'ExecutionsFailed',
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

describe('GuardrailsStack fan-out (accounts: auto)', () => {
  let template: Template;
  beforeAll(() => {
    template = synthTemplate(fixtureConfig);
  });

  function definition(): Record<string, unknown> {
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const parts =
      (machine?.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] } | undefined)?.[
        'Fn::Join'
      ][1] ?? [];
    // Tokens (ARNs, the bucket name) become placeholders; the structure is what is asserted.
    const text = parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
    return JSON.parse(text) as Record<string, unknown>;
  }

  it('reads the plan from the results bucket, batches 5 accounts, and writes results under tag-coverage/map', () => {
    const states = definition().States as Record<string, Record<string, unknown>>;
    expect(definition().StartAt).toBe('ScanEveryAccount');
    expect(states.ScanEveryAccount).toMatchObject({
      Type: 'Map',
      ResultPath: '$.map',
      Next: 'Aggregate',
      MaxConcurrency: 40,
      ToleratedFailurePercentage: 100,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      ItemReader: {
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { Bucket: 'TOKEN', 'Key.$': '$.plan.Key' },
      },
      ItemBatcher: { MaxItemsPerBatch: 5, BatchInput: { 'runId.$': '$.runId', 'regions.$': '$.regions' } },
      ResultWriter: { Parameters: { Bucket: 'TOKEN', Prefix: 'tag-coverage/map' } },
    });
    expect(states.Aggregate).toMatchObject({ Type: 'Task', End: true, OutputPath: '$.Payload' });
  });

  it('returns the worker payload itself, so the result files carry the scan pointers, and retries Lambda service errors', () => {
    const states = definition().States as Record<
      string,
      { ItemProcessor: { States: Record<string, unknown> } }
    >;
    const scan = states.ScanEveryAccount?.ItemProcessor.States.ScanAccounts as Record<string, unknown>;
    expect(scan).toMatchObject({ Type: 'Task', OutputPath: '$.Payload', Parameters: { 'Payload.$': '$' } });
    expect(JSON.stringify(scan.Retry)).toContain('Lambda.ServiceException');
    expect(JSON.stringify(scan.Retry)).toContain('Lambda.TooManyRequestsException');
  });

  it('takes MaxConcurrency from organization.fanOutMaxConcurrency', () => {
    const config = {
      ...fixtureConfig,
      organization: { ...fixtureConfig.organization, fanOutMaxConcurrency: 7 },
    };
    const [machine] = Object.values(synthTemplate(config).findResources('AWS::StepFunctions::StateMachine'));
    expect(JSON.stringify(machine?.Properties.DefinitionString)).toContain('\\"MaxConcurrency\\":7');
  });

  it('is a STANDARD state machine logging ALL to a log group with the configured retention', () => {
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(machine?.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/'),
      RetentionInDays: 14,
    });
  });

  it('keeps the results in a retained, SSE-KMS, TLS-only, private bucket that expires tag-coverage/ after 14 days', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toEqual(['ResultsBucket']);
    expect(buckets.ResultsBucket).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
              },
            },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LifecycleConfiguration: {
          Rules: [
            expect.objectContaining({ Prefix: 'tag-coverage/', ExpirationInDays: 14, Status: 'Enabled' }),
          ],
        },
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('lets tag-coverage start the state machine and write plans, and tells it where both are', () => {
    const statements = statementsOf(template, 'TagCoverageRole');
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: 'states:StartExecution',
          Resource: { Ref: expect.stringMatching(/^TagCoverageFanOutStateMachine/) },
        }),
      ]),
    );
    // Plans under tag-coverage/runs/, the report under reports/ (CDK may merge them into one statement).
    const puts = statements
      .filter((s) => [s.Action].flat().includes('s3:PutObject'))
      .flatMap((s) => [s.Resource].flat());
    expect(puts).toEqual(
      expect.arrayContaining([
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['ResultsBucket', 'Arn'] }, '/tag-coverage/runs/*']] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['ResultsBucket', 'Arn'] }, '/reports/*']] },
      ]),
    );
    const [tagCoverage] = Object.entries(template.findResources('AWS::Lambda::Function'))
      .filter(([id]) => id.startsWith('TagCoverage'))
      .map(([, fn]) => fn);
    expect(tagCoverage?.Properties.Environment.Variables).toMatchObject({
      FAN_OUT_STATE_MACHINE_ARN: { Ref: expect.stringMatching(/^TagCoverageFanOutStateMachine/) },
      RESULTS_BUCKET: { Ref: 'ResultsBucket' },
    });
  });

  it('lets scan-account assume member roles and write scans, and nothing of the table or queue', () => {
    const statements = statementsOf(template, 'ScanAccountRole');
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: 'sts:AssumeRole',
          Resource: {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/FinopsGuardrailsMemberRead']],
          },
          Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-test123456' } },
        }),
        expect.objectContaining({ Action: 's3:PutObject' }),
        expect.objectContaining({
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
        }),
      ]),
    );
    const text = JSON.stringify(statements);
    expect(text).not.toContain('dynamodb:');
    expect(text).not.toContain('sqs:');
  });

  it('lets aggregate read the run, use the table and queue, and assume only the management role', () => {
    const statements = statementsOf(template, 'AggregateRole');
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['ResultsBucket', 'Arn'] }, '/tag-coverage/*']] },
        }),
        expect.objectContaining({ Action: expect.arrayContaining(['dynamodb:PutItem']) }),
        expect.objectContaining({ Action: 'sqs:SendMessage' }),
        expect.objectContaining({
          Action: 'sts:AssumeRole',
          Resource: {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/FinopsGuardrailsManagementRead'],
            ],
          },
        }),
      ]),
    );
    expect(JSON.stringify(statements)).not.toContain('MemberRead');
  });

  it('lets the state machine decrypt the plan and encrypt its results with the data key', () => {
    expect(statementsOf(template, 'TagCoverageFanOutStateMachineRole')).toContainEqual(
      expect.objectContaining({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': ['DataKey', 'Arn'] },
      }),
    );
  });

  it('alarms when an execution fails', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ExecutionsFailed',
      Namespace: 'AWS/States',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
    });
  });

  it('is not deployed for a fixed account list within fanOutAboveAccounts', () => {
    const listed: GuardrailsConfig = {
      ...fixtureConfig,
      organization: { ...fixtureConfig.organization, accounts: ['333333333333', '444444444444'] },
    };
    expect(needsFanOut(listed)).toBe(false);
    const small = synthTemplate(listed);
    small.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    // The results bucket stays: it holds the report in every deployment.
    small.resourceCountIs('AWS::S3::Bucket', 1);
    const many = Array.from({ length: 51 }, (_, i) => String(300000000000 + i));
    expect(needsFanOut({ ...listed, organization: { ...listed.organization, accounts: many } })).toBe(true);
  });
});

describe('GuardrailsStack forwarder', () => {
  let template: Template;
  beforeAll(() => {
    template = synthTemplate(fixtureConfig);
  });

  it('consumes the incident queue in batches of 10, reporting partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': ['IncidentQueue', 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('gives the queue a visibility timeout of six forwarder timeouts', () => {
    const forwarder = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('Forwarder'),
    )?.[1];
    const timeout = forwarder?.Properties.Timeout as number;
    expect(timeout).toBe(FORWARDER_TIMEOUT.toSeconds());
    expect(template.findResources('AWS::SQS::Queue').IncidentQueue?.Properties.VisibilityTimeout).toBe(
      6 * timeout,
    );
  });

  it('alone reads the PagerDuty secret', () => {
    expect(statementsOf(template, 'ForwarderRole')).toContainEqual(
      expect.objectContaining({
        Action: 'secretsmanager:GetSecretValue',
        Resource: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:guardrails/pagerduty-??????',
      }),
    );
  });

  it('may put events on the configured bus, and read the Slack secret', () => {
    const config: GuardrailsConfig = {
      ...fixtureConfig,
      sinks: {
        ...fixtureConfig.sinks,
        pagerduty: undefined,
        slack: { webhookSecretArn: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:slack-AbCdEf' },
        eventbridge: { eventBusArn: 'arn:aws:events:eu-west-1:222222222222:event-bus/reliability' },
      },
    };
    expect(statementsOf(synthTemplate(config), 'ForwarderRole')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: 'secretsmanager:GetSecretValue',
          Resource: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:slack-AbCdEf',
        }),
        expect.objectContaining({
          Action: 'events:PutEvents',
          Resource: 'arn:aws:events:eu-west-1:222222222222:event-bus/reliability',
        }),
      ]),
    );
  });

  it('is not deployed without a PagerDuty, Slack or EventBridge sink, and leaves the visibility timeout alone', () => {
    const config: GuardrailsConfig = { ...fixtureConfig, sinks: { sqs: { fifo: false } } };
    expect(forwardedSinks(config)).toEqual([]);
    const bare = synthTemplate(config);
    bare.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    expect(bare.findResources('AWS::SQS::Queue').IncidentQueue?.Properties).not.toHaveProperty(
      'VisibilityTimeout',
    );
  });
});

describe('GuardrailsStack dashboard and scan-gap alarms', () => {
  let template: Template;
  beforeAll(() => {
    template = synthTemplate(fixtureConfig);
  });

  function dashboardBody(): string {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    return JSON.stringify(dashboard?.Properties.DashboardBody);
  }

  /** Every metric line of every widget: `[namespace, name, dim, value, …, options]`, tokens as TOKEN. */
  function dashboardMetrics(): unknown[][] {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const parts =
      (dashboard?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | undefined)?.[
        'Fn::Join'
      ][1] ?? [];
    const body = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('')) as {
      widgets: Array<{ properties: { metrics?: unknown[][] } }>;
    };
    return body.widgets.flatMap((w) => w.properties.metrics ?? []);
  }

  it('charts coverage by count and by spend and untagged spend, as tag-coverage and the aggregator publish them', () => {
    const lines = dashboardMetrics().map((line) => line.filter((part) => typeof part === 'string').join(' '));
    for (const metric of ['CoverageByCount', 'CoverageBySpend', 'UntaggedSpendUsd']) {
      for (const service of ['tag-coverage', 'aggregate']) {
        expect(lines).toContain(`FinopsGuardrails ${metric} check tag-coverage service ${service}`);
      }
    }
  });

  it('charts findings by severity, cost anomalies, function errors, queue depth and age, and points to the probe dashboard', () => {
    const body = dashboardBody();
    for (const text of [
      'Findings_critical',
      'costAnomalies',
      'costImpactUsdPerMonth',
      'ScanGaps',
      'AWS/Lambda',
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      'ExecutionsFailed',
      'ProbeStack',
    ]) {
      expect(body).toContain(text);
    }
  });

  it('alarms when a check leaves scan gaps in two consecutive daily runs', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      JSON.stringify(a.Properties.Metrics ?? []).includes('ScanGaps'),
    );
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Threshold: 0,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
      });
      const periods = (alarm.Properties.Metrics as Array<{ MetricStat?: { Period: number } }>).flatMap((m) =>
        m.MetricStat ? [m.MetricStat.Period] : [],
      );
      expect(periods.every((p) => p === 86_400)).toBe(true);
    }
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
    // Errors of two checks, the worker and the aggregator; schedule DLQ; failed fan-out; two scan-gap alarms.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 8);
  });

  it("deploys no forwarder: the imported queue is its owner's to consume", () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    expect(
      Object.keys(template.findResources('AWS::Lambda::Function')).some((id) => id.startsWith('Forwarder')),
    ).toBe(false);
  });

  it('grants SendMessage on the imported ARN and passes its URL', () => {
    expect(statementsOf(template, 'CostAnomalyRole')).toContainEqual(
      expect.objectContaining({ Action: 'sqs:SendMessage', Resource: IMPORTED_QUEUE_ARN }),
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
      supportEntry: FIXTURE_HANDLER,
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

  it('bundles each handler as minified ESM with a require shim and a source map, report writers with the chart library', () => {
    const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));
    expect(assets.length).toBeGreaterThan(0);
    const chartFiles = ['chart-_observablehq_plot.js', 'chart-d3.js'];
    let withCharts = 0;
    for (const asset of assets) {
      const files = readdirSync(join(outdir, asset)).sort();
      const charts = files.filter((f) => f.startsWith('chart-'));
      expect(files.filter((f) => !f.startsWith('chart-'))).toEqual(['index.mjs', 'index.mjs.map']);
      if (charts.length > 0) {
        withCharts += 1;
        expect(charts).toEqual(chartFiles);
        expect(readFileSync(join(outdir, asset, 'chart-d3.js'), 'utf8').length).toBeGreaterThan(100_000);
      }
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
    // The checks that write the report carry the scripts its charts need (assets with one content share a directory).
    expect(withCharts).toBeGreaterThanOrEqual(1);
    expect(withCharts).toBeLessThan(assets.length);
  });

  it('finds nothing unacknowledged with X-Ray tracing on', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'guardrails-nag-')), context: NO_BUNDLING });
    new GuardrailsStack(app, 'Traced', {
      config: fixtureConfig,
      functions: fixtureFunctions(fixtureConfig),
      supportEntries: SUPPORT_ENTRIES,
      tracing: true,
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('reports a finding nobody acknowledged', () => {
    const { app, guardrails } = buildApp(fixtureConfig, {
      probeEntry: FIXTURE_HANDLER,
      outdir: mkdtempSync(join(tmpdir(), 'guardrails-nag-')),
      context: NO_BUNDLING,
      functions: [{ name: 'probe', entry: FIXTURE_HANDLER }],
      supportEntry: FIXTURE_HANDLER,
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

  it('reads Organizations, Cost Explorer and Budgets with its own role, assuming no management role, when no other management account is named', () => {
    const { managementAccountId: _, ...organization } = fixtureConfig.organization;
    const [tagCoverage, costAnomaly] = defaultCheckFunctions({ ...fixtureConfig, organization });
    const actionsOf = (spec: CheckFunctionSpec | undefined) =>
      (spec?.policyStatements ?? []).flatMap((st) =>
        [st.toStatementJson().Action as string | string[]].flat(),
      );
    expect(actionsOf(tagCoverage)).toEqual(
      expect.arrayContaining([
        'organizations:ListAccounts',
        'organizations:ListTagsForResource',
        'ce:GetCostAndUsage',
      ]),
    );
    expect(actionsOf(costAnomaly)).toEqual(
      expect.arrayContaining(['ce:GetCostAndUsage', 'ce:GetAnomalies', 'budgets:ViewBudget']),
    );
    expect(actionsOf(costAnomaly)).not.toContain('organizations:ListAccounts');
    const assumed = JSON.stringify(tagCoverage?.policyStatements?.[0]?.toStatementJson().Resource);
    expect(assumed).toContain('FinopsGuardrailsMemberRead');
    expect(assumed).not.toContain('ManagementRead');
  });

  it('points the checks at their handlers under functions/', () => {
    expect(defaultCheckFunctions(fixtureConfig).map((s) => s.entry)).toEqual([
      repoFile('functions/tag-coverage/handler.ts'),
      repoFile('functions/cost-anomaly/handler.ts'),
    ]);
  });
});
