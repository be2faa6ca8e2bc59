import {
  ArnFormat,
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
  Dashboard,
  GraphWidget,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  AttributeType,
  BillingMode,
  type ITable,
  Table,
  TableEncryption,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
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
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import { PROBE_METRICS } from '../../shared/checks/probe/evaluate.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { GuardrailFunction } from '../constructs/guardrail-function.js';
import { METRICS_NAMESPACE } from '../constructs/guardrails-dashboard.js';
import {
  grantKeyVia,
  grantSendToQueue,
  grantStateTable,
  QUEUE_SEND_KEY_ACTIONS,
  TOPIC_PUBLISH_KEY_ACTIONS,
} from '../iam/function-grants.js';
import { nagResource, secretResource } from '../iam/role-arns.js';
import { pascalCase } from '../logical-id.js';
import { PROBE_FUNCTION_ID, roleNamePattern } from '../stack-names.js';

export { METRICS_NAMESPACE };
/** The dimensions the probe's heartbeat is published with. */
export const DEFAULT_HEARTBEAT_DIMENSIONS: Readonly<Record<string, string>> = { service: 'probe' };

/**
 * ARN pattern of the probe function's role in the observer account, for the
 * incident queue's policy in the tooling account. CloudFormation names the
 * role `<stack name>-<logical id>-<random>`, and the logical id starts with
 * the construct id.
 */
export function probeRoleArnPattern(stackName: string, observerAccountId: string): string {
  return `arn:${Aws.PARTITION}:iam::${observerAccountId}:role/${roleNamePattern(stackName, PROBE_FUNCTION_ID)}`;
}

/** The incident queue the probe mirrors its events to, in the tooling account (or imported). */
export interface ProbeIncidentQueue {
  /** A plain ARN built from config, never a cross-stack reference: the stacks live in different accounts. */
  readonly queueArn: string;
  /** The queue's region, where SQS uses its key (`kms:ViaService`). */
  readonly region: string;
  /**
   * The KMS key (or an ARN pattern such as `arn:aws:kms:<region>:<account>:key/*`)
   * that encrypts the queue. The sender needs GenerateDataKey and Decrypt on
   * it, granted only through SQS. @default - none: the queue uses SSE-SQS or no encryption
   */
  readonly kmsKeyArn?: string;
}

/**
 * The probe state table shared by every observer region (DESIGN §2, quorum
 * across regions): one DynamoDB global table, so each location reads the
 * others' verdicts. The primary region's stack creates it with a replica in
 * every other region; each other region's stack uses its own replica.
 */
export interface ProbeGlobalStateTable {
  /** The table's fixed name, the same in every region, so no stack needs another's export. */
  readonly tableName: string;
  /** The observer region whose stack creates the table and its replicas. */
  readonly primaryRegion: string;
  /** The other observer regions, each holding a replica. */
  readonly replicaRegions: readonly string[];
  /**
   * The alias of the key each replica region's stack creates for its replica
   * (a replica's key must live in its region; the primary names it by alias ARN).
   */
  readonly replicaKeyAlias: string;
}

/** Props of the {@link ProbeStack}. */
export interface ProbeStackProps extends StackProps {
  /** The validated config; its probes are compiled into the function's bundle. */
  readonly config: GuardrailsConfig;
  /** Absolute path of the probe handler (`functions/probe/handler.ts`). */
  readonly entry: string;
  readonly incidentQueue: ProbeIncidentQueue;
  /** Dimensions of the `ProbeHeartbeat` metric the alarm watches. @default DEFAULT_HEARTBEAT_DIMENSIONS */
  readonly heartbeatDimensions?: Readonly<Record<string, string>>;
  /** Consecutive silent minutes before the heartbeat alarm pages. @default 3 */
  readonly heartbeatMissingMinutes?: number;
  /** @default 512 */
  readonly memorySize?: number;
  /**
   * Share the state table with the other observer regions as a global table.
   * @default - a table of this stack's own, as with a single observer region
   */
  readonly globalStateTable?: ProbeGlobalStateTable;
}

/**
 * The observer stack (DESIGN §4): an out-of-band probe in its own account
 * and region. It shares nothing with production at run time: its own state
 * table, key, schedule and paging topic; it only sends copies of its events
 * to the incident queue. With several observer regions there is one such
 * stack per region, each paging on its own, and the state table is one
 * global table ({@link ProbeGlobalStateTable}) so they can judge a quorum.
 *
 * @example
 * new ProbeStack(app, 'ProbeStack', {
 *   config, entry: '/abs/functions/probe/handler.ts',
 *   incidentQueue: { queueArn: 'arn:aws:sqs:us-east-1:222222222222:finops-guardrails-incidents', region: 'us-east-1' },
 *   env: { account: '444444444444', region: 'us-west-2' },
 * });
 */
export class ProbeStack extends Stack {
  readonly key: Key;
  /** Its own table, the global table (primary region), or this region's replica of it. */
  readonly stateTable: ITable;
  readonly pagingTopic: ITopic;
  readonly probeFunction: GuardrailFunction;
  readonly scheduleDeadLetterQueue: Queue;
  readonly heartbeatAlarm: Alarm;
  /** One per other observer region: this region's quorum verdicts reach it late. Empty with a single region. */
  readonly replicationAlarms: readonly Alarm[];
  /** Probe availability and latency: here, because the metrics live in the observer account. */
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ProbeStackProps) {
    super(scope, id, props);
    const { config } = props;

    const global = props.globalStateTable;
    const isReplica = global !== undefined && global.primaryRegion !== this.region;
    this.key = new Key(this, 'ProbeKey', {
      description: 'finops-guardrails probe: state table, paging topic and schedule dead-letter queue',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // The primary region's stack encrypts this region's replica with this key, named by its alias.
      ...(isReplica && { alias: global.replicaKeyAlias }),
    });
    stableLogicalId(this.key, 'ProbeKey');

    this.stateTable = !global
      ? this.ownStateTable()
      : isReplica
        ? TableV2.fromTableAttributes(this, 'StateTable', {
            tableName: global.tableName,
            encryptionKey: this.key,
          })
        : this.globalStateTableOf(global);

    this.pagingTopic = this.pagingTopicOf(config);
    const incidentQueue = Queue.fromQueueArn(this, 'IncidentQueue', props.incidentQueue.queueArn);
    const pagerDutySecretArn = this.pagerDutySecretArn(config);

    this.probeFunction = new GuardrailFunction(this, PROBE_FUNCTION_ID, {
      entry: props.entry,
      serviceName: 'probe',
      config,
      logRetentionDays: config.deployment.logRetentionDays,
      memorySize: props.memorySize ?? 512,
      timeout: probeTimeout(config),
      description: 'finops-guardrails: out-of-band probes, paging from the observer account',
      environment: {
        STATE_TABLE_NAME: this.stateTable.tableName,
        INCIDENT_QUEUE_URL: incidentQueue.queueUrl,
        PAGING_TOPIC_ARN: this.pagingTopic.topicArn,
        PROBE_LOCATION: this.region,
        ...(pagerDutySecretArn && { PAGERDUTY_SECRET_ARN: pagerDutySecretArn }),
      },
    });
    // A round is stale a minute later: no async retry that would overlap the next one.
    this.probeFunction.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    this.grantProbe(props, pagerDutySecretArn);

    this.scheduleDeadLetterQueue = new Queue(this, 'ScheduleDeadLetterQueue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.scheduleDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the probe schedule; cdk-nag only recognizes queue redrive policies.',
    });
    this.scheduleProbe(config);

    this.heartbeatAlarm = this.alarmOnSilence(
      props.heartbeatDimensions ?? DEFAULT_HEARTBEAT_DIMENSIONS,
      props.heartbeatMissingMinutes ?? 3,
    );
    this.replicationAlarms = global
      ? observerRegionsOf(global)
          .filter((region) => region !== this.region)
          .map((region) => this.alarmOnLateReplication(global.tableName, region))
      : [];

    this.dashboard = this.probeDashboard(config, props.heartbeatDimensions ?? DEFAULT_HEARTBEAT_DIMENSIONS);

    new CfnOutput(this, 'PagingTopicArn', { value: this.pagingTopic.topicArn });
    new CfnOutput(this, 'StateTableName', { value: this.stateTable.tableName });
    new CfnOutput(this, 'ProbeFunctionName', { value: this.probeFunction.functionName });
  }

  /** The single-region table; its logical id predates the global table and is kept so a deployed table stays. */
  private ownStateTable(): Table {
    const table = new Table(this, 'StateTable', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      // Failure streaks and open probe incidents; losing them re-pages or forgets an outage.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    stableLogicalId(table, 'StateTable');
    return table;
  }

  /**
   * The same table as a global table with a replica in every other observer
   * region, each encrypted with that region's probe key (by alias ARN: the key
   * is created by that region's stack, which therefore deploys first).
   */
  private globalStateTableOf(global: ProbeGlobalStateTable): TableV2 {
    const replicaKeyArns = Object.fromEntries(
      global.replicaRegions.map((region) => [
        region,
        `arn:${Aws.PARTITION}:kms:${region}:${Aws.ACCOUNT_ID}:${global.replicaKeyAlias}`,
      ]),
    );
    const table = new TableV2(this, 'GlobalStateTable', {
      tableName: global.tableName,
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.customerManagedKey(this.key, replicaKeyArns),
      replicas: global.replicaRegions.map((region) => ({ region })),
      // Failure streaks, open probe incidents and the locations' verdicts; losing them re-pages or forgets an outage.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    stableLogicalId(table, 'GlobalStateTable');
    return table;
  }

  /**
   * Availability and latency per probe (`service=probe, probe=<name>`), the
   * heartbeat, and the function's errors and duration. A dashboard in the
   * tooling account could show these only through CloudWatch cross-account
   * observability, which this project does not set up.
   */
  private probeDashboard(
    config: GuardrailsConfig,
    heartbeatDimensions: Readonly<Record<string, string>>,
  ): Dashboard {
    const perProbe = (metricName: string, statistic: string) =>
      config.probes.map(
        (probe) =>
          new Metric({
            namespace: METRICS_NAMESPACE,
            metricName,
            dimensionsMap: { service: 'probe', probe: probe.name },
            statistic,
            period: Duration.minutes(5),
            label: probe.name,
          }),
      );
    const dashboard = new Dashboard(this, 'ProbeDashboard', { defaultInterval: Duration.days(1) });
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Probe availability (share of passing checks)',
        left: perProbe(PROBE_METRICS.availability, 'Average'),
        leftYAxis: { min: 0, max: 1 },
        width: 12,
      }),
      new GraphWidget({
        title: 'Probe latency (ms, p90)',
        left: perProbe(PROBE_METRICS.latency, 'p90'),
        width: 12,
      }),
      new GraphWidget({
        title: 'Heartbeat (invocations publishing)',
        left: [
          new Metric({
            namespace: METRICS_NAMESPACE,
            metricName: PROBE_METRICS.heartbeat,
            dimensionsMap: { ...heartbeatDimensions },
            statistic: 'Sum',
            period: Duration.minutes(1),
          }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Probe function errors',
        left: [this.probeFunction.metricErrors({ period: Duration.minutes(5) })],
        width: 8,
      }),
      new GraphWidget({
        title: 'Probe function duration (p99)',
        left: [this.probeFunction.metricDuration({ period: Duration.minutes(5), statistic: 'p99' })],
        width: 8,
      }),
    );
    return dashboard;
  }

  /**
   * Its own topic (KMS, TLS only, e-mail to `deployment.alarmEmail`), unless
   * `sinks.sns.topicArn` names one in this region. A topic in another region
   * is not used: an alarm can only notify a topic in its own region, and a
   * region must page on its own while the topic's region is down.
   */
  private pagingTopicOf(config: GuardrailsConfig): ITopic {
    const imported = config.sinks.sns?.topicArn;
    if (imported && imported.split(':')[3] === this.region)
      return Topic.fromTopicArn(this, 'PagingTopic', imported);
    const topic = new Topic(this, 'PagingTopic', {
      displayName: 'finops-guardrails probe pages',
      masterKey: this.key,
      enforceSSL: true,
    });
    // CloudWatch publishes the heartbeat alarm to the encrypted topic and needs the key to do so.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    if (config.deployment.alarmEmail)
      topic.addSubscription(new EmailSubscription(config.deployment.alarmEmail));
    return topic;
  }

  /**
   * The probe's grants, action by action: its state table (this region's
   * replica) and key through DynamoDB, its paging topic and key through SNS,
   * the PagerDuty secret, and the incident queue with the queue's key through
   * SQS in the queue's region.
   */
  private grantProbe(props: ProbeStackProps, pagerDutySecretArn: string | undefined): void {
    const fn = this.probeFunction;
    grantStateTable(fn, { tableArn: this.stateTableArn(props) }, this.key);
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['sns:Publish'], resources: [this.pagingTopic.topicArn] }),
    );
    // Publishing to the topic this stack encrypts; an imported topic's owner manages its key.
    if (this.pagingTopic instanceof Topic) grantKeyVia(fn, this.key, TOPIC_PUBLISH_KEY_ACTIONS, 'sns');
    if (pagerDutySecretArn) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [secretResource(pagerDutySecretArn)],
        }),
      );
    }
    // SqsSink sends batches; sqs:SendMessage authorizes SendMessageBatch too.
    const queue = props.incidentQueue;
    grantSendToQueue(fn, queue.queueArn, queue.kmsKeyArn, queue.region);
    const queueKey = queue.kmsKeyArn;
    if (queueKey?.includes('*')) {
      Validations.of(fn.executionRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagResource(queueKey)}]`,
        reason:
          "The incident queue's key is created in the tooling account with a random id this account cannot know at synth; the grant holds only through SQS (kms:ViaService), and the key policy allows only this role's pattern.",
      });
    }
  }

  /**
   * The routing key the probe pages PagerDuty with: the observer account's
   * own secret (`observerSecretName`, in this region), so paging reaches
   * nothing in the tooling account; else the forwarder's secret, which only
   * the tooling account itself can read (build-app refuses another account).
   * A name becomes a partial ARN, which GetSecretValue resolves.
   */
  private pagerDutySecretArn(config: GuardrailsConfig): string | undefined {
    const pagerduty = config.sinks.pagerduty;
    if (!pagerduty) return undefined;
    if (!pagerduty.observerSecretName) return pagerduty.routingKeySecretArn;
    return Stack.of(this).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: pagerduty.observerSecretName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** The table the probe reads and writes: its own, or this region's replica of the global table. */
  private stateTableArn(props: ProbeStackProps): string {
    if (!props.globalStateTable || props.globalStateTable.primaryRegion === this.region)
      return this.stateTable.tableArn;
    return Stack.of(this).formatArn({
      service: 'dynamodb',
      resource: 'table',
      resourceName: props.globalStateTable.tableName,
    });
  }

  private scheduleProbe(config: GuardrailsConfig): void {
    const group = new ScheduleGroup(this, 'ScheduleGroup');
    const role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Aws.ACCOUNT_ID,
            'aws:SourceArn': group.scheduleGroupArn,
          },
        },
      }),
      description: 'EventBridge Scheduler invokes the finops-guardrails probe',
    });
    grantKeyVia(role, this.key, QUEUE_SEND_KEY_ACTIONS, 'sqs');
    new Schedule(this, 'ProbeSchedule', {
      description: 'Runs the out-of-band probes',
      schedule: ScheduleExpression.expression(config.schedules.probe, TimeZone.of(config.schedules.timezone)),
      scheduleGroup: group,
      target: new LambdaInvoke(this.probeFunction, {
        role,
        deadLetterQueue: this.scheduleDeadLetterQueue,
        // The next round starts a minute later: retry briefly, then dead-letter.
        maxEventAge: Duration.minutes(1),
        retryAttempts: 2,
        input: ScheduleTargetInput.fromObject({
          source: 'finops-guardrails.schedule',
          check: 'probe',
          scheduledTime: ContextAttribute.scheduledTime,
          executionId: ContextAttribute.executionId,
        }),
      }),
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.probeFunction.node.defaultChild as CfnFunction)}.Arn>:*]`,
      reason:
        'LambdaInvoke grants lambda:InvokeFunction on the probe function and its versions (ARN:*); the wildcard only covers qualifiers of this one function.',
    });
  }

  /**
   * The quorum reads the other locations' verdicts from this region's
   * replica, which DynamoDB fills asynchronously. The check counts each
   * location's latest verdict of this minute or the last, so it absorbs up
   * to about a minute of replication lag; beyond that a failing location
   * drops out of the count and a real outage can miss its quorum. This
   * alarm says so, from the region whose writes are late.
   */
  private alarmOnLateReplication(tableName: string, receivingRegion: string): Alarm {
    const alarm = new Alarm(this, `QuorumReplicationTo${pascalCase(receivingRegion)}Alarm`, {
      metric: new Metric({
        namespace: 'AWS/DynamoDB',
        metricName: 'ReplicationLatency',
        dimensionsMap: { TableName: tableName, ReceivingRegion: receivingRegion },
        statistic: 'Maximum',
        period: Duration.minutes(1),
      }),
      threshold: QUORUM_REPLICATION_TOLERANCE.toMilliseconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      // No writes, no datapoints: nothing is late.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `Probe verdicts written in ${this.region} reach ${receivingRegion} more than ${QUORUM_REPLICATION_TOLERANCE.toHumanString()} late: quorum there counts this location as silent, and can miss a real outage.`,
    });
    alarm.addAlarmAction(new SnsAction(this.pagingTopic));
    alarm.addOkAction(new SnsAction(this.pagingTopic));
    return alarm;
  }

  /**
   * Pages when the heartbeat stops: missing data breaches, so a probe that
   * does not run, cannot start or cannot publish pages as surely as one that
   * reports a failure. OK notifications tell on-call that it is back.
   */
  private alarmOnSilence(dimensions: Readonly<Record<string, string>>, minutes: number): Alarm {
    const alarm = new Alarm(this, 'ProbeHeartbeatAlarm', {
      metric: new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: PROBE_METRICS.heartbeat,
        dimensionsMap: { ...dimensions },
        statistic: 'Sum',
        period: Duration.minutes(1),
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: minutes,
      datapointsToAlarm: minutes,
      treatMissingData: TreatMissingData.BREACHING,
      alarmDescription: `The out-of-band probe sent no heartbeat for ${minutes} minutes: nothing is watching the probed services.`,
    });
    alarm.addAlarmAction(new SnsAction(this.pagingTopic));
    alarm.addOkAction(new SnsAction(this.pagingTopic));
    return alarm;
  }
}

/**
 * The replication lag the quorum absorbs: a location's verdict counts for the
 * minute it was written and the next (shared/checks/probe/quorum.ts).
 */
export const QUORUM_REPLICATION_TOLERANCE = Duration.seconds(60);

/** Every region of the global table, the primary first. */
function observerRegionsOf(global: ProbeGlobalStateTable): string[] {
  return [global.primaryRegion, ...global.replicaRegions];
}

/** Long enough for the slowest configured probe, and for the sub-minute rounds of one invocation. */
function probeTimeout(config: GuardrailsConfig): Duration {
  const slowestMs = Math.max(0, ...config.probes.map((p) => p.timeoutMs));
  return Duration.seconds(Math.max(60, Math.ceil(slowestMs / 1000) + 15));
}

function stableLogicalId(construct: IConstruct, logicalId: string): void {
  const resource = construct.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource whose logical id could be pinned`);
  }
  resource.overrideLogicalId(logicalId);
}
