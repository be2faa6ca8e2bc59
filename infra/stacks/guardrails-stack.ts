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
import { Alarm, ComparisonOperator, type Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { AccountPrincipal, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
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
}

const DEFAULT_SCHEDULE_RETRY: ScheduleRetryPolicy = { maxEventAge: Duration.hours(6), retryAttempts: 10 };
/** The incident queue's dead-letter queue takes a message after this many failed receives. */
export const INCIDENT_QUEUE_MAX_RECEIVE_COUNT = 5;
const ALARM_PERIOD = Duration.minutes(5);
const DEFAULT_INCIDENT_QUEUE_MAX_AGE = Duration.minutes(15);
/** The created incident queue's name; fixed so that stacks in other accounts can build its ARN from config. */
export const INCIDENT_QUEUE_BASE_NAME = 'finops-guardrails-incidents';

/** `finops-guardrails-incidents`, or `finops-guardrails-incidents.fifo`. */
export function incidentQueueName(fifo: boolean): string {
  return fifo ? `${INCIDENT_QUEUE_BASE_NAME}.fifo` : INCIDENT_QUEUE_BASE_NAME;
}

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
    if (queueArn) {
      this.incidentQueue = Queue.fromQueueArn(this, 'IncidentQueue', queueArn);
    } else {
      const created = this.createIncidentQueue(config.sinks.sqs.fifo);
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
      const fn = new GuardrailFunction(this, pascalCase(spec.name), {
        entry: spec.entry,
        serviceName: spec.name,
        config,
        logRetentionDays: config.deployment.logRetentionDays,
        environment: { ...commonEnvironment, ...spec.environment },
        tracing: props.tracing ?? false,
        ...(spec.memorySize ? { memorySize: spec.memorySize } : {}),
        ...(spec.timeout ? { timeout: spec.timeout } : {}),
      });
      this.stateTable.grantReadWriteData(fn);
      this.incidentQueue.grantSendMessages(fn);
      for (const statement of [...(spec.policyStatements ?? []), ...sinkStatements(config)]) {
        fn.addToRolePolicy(statement);
      }
      acknowledgeFunctionFindings(fn, spec, props.tracing ?? false);
      this.alarmWhenPositive(`${pascalCase(spec.name)}Errors`, fn.metricErrors({ period: ALARM_PERIOD }), {
        description: `The ${spec.name} guardrail function failed; its findings may be stale.`,
        statistic: 'Sum',
      });
      functions.set(spec.name, fn);
    }
    this.functions = functions;

    this.scheduleDeadLetterQueue = this.createScheduleDeadLetterQueue();
    this.scheduleGroup = new ScheduleGroup(this, 'ScheduleGroup');
    this.scheduleChecks(specs, config.schedules.timezone, props.scheduleRetry ?? DEFAULT_SCHEDULE_RETRY);

    new CfnOutput(this, 'IncidentQueueUrl', { value: this.incidentQueue.queueUrl });
    new CfnOutput(this, 'IncidentQueueArn', { value: this.incidentQueue.queueArn });
    new CfnOutput(this, 'StateTableName', { value: this.stateTable.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }

  private createIncidentQueue(fifo: boolean): { queue: Queue; deadLetterQueue: Queue } {
    const deadLetterQueue = new Queue(this, 'IncidentDeadLetterQueue', {
      // A FIFO queue needs a FIFO dead-letter queue. `undefined`, not `false`, keeps FifoQueue out of the template.
      fifo: fifo || undefined,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const queue = new Queue(this, 'IncidentQueue', {
      queueName: incidentQueueName(fifo),
      // FIFO deduplicates on the envelope's dedupkey (MessageDeduplicationId), so no content-based dedup.
      fifo: fifo || undefined,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
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

/** Access every function needs to the optional sinks: secrets by ARN, and the event bus. */
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
