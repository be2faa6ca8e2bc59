import { fileURLToPath } from 'node:url';
import {
  type Acknowledgment,
  Aws,
  CfnOutput,
  CfnResource,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  TimeZone,
  Validations,
} from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  type Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { AccountPrincipal, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleGroup,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { GuardrailFunction } from '../constructs/guardrail-function.js';
import { GuardrailsDashboard, runMetric } from '../constructs/guardrails-dashboard.js';
import { TagCoverageFanOut } from '../constructs/tag-coverage-fan-out.js';
import { forwardedSinks, needsFanOut } from '../deployment-plan.js';

/**
 * One scheduled check function of the {@link GuardrailsStack}: where its code
 * is, when it runs and what it may do beyond the stack's common grants (state
 * table, incident queue, sink secrets). Like a Cloud Custodian policy, a check
 * declares its permissions, and the cdk-nag findings they knowingly cause.
 */
export interface CheckFunctionSpec {
  /** Check name such as `tag-coverage`; also the Powertools service name. */
  readonly name: string;
  /** Absolute path of the handler file. */
  readonly entry: string;
  /** EventBridge Scheduler expression, `rate(...)` or `cron(...)`. Without one, nothing schedules the function. */
  readonly schedule?: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly policyStatements?: readonly PolicyStatement[];
  /** cdk-nag findings on the function's role that `policyStatements` knowingly cause, each with its reason. */
  readonly acknowledgements?: readonly Acknowledgment[];
  readonly memorySize?: number;
  readonly timeout?: Duration;
}

/** How EventBridge Scheduler retries an invocation it could not deliver before it dead-letters it. */
export interface ScheduleRetryPolicy {
  readonly maxEventAge: Duration;
  readonly retryAttempts: number;
}

/**
 * The observer account's probe role, which sends to the incident queue from
 * another account. Trust goes to the account, narrowed by `aws:PrincipalArn`,
 * because a resource policy that names a role ARN fails while the role does
 * not exist yet, and the probe stack is deployed after this one.
 */
export interface IncidentQueueSender {
  /** The sender's account. @default - this stack's own account (single-account mode) */
  readonly accountId?: string;
  /** ARN pattern of the sending role, such as `arn:aws:iam::444455556666:role/ProbeStack-ProbeRole*`. */
  readonly roleArnPattern: string;
}

/** Props of the {@link GuardrailsStack}. */
export interface GuardrailsStackProps extends StackProps {
  /** The validated `guardrails.config.yaml`. It is also compiled into every function's bundle. */
  readonly config: GuardrailsConfig;
  /** @default defaultCheckFunctions(config) */
  readonly functions?: readonly CheckFunctionSpec[];
  /** Active X-Ray tracing on every function. @default false */
  readonly tracing?: boolean;
  /**
   * The checks are idempotent (deterministic event ids), so a late run is
   * still useful, but not once the next daily run is near.
   * @default { maxEventAge: 6 hours, retryAttempts: 10 }
   */
  readonly scheduleRetry?: ScheduleRetryPolicy;
  /**
   * Roles of other stacks allowed to send to a created incident queue (and to
   * use the data key for it): the probe. An imported queue's owner grants this.
   * @default - none
   */
  readonly incidentQueueSenders?: readonly IncidentQueueSender[];
  /**
   * The oldest message of a created incident queue may be this old before the
   * alarm topic hears that nobody drains the queue.
   * @default Duration.minutes(15)
   */
  readonly incidentQueueMaxAge?: Duration;
  /**
   * Handlers of the functions that are not scheduled checks, so tests can
   * bundle a tiny one. @default functions/<name>/handler.ts
   */
  readonly supportEntries?: Readonly<Partial<Record<SupportFunctionName, string>>>;
  /** Consecutive daily runs with scan gaps before the scan-gap alarm fires. @default 2 */
  readonly scanGapAlarmRuns?: number;
  /** A line on the dashboard saying where the probe's own dashboard is. @default - none */
  readonly probeDashboardNote?: string;
}

/** The functions the stack deploys beside the scheduled checks. */
export type SupportFunctionName = 'scan-account' | 'aggregate' | 'forwarder';

const DEFAULT_SCHEDULE_RETRY: ScheduleRetryPolicy = { maxEventAge: Duration.hours(6), retryAttempts: 10 };
/** The incident queue's dead-letter queue takes a message after this many failed receives. */
export const INCIDENT_QUEUE_MAX_RECEIVE_COUNT = 5;
const ALARM_PERIOD = Duration.minutes(5);
const DEFAULT_INCIDENT_QUEUE_MAX_AGE = Duration.minutes(15);
/** The forwarder's timeout; the incident queue's visibility timeout is six times this (Lambda's guidance for SQS sources). */
export const FORWARDER_TIMEOUT = Duration.seconds(60);
/** Fan-out intermediates (plan, scans, Map results) live under this prefix and expire after this long. */
export const RESULTS_PREFIX = 'tag-coverage/';
export const RESULTS_EXPIRATION = Duration.days(14);

import { incidentQueueName as queueNameOf } from '../../shared/runtime/incident-queue.js';

export { INCIDENT_QUEUE_BASE_NAME, incidentQueueName } from '../../shared/runtime/incident-queue.js';

/**
 * The tooling-account stack (DESIGN §4): the state table, the incident queue
 * (created, or imported by ARN), the scheduled check functions, their
 * schedules with retry and dead-letter queue, and alarms on the guardrails
 * themselves.
 *
 * @example
 * const config = loadConfig('guardrails.config.yaml');
 * new GuardrailsStack(app, 'GuardrailsStack', { config });
 */
export class GuardrailsStack extends Stack {
  /** The one customer-managed key of the stack's data at rest: table, queues, alarm topic. */
  readonly dataKey: Key;
  readonly stateTable: Table;
  readonly incidentQueue: IQueue;
  /** Absent when the incident queue is imported: its owner runs its redrive. */
  readonly incidentDeadLetterQueue?: Queue;
  readonly scheduleDeadLetterQueue: Queue;
  readonly scheduleGroup: ScheduleGroup;
  readonly alarmTopic: Topic;
  /** The check functions, by check name. */
  readonly functions: ReadonlyMap<string, GuardrailFunction>;
  /** The fan-out's worker and aggregator, and the forwarder, where deployed. */
  readonly supportFunctions: ReadonlyMap<SupportFunctionName, GuardrailFunction>;
  /** The fan-out's results bucket; absent without the fan-out. */
  readonly resultsBucket?: Bucket;
  /** The tag-coverage Distributed Map; see {@link needsFanOut}. */
  readonly fanOut?: TagCoverageFanOut;
  readonly dashboard: GuardrailsDashboard;

  constructor(scope: Construct, id: string, props: GuardrailsStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.dataKey = new Key(this, 'DataKey', {
      description: 'finops-guardrails: state table, incident queue and alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    stableLogicalId(this.dataKey, 'DataKey');

    this.stateTable = new Table(this, 'StateTable', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      // Open incidents and first-seen dates are the memory of the guardrails; losing them re-pages everyone.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    stableLogicalId(this.stateTable, 'StateTable');

    // First: every alarm below notifies this topic.
    this.alarmTopic = this.createAlarmTopic(config.deployment.alarmEmail);

    const queueArn = config.sinks.sqs.queueArn;
    // The forwarder consumes only a queue of our own: an imported queue's owner already consumes it.
    const deployForwarder = !queueArn && forwardedSinks(config).length > 0;
    if (queueArn) {
      this.incidentQueue = Queue.fromQueueArn(this, 'IncidentQueue', queueArn);
    } else {
      const created = this.createIncidentQueue(
        config.sinks.sqs.fifo,
        deployForwarder ? Duration.seconds(FORWARDER_TIMEOUT.toSeconds() * 6) : undefined,
      );
      this.incidentQueue = created.queue;
      this.incidentDeadLetterQueue = created.deadLetterQueue;
      for (const sender of props.incidentQueueSenders ?? [])
        this.allowIncidentQueueSender(created.queue, sender);
      this.alarmWhenUndrained(created.queue, props.incidentQueueMaxAge ?? DEFAULT_INCIDENT_QUEUE_MAX_AGE);
    }

    const commonEnvironment = {
      STATE_TABLE_NAME: this.stateTable.tableName,
      INCIDENT_QUEUE_URL: this.incidentQueue.queueUrl,
    };
    const specs = props.functions ?? defaultCheckFunctions(config);
    const functions = new Map<string, GuardrailFunction>();
    for (const spec of specs) {
      const fn = this.guardrailFunction(spec, { ...commonEnvironment, ...spec.environment }, props);
      // The checks only send to the queue; the forwarder alone reads the sink secrets (shared/runtime/forwarder.ts).
      this.stateTable.grantReadWriteData(fn);
      this.incidentQueue.grantSendMessages(fn);
      functions.set(spec.name, fn);
    }
    this.functions = functions;

    const support = new Map<SupportFunctionName, GuardrailFunction>();
    const tagCoverage = functions.get('tag-coverage');
    if (tagCoverage && needsFanOut(config)) {
      const fanOut = this.createFanOut(tagCoverage, commonEnvironment, props, support);
      this.resultsBucket = fanOut.bucket;
      this.fanOut = fanOut.fanOut;
    }
    if (deployForwarder) support.set('forwarder', this.createForwarder(props));
    this.supportFunctions = support;
    this.alarmOnScanGaps(specs, props.scanGapAlarmRuns ?? 2);

    this.scheduleDeadLetterQueue = this.createScheduleDeadLetterQueue();
    this.scheduleGroup = new ScheduleGroup(this, 'ScheduleGroup');
    this.scheduleChecks(specs, config.schedules.timezone, props.scheduleRetry ?? DEFAULT_SCHEDULE_RETRY);

    new CfnOutput(this, 'IncidentQueueUrl', { value: this.incidentQueue.queueUrl });
    new CfnOutput(this, 'IncidentQueueArn', { value: this.incidentQueue.queueArn });
    new CfnOutput(this, 'StateTableName', { value: this.stateTable.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });

    this.dashboard = new GuardrailsDashboard(this, 'Dashboard', {
      tagCoverageServices: tagCoverage
        ? this.fanOut
          ? ['tag-coverage', 'aggregate']
          : ['tag-coverage']
        : [],
      costAnomaly: functions.has('cost-anomaly'),
      functions: new Map([...functions, ...support]),
      incidentQueue: this.incidentQueue,
      ...(this.incidentDeadLetterQueue && { deadLetterQueue: this.incidentDeadLetterQueue }),
      scheduleDeadLetterQueue: this.scheduleDeadLetterQueue,
      ...(this.fanOut && { fanOut: this.fanOut.stateMachine }),
      ...(props.probeDashboardNote && { probeDashboardNote: props.probeDashboardNote }),
    });
    if (this.fanOut) {
      new CfnOutput(this, 'FanOutStateMachineArn', { value: this.fanOut.stateMachine.stateMachineArn });
    }
    if (this.resultsBucket)
      new CfnOutput(this, 'ResultsBucketName', { value: this.resultsBucket.bucketName });
  }

  /** A function of this stack: bundled with the config, its acknowledgements, and an alarm on its errors. */
  private guardrailFunction(
    spec: CheckFunctionSpec,
    environment: Readonly<Record<string, string>>,
    props: GuardrailsStackProps,
  ): GuardrailFunction {
    const tracing = props.tracing ?? false;
    const fn = new GuardrailFunction(this, pascalCase(spec.name), {
      entry: spec.entry,
      serviceName: spec.name,
      config: props.config,
      logRetentionDays: props.config.deployment.logRetentionDays,
      environment,
      tracing,
      ...(spec.memorySize ? { memorySize: spec.memorySize } : {}),
      ...(spec.timeout ? { timeout: spec.timeout } : {}),
    });
    for (const statement of spec.policyStatements ?? []) fn.addToRolePolicy(statement);
    acknowledgeFunctionFindings(fn, spec, tracing);
    this.alarmWhenPositive(`${pascalCase(spec.name)}Errors`, fn.metricErrors({ period: ALARM_PERIOD }), {
      description: `The ${spec.name} guardrail function failed; its findings may be stale.`,
      statistic: 'Sum',
    });
    return fn;
  }

  /**
   * The results bucket, the scan-account worker, the aggregator and the
   * Distributed Map; and the tag-coverage function's right to start it.
   */
  private createFanOut(
    tagCoverage: GuardrailFunction,
    commonEnvironment: Readonly<Record<string, string>>,
    props: GuardrailsStackProps,
    support: Map<SupportFunctionName, GuardrailFunction>,
  ): { bucket: Bucket; fanOut: TagCoverageFanOut } {
    const { config } = props;
    const bucket = this.createResultsBucket();
    const runsObjects = bucket.arnForObjects(`${RESULTS_PREFIX}runs/*`);
    const putRuns = new PolicyStatement({ actions: ['s3:PutObject'], resources: [runsObjects] });
    const runsAck = {
      id: `AwsSolutions-IAM5[Resource::<ResultsBucket.Arn>/${RESULTS_PREFIX}runs/*]`,
      reason:
        'Plans and scans are written under run-specific keys (tag-coverage/runs/<runId>/…) that exist only at run time; the prefix is the narrowest fixed scope.',
    };
    const resultsEnvironment = { RESULTS_BUCKET: bucket.bucketName };

    const entryOf = (name: SupportFunctionName) => props.supportEntries?.[name] ?? handlerEntry(name);
    const memberRoles = memberRoleArns(config);
    const scanAccount = this.guardrailFunction(
      {
        name: 'scan-account',
        entry: entryOf('scan-account'),
        // Five accounts per batch, each region paged at GetResources' 15 req/s; an hour-long account would be an outlier.
        timeout: Duration.minutes(15),
        policyStatements: [assumeRoles(config, memberRoles), putRuns],
        acknowledgements: [...wildcardRoleAcknowledgements(memberRoles), runsAck],
      },
      resultsEnvironment,
      props,
    );
    this.dataKey.grant(scanAccount, 'kms:GenerateDataKey');

    const managementRole = [managementRoleArn(config)];
    const aggregate = this.guardrailFunction(
      {
        name: 'aggregate',
        entry: entryOf('aggregate'),
        timeout: Duration.minutes(15),
        // Holds every account's scan of the run in memory; CPU scales with memory too.
        memorySize: 3008,
        policyStatements: [
          assumeRoles(config, managementRole),
          new PolicyStatement({
            actions: ['s3:GetObject'],
            resources: [bucket.arnForObjects(`${RESULTS_PREFIX}*`)],
          }),
        ],
        acknowledgements: [
          ...wildcardRoleAcknowledgements(managementRole),
          {
            id: `AwsSolutions-IAM5[Resource::<ResultsBucket.Arn>/${RESULTS_PREFIX}*]`,
            reason:
              'The aggregator reads the Map run manifest, its result files and every scan of the run, all under run-specific keys below tag-coverage/; read-only.',
          },
        ],
      },
      { ...commonEnvironment, ...resultsEnvironment },
      props,
    );
    this.stateTable.grantReadWriteData(aggregate);
    this.incidentQueue.grantSendMessages(aggregate);
    this.dataKey.grant(aggregate, 'kms:Decrypt');

    const fanOut = new TagCoverageFanOut(this, 'TagCoverageFanOut', {
      bucket,
      bucketKey: this.dataKey,
      scanAccount,
      aggregate,
      maxConcurrency: config.organization.fanOutMaxConcurrency,
      logRetentionDays: config.deployment.logRetentionDays,
      tracing: props.tracing ?? false,
    });
    this.alarmWhenPositive('TagCoverageFanOutFailed', fanOut.stateMachine.metricFailed(), {
      description:
        'A tag-coverage fan-out execution failed: the run was not aggregated, so no findings were raised or resolved.',
      statistic: 'Sum',
    });

    tagCoverage.addEnvironment('FAN_OUT_STATE_MACHINE_ARN', fanOut.stateMachine.stateMachineArn);
    tagCoverage.addEnvironment('RESULTS_BUCKET', bucket.bucketName);
    tagCoverage.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [fanOut.stateMachine.stateMachineArn],
      }),
    );
    tagCoverage.addToRolePolicy(putRuns);
    Validations.of(tagCoverage.executionRole).acknowledge(runsAck);

    support.set('scan-account', scanAccount);
    support.set('aggregate', aggregate);
    return { bucket, fanOut };
  }

  /**
   * SSE-KMS with the data key (an S3 Bucket Key keeps the KMS calls to a few
   * per run), TLS only, no public access, everything under `tag-coverage/`
   * expired after 14 days. Retained on stack deletion rather than emptied by
   * an auto-delete custom resource: the lifecycle empties it within 14 days
   * anyway, and the custom resource would add a CDK-managed Lambda function
   * outside GuardrailFunction (its own runtime, untagged by the tag policy).
   */
  private createResultsBucket(): Bucket {
    const bucket = new Bucket(this, 'ResultsBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      lifecycleRules: [
        {
          id: 'ExpireFanOutIntermediates',
          prefix: RESULTS_PREFIX,
          expiration: RESULTS_EXPIRATION,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    stableLogicalId(bucket, 'ResultsBucket');
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Holds only transient fan-out intermediates (expired after 14 days) written and read by three roles of this stack; server access logs would need a second bucket for no audit value. CloudTrail records the bucket management events.',
    });
    return bucket;
  }

  /** Forwards the incident queue to PagerDuty, Slack and EventBridge (functions/forwarder). */
  private createForwarder(props: GuardrailsStackProps): GuardrailFunction {
    const { config } = props;
    const fn = this.guardrailFunction(
      {
        name: 'forwarder',
        entry: props.supportEntries?.forwarder ?? handlerEntry('forwarder'),
        timeout: FORWARDER_TIMEOUT,
        memorySize: 256,
        policyStatements: sinkStatements(config),
      },
      {},
      props,
    );
    fn.addEventSource(
      new SqsEventSource(this.incidentQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // Two concurrent batches at most: PagerDuty and Slack rate-limit, and order matters more than speed.
        maxConcurrency: 2,
      }),
    );
    return fn;
  }

  /**
   * Alarms when a check's runs keep leaving scopes unobserved (`ScanGaps` > 0
   * in `runs` consecutive daily periods): its findings are held open, never
   * resolved, until someone fixes the access.
   */
  private alarmOnScanGaps(specs: readonly CheckFunctionSpec[], runs: number): void {
    for (const spec of specs) {
      if (spec.name !== 'tag-coverage' && spec.name !== 'cost-anomaly') continue;
      const services =
        spec.name === 'tag-coverage' && this.fanOut ? ['tag-coverage', 'aggregate'] : [spec.name];
      const usingMetrics = Object.fromEntries(
        services.map((service, i) => [`m${i}`, runMetric('ScanGaps', service, spec.name)]),
      );
      const metric: IMetric = new MathExpression({
        expression: Object.keys(usingMetrics)
          .map((id) => `FILL(${id}, 0)`)
          .join(' + '),
        usingMetrics,
        period: Duration.days(1),
        label: `${spec.name} scan gaps`,
      });
      const alarm = new Alarm(this, `${pascalCase(spec.name)}ScanGapsAlarm`, {
        metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: runs,
        datapointsToAlarm: runs,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `The ${spec.name} check left scopes unobserved (AccessDenied, throttling, timeouts) in ${runs} consecutive daily runs; its findings there are held open.`,
      });
      alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    }
  }

  private createIncidentQueue(
    fifo: boolean,
    visibilityTimeout: Duration | undefined,
  ): { queue: Queue; deadLetterQueue: Queue } {
    const deadLetterQueue = new Queue(this, 'IncidentDeadLetterQueue', {
      // A FIFO queue needs a FIFO dead-letter queue. `undefined`, not `false`, keeps FifoQueue out of the template.
      fifo: fifo || undefined,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const queue = new Queue(this, 'IncidentQueue', {
      queueName: queueNameOf(fifo),
      // FIFO deduplicates on the envelope's dedupkey (MessageDeduplicationId), so no content-based dedup.
      fifo: fifo || undefined,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      ...(visibilityTimeout && { visibilityTimeout }),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: INCIDENT_QUEUE_MAX_RECEIVE_COUNT },
    });
    stableLogicalId(queue, 'IncidentQueue');
    stableLogicalId(deadLetterQueue, 'IncidentDeadLetterQueue');
    this.alarmWhenPositive(
      'IncidentDeadLetterMessages',
      deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
      {
        description: 'Incidents could not be consumed from the incident queue and were dead-lettered.',
        statistic: 'Maximum',
      },
    );
    return { queue, deadLetterQueue };
  }

  /**
   * Lets another account's role send to the queue. SSE-KMS makes a sender
   * call kms:GenerateDataKey and kms:Decrypt on the data key, so the key
   * policy allows that too, but only through SQS in this region.
   */
  private allowIncidentQueueSender(queue: Queue, sender: IncidentQueueSender): void {
    const principal = new AccountPrincipal(sender.accountId ?? Aws.ACCOUNT_ID);
    const fromSenderRole = { ArnLike: { 'aws:PrincipalArn': sender.roleArnPattern } };
    queue.addToResourcePolicy(
      new PolicyStatement({
        principals: [principal],
        actions: ['sqs:SendMessage'],
        resources: [queue.queueArn],
        conditions: fromSenderRole,
      }),
    );
    this.dataKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [principal],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          ...fromSenderRole,
          StringEquals: { 'kms:ViaService': `sqs.${Aws.REGION}.${Aws.URL_SUFFIX}` },
        },
      }),
    );
  }

  /**
   * Alarms when the incident queue's oldest message grows old: nobody drains
   * it. The metric lives in this account and region, and an alarm reads only
   * its own account's metrics (short of CloudWatch cross-account
   * observability), so this alarm is here rather than beside the probe.
   */
  private alarmWhenUndrained(queue: Queue, maxAge: Duration): Alarm {
    const alarm = new Alarm(this, 'IncidentQueueOldestMessageAlarm', {
      metric: queue.metricApproximateAgeOfOldestMessage({ period: ALARM_PERIOD, statistic: 'Maximum' }),
      threshold: maxAge.toSeconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // SQS stops reporting for a queue idle for hours: an empty queue is a drained one.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `The incident queue's oldest message is over ${maxAge.toHumanString()} old: nobody is draining the queue.`,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    return alarm;
  }

  private createAlarmTopic(alarmEmail: string | undefined): Topic {
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: 'finops-guardrails alarms',
      masterKey: this.dataKey,
      enforceSSL: true,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic and needs the key to do so.
    this.dataKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    if (alarmEmail) topic.addSubscription(new EmailSubscription(alarmEmail));
    return topic;
  }

  private createScheduleDeadLetterQueue(): Queue {
    const queue = new Queue(this, 'ScheduleDeadLetterQueue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the EventBridge Scheduler schedules; cdk-nag only recognizes queue redrive policies.',
    });
    this.alarmWhenPositive('ScheduleDeadLetterMessages', queue.metricApproximateNumberOfMessagesVisible(), {
      description:
        'EventBridge Scheduler could not invoke a guardrail function; a scheduled check did not run.',
      statistic: 'Maximum',
    });
    return queue;
  }

  private scheduleChecks(
    specs: readonly CheckFunctionSpec[],
    timezone: string,
    retry: ScheduleRetryPolicy,
  ): void {
    // One role for every schedule, usable only by schedules of this stack's group.
    const role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Aws.ACCOUNT_ID,
            'aws:SourceArn': this.scheduleGroup.scheduleGroupArn,
          },
        },
      }),
      description: 'EventBridge Scheduler invokes the finops-guardrails checks',
    });
    // Sending to a KMS-encrypted dead-letter queue needs the data key; named actions, no wildcards.
    this.dataKey.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    for (const spec of specs) {
      const fn = this.functions.get(spec.name);
      if (!spec.schedule || !fn) continue;
      new Schedule(this, `${pascalCase(spec.name)}Schedule`, {
        description: `Runs the ${spec.name} check`,
        schedule: ScheduleExpression.expression(spec.schedule, TimeZone.of(timezone)),
        scheduleGroup: this.scheduleGroup,
        target: new LambdaInvoke(fn, {
          role,
          deadLetterQueue: this.scheduleDeadLetterQueue,
          maxEventAge: retry.maxEventAge,
          retryAttempts: retry.retryAttempts,
          input: ScheduleTargetInput.fromObject({
            source: 'finops-guardrails.schedule',
            check: spec.name,
            scheduledTime: ContextAttribute.scheduledTime,
            executionId: ContextAttribute.executionId,
          }),
        }),
      });
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason: `LambdaInvoke grants lambda:InvokeFunction on ${spec.name} and its versions (ARN:*); the wildcard only covers qualifiers of this one function.`,
      });
    }
  }

  private alarmWhenPositive(
    id: string,
    metric: Metric,
    opts: { description: string; statistic: string },
  ): Alarm {
    const alarm = new Alarm(this, `${id}Alarm`, {
      metric: metric.with({ period: ALARM_PERIOD, statistic: opts.statistic }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // No datapoints means no errors and an empty queue.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: opts.description,
    });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    return alarm;
  }
}

/** Pins a stateful resource's logical id, so refactoring the construct tree can never replace it. */
function stableLogicalId(construct: IConstruct, logicalId: string): void {
  const resource = construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource whose logical id could be pinned`);
  }
  resource.overrideLogicalId(logicalId);
}

/** `tag-coverage` → `TagCoverage`, for construct ids. */
function pascalCase(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The forwarder's access to the sinks: secrets by ARN, and the event bus. */
function sinkStatements(config: GuardrailsConfig): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const secretArns = [
    config.sinks.pagerduty?.routingKeySecretArn,
    config.sinks.slack?.webhookSecretArn,
  ].filter((arn): arn is string => arn !== undefined);
  if (secretArns.length > 0) {
    statements.push(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: secretArns.map(secretResource),
      }),
    );
  }
  if (config.sinks.eventbridge) {
    statements.push(
      new PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [config.sinks.eventbridge.eventBusArn],
      }),
    );
  }
  return statements;
}

/**
 * A complete secret ARN ends in `-` and six random characters. A partial ARN
 * (no suffix) must be granted with `-??????`, which matches the suffix exactly.
 */
export function secretResource(arn: string): string {
  return /-[A-Za-z0-9]{6}$/.test(arn) ? arn : `${arn}-??????`;
}

function acknowledgeFunctionFindings(fn: GuardrailFunction, spec: CheckFunctionSpec, tracing: boolean): void {
  const acknowledgements: Acknowledgment[] = [
    ...(spec.acknowledgements ?? []),
    {
      id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      reason:
        'Added by the CDK grants on the KMS-encrypted state table and queue; scoped to the one data key of this stack.',
    },
    {
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Added by the CDK grants on the KMS-encrypted state table and queue; scoped to the one data key of this stack.',
    },
  ];
  if (tracing) {
    acknowledgements.push({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
  }
  Validations.of(fn.executionRole).acknowledge(...acknowledgements);
}

function handlerEntry(check: string): string {
  return fileURLToPath(new URL(`../../functions/${check}/handler.ts`, import.meta.url));
}

/**
 * The member-account role ARNs a check assumes. A fixed account list gives
 * exact ARNs; `auto` needs a wildcard account, since accounts join the
 * organization after deploy.
 */
function memberRoleArns(config: GuardrailsConfig): string[] {
  const { accounts, excludeAccounts, memberRoleName } = config.organization;
  if (accounts === 'auto') return [`arn:${Aws.PARTITION}:iam::*:role/${memberRoleName}`];
  return accounts
    .filter((account) => !excludeAccounts.includes(account))
    .map((account) => `arn:${Aws.PARTITION}:iam::${account}:role/${memberRoleName}`);
}

function managementRoleArn(config: GuardrailsConfig): string {
  const { managementAccountId, managementRoleName } = config.organization;
  return `arn:${Aws.PARTITION}:iam::${managementAccountId ?? '*'}:role/${managementRoleName}`;
}

/** The nag resource id cdk-nag gives an ARN built with `Aws.PARTITION`. */
function nagResource(arn: string): string {
  return arn.replace(Aws.PARTITION, '<AWS::Partition>');
}

function assumeRoles(config: GuardrailsConfig, roleArns: readonly string[]): PolicyStatement {
  const { organizationId } = config.organization;
  return new PolicyStatement({
    actions: ['sts:AssumeRole'],
    resources: [...roleArns],
    // Even with a wildcard account, only roles inside our own organization can be assumed.
    ...(organizationId ? { conditions: { StringEquals: { 'aws:ResourceOrgID': organizationId } } } : {}),
  });
}

function wildcardRoleAcknowledgements(roleArns: readonly string[]): Acknowledgment[] {
  return roleArns
    .filter((arn) => arn.includes(':iam::*:'))
    .map((arn) => ({
      id: `AwsSolutions-IAM5[Resource::${nagResource(arn)}]`,
      reason:
        'The read-only role has one name in every account of the organization and accounts join after deploy, so the account part is a wildcard; aws:ResourceOrgID limits it to the organization when organizationId is set.',
    }));
}

/**
 * The checks the tooling account runs, with the permissions the design gives
 * them: everything outside the tooling account is read through roles
 * (DESIGN §4): member accounts through `memberRoleName`, Organizations, Cost
 * Explorer and Budgets through `managementRoleName`.
 */
export function defaultCheckFunctions(config: GuardrailsConfig): CheckFunctionSpec[] {
  const crossAccountRoles = [...memberRoleArns(config), managementRoleArn(config)];
  const specs: CheckFunctionSpec[] = [];
  // Without a tag policy there is nothing for tag-coverage to judge.
  if (config.tagPolicy) {
    specs.push({
      name: 'tag-coverage',
      entry: handlerEntry('tag-coverage'),
      schedule: config.schedules.tagCoverage,
      // Scans every account and region with bounded concurrency; GetResources allows 15 req/s per account.
      timeout: Duration.minutes(15),
      policyStatements: [assumeRoles(config, crossAccountRoles)],
      acknowledgements: wildcardRoleAcknowledgements(crossAccountRoles),
    });
  }
  specs.push({
    name: 'cost-anomaly',
    entry: handlerEntry('cost-anomaly'),
    schedule: config.schedules.costAnomaly,
    timeout: Duration.minutes(10),
    policyStatements: [
      assumeRoles(config, crossAccountRoles),
      // Workload metrics without an accountId live in the tooling account itself.
      new PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
    ],
    acknowledgements: [
      ...wildcardRoleAcknowledgements(crossAccountRoles),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'cloudwatch:GetMetricData supports no resource-level permissions; it is read-only.',
      },
    ],
  });
  return specs;
}

/** Re-exported for the stack's callers and tests; decided in deployment-plan.ts, without CDK. */
export { forwardedSinks, needsFanOut };
