import { CfnOutput, Duration, type StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { defaultCheckFunctions, handlerEntry } from '../check-functions.js';
import type { CheckFunctionSpec } from '../constructs/check-function.js';
import { FanOutWorkers } from '../constructs/fan-out-workers.js';
import { FORWARDER_TIMEOUT, Forwarder } from '../constructs/forwarder.js';
import type { GuardrailFunction } from '../constructs/guardrail-function.js';
import { GuardrailsAlarms } from '../constructs/guardrails-alarms.js';
import { GuardrailsDashboard } from '../constructs/guardrails-dashboard.js';
import { GuardrailsState } from '../constructs/guardrails-state.js';
import {
  INCIDENT_QUEUE_BASE_NAME,
  INCIDENT_QUEUE_MAX_RECEIVE_COUNT,
  IncidentQueue,
  type IncidentQueueSender,
  incidentQueueName,
} from '../constructs/incident-queue.js';
import {
  grantReportWrite,
  RESULTS_EXPIRATION,
  RESULTS_PREFIX,
  reportConsoleUrl,
  resultsBucket,
} from '../constructs/results-bucket.js';
import { ScheduledChecks, type ScheduleRetryPolicy } from '../constructs/scheduled-checks.js';
import type { TagCoverageFanOut } from '../constructs/tag-coverage-fan-out.js';
import { forwardedSinks, needsFanOut } from '../deployment-plan.js';
import { secretResource } from '../iam/role-arns.js';
import { TransparentScopesStack } from '../logical-id.js';

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

/**
 * The tooling-account stack (DESIGN §4), one construct per concern: state
 * ({@link GuardrailsState}), the incident queue ({@link IncidentQueue}), the
 * check functions and their schedules ({@link ScheduledChecks}), the
 * fan-out ({@link FanOutWorkers}), the forwarder ({@link Forwarder}), and
 * the alarms and dashboard on the guardrails themselves. The constructs are
 * transparent to logical ids, so each resource keeps the id it had when the
 * stack held everything itself.
 *
 * @example
 * const config = loadConfig('guardrails.config.yaml');
 * new GuardrailsStack(app, 'GuardrailsStack', { config });
 */
export class GuardrailsStack extends TransparentScopesStack {
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
  /** The results bucket: the latest report, and the fan-out's intermediates. */
  readonly resultsBucket: Bucket;
  /** The tag-coverage Distributed Map; see {@link needsFanOut}. */
  readonly fanOut?: TagCoverageFanOut;
  readonly dashboard: GuardrailsDashboard;

  constructor(scope: Construct, id: string, props: GuardrailsStackProps) {
    super(scope, id, props);
    const { config } = props;
    const tracing = props.tracing ?? false;

    const state = new GuardrailsState(this, 'State');
    this.dataKey = state.dataKey;
    this.stateTable = state.stateTable;
    // First: every alarm below notifies this topic.
    const alarms = new GuardrailsAlarms(this, 'Alarms', {
      dataKey: this.dataKey,
      ...(config.deployment.alarmEmail && { alarmEmail: config.deployment.alarmEmail }),
    });
    this.alarmTopic = alarms.topic;

    const importedArn = config.sinks.sqs.queueArn;
    // The forwarder consumes only a queue of our own: an imported queue's owner already consumes it.
    const deployForwarder = !importedArn && forwardedSinks(config).length > 0;
    const queue = new IncidentQueue(this, 'Queue', {
      ...(importedArn && { importedArn }),
      ...(config.sinks.sqs.kmsKeyArn && { importedKeyArn: config.sinks.sqs.kmsKeyArn }),
      fifo: config.sinks.sqs.fifo,
      dataKey: this.dataKey,
      alarms,
      ...(deployForwarder && { visibilityTimeout: Duration.seconds(FORWARDER_TIMEOUT.toSeconds() * 6) }),
      ...(props.incidentQueueSenders && { senders: props.incidentQueueSenders }),
      ...(props.incidentQueueMaxAge && { maxAge: props.incidentQueueMaxAge }),
    });
    this.incidentQueue = queue.queue;
    if (queue.deadLetterQueue) this.incidentDeadLetterQueue = queue.deadLetterQueue;

    // Every deployment keeps the latest report there; the fan-out its intermediates too.
    this.resultsBucket = resultsBucket(this, this.dataKey);
    const environment = {
      STATE_TABLE_NAME: this.stateTable.tableName,
      INCIDENT_QUEUE_URL: this.incidentQueue.queueUrl,
      REPORTS_BUCKET: this.resultsBucket.bucketName,
    };
    const context = { config, tracing, alarms };
    const specs = props.functions ?? defaultCheckFunctions(config);
    const checks = new ScheduledChecks(this, 'Checks', {
      ...context,
      specs,
      stateTable: this.stateTable,
      incidentQueue: queue,
      dataKey: this.dataKey,
      environment,
      retry: props.scheduleRetry ?? DEFAULT_SCHEDULE_RETRY,
      timezone: config.schedules.timezone,
    });
    this.functions = checks.functions;
    for (const fn of this.functions.values()) grantReportWrite(fn, this.resultsBucket, this.dataKey);
    this.scheduleDeadLetterQueue = checks.deadLetterQueue;
    this.scheduleGroup = checks.group;

    const support = new Map<SupportFunctionName, GuardrailFunction>();
    const entryOf = (name: SupportFunctionName) => props.supportEntries?.[name] ?? handlerEntry(name);
    const tagCoverage = this.functions.get('tag-coverage');
    if (tagCoverage && needsFanOut(config)) {
      const workers = new FanOutWorkers(this, 'FanOut', {
        ...context,
        tagCoverage,
        stateTable: this.stateTable,
        incidentQueue: queue,
        dataKey: this.dataKey,
        environment,
        bucket: this.resultsBucket,
        scanAccountEntry: entryOf('scan-account'),
        aggregateEntry: entryOf('aggregate'),
      });
      grantReportWrite(workers.aggregate, this.resultsBucket, this.dataKey);
      this.fanOut = workers.fanOut;
      support.set('scan-account', workers.scanAccount);
      support.set('aggregate', workers.aggregate);
    }
    if (deployForwarder) {
      const forwarder = new Forwarder(this, 'Forwarding', {
        ...context,
        incidentQueue: queue,
        entry: entryOf('forwarder'),
      });
      support.set('forwarder', forwarder.function);
    }
    this.supportFunctions = support;
    for (const spec of specs) {
      if (!['tag-coverage', 'cost-anomaly', 'cost-policy'].includes(spec.name)) continue;
      const services =
        spec.name === 'tag-coverage' && this.fanOut ? ['tag-coverage', 'aggregate'] : [spec.name];
      alarms.onScanGaps(spec.name, services, props.scanGapAlarmRuns ?? 2);
    }

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
      costAnomaly: this.functions.has('cost-anomaly'),
      functions: new Map([...this.functions, ...support]),
      incidentQueue: this.incidentQueue,
      ...(this.incidentDeadLetterQueue && { deadLetterQueue: this.incidentDeadLetterQueue }),
      scheduleDeadLetterQueue: this.scheduleDeadLetterQueue,
      ...(this.fanOut && { fanOut: this.fanOut.stateMachine }),
      ...(props.probeDashboardNote && { probeDashboardNote: props.probeDashboardNote }),
      reportUrl: reportConsoleUrl(this.resultsBucket.bucketName, this.region),
    });
    if (this.fanOut) {
      new CfnOutput(this, 'FanOutStateMachineArn', { value: this.fanOut.stateMachine.stateMachineArn });
    }
    new CfnOutput(this, 'ResultsBucketName', { value: this.resultsBucket.bucketName });
    new CfnOutput(this, 'ReportUrl', { value: reportConsoleUrl(this.resultsBucket.bucketName, this.region) });
  }
}

/** Re-exported for the stack's callers and tests. */
export {
  type CheckFunctionSpec,
  defaultCheckFunctions,
  FORWARDER_TIMEOUT,
  forwardedSinks,
  INCIDENT_QUEUE_BASE_NAME,
  INCIDENT_QUEUE_MAX_RECEIVE_COUNT,
  type IncidentQueueSender,
  incidentQueueName,
  needsFanOut,
  RESULTS_EXPIRATION,
  RESULTS_PREFIX,
  type ScheduleRetryPolicy,
  secretResource,
};
