import { Aws, Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AccountPrincipal, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { incidentQueueName } from '../../shared/runtime/incident-queue.js';
import { grantSendToQueue, type KeyReference } from '../iam/function-grants.js';
import { markTransparent, stableLogicalId } from '../logical-id.js';
import { ALARM_PERIOD, type GuardrailsAlarms } from './guardrails-alarms.js';

/** The incident queue's dead-letter queue takes a message after this many failed receives. */
export const INCIDENT_QUEUE_MAX_RECEIVE_COUNT = 5;

export { INCIDENT_QUEUE_BASE_NAME, incidentQueueName } from '../../shared/runtime/incident-queue.js';

const DEFAULT_MAX_AGE = Duration.minutes(15);

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

/** Props of {@link IncidentQueue}. */
export interface IncidentQueueProps {
  /** `sinks.sqs.queueArn`: import this queue instead of creating one. */
  readonly importedArn?: string;
  /** `sinks.sqs.kmsKeyArn`: the imported queue's customer-managed key. */
  readonly importedKeyArn?: string;
  /** `sinks.sqs.fifo`. */
  readonly fifo: boolean;
  /** Encrypts a created queue and its dead-letter queue. */
  readonly dataKey: Key;
  readonly alarms: GuardrailsAlarms;
  /** @default - the SQS default of 30 s */
  readonly visibilityTimeout?: Duration;
  /** Roles of other stacks allowed to send to a created queue (and to use the data key for it). */
  readonly senders?: readonly IncidentQueueSender[];
  /** Age of the oldest message before the alarm topic hears nobody drains the queue. @default 15 minutes */
  readonly maxAge?: Duration;
}

/**
 * The incident queue (DESIGN §3): created, with a dead-letter queue, an
 * alarm on dead letters and one on undrained messages, or imported by ARN
 * (its owner then runs its redrive and its alarms).
 */
export class IncidentQueue extends Construct {
  readonly queue: IQueue;
  /** Absent when the queue is imported. */
  readonly deadLetterQueue?: Queue;
  /** The key senders use through SQS: the data key, an imported queue's key, or none (SSE-SQS). */
  readonly key?: KeyReference;
  /** The queue's region, where SQS uses the key. */
  readonly region: string;

  constructor(scope: Construct, id: string, props: IncidentQueueProps) {
    super(scope, id);
    markTransparent(this);
    if (props.importedArn) {
      this.queue = Queue.fromQueueArn(this, 'IncidentQueue', props.importedArn);
      this.region = props.importedArn.split(':')[3] ?? Aws.REGION;
      if (props.importedKeyArn) this.key = props.importedKeyArn;
      return;
    }
    this.region = Aws.REGION;
    this.key = props.dataKey;
    const deadLetterQueue = new Queue(this, 'IncidentDeadLetterQueue', {
      // A FIFO queue needs a FIFO dead-letter queue. `undefined`, not `false`, keeps FifoQueue out of the template.
      fifo: props.fifo || undefined,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const queue = new Queue(this, 'IncidentQueue', {
      queueName: incidentQueueName(props.fifo),
      // FIFO deduplicates on the envelope's dedupkey (MessageDeduplicationId), so no content-based dedup.
      fifo: props.fifo || undefined,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      ...(props.visibilityTimeout && { visibilityTimeout: props.visibilityTimeout }),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: INCIDENT_QUEUE_MAX_RECEIVE_COUNT },
    });
    stableLogicalId(queue, 'IncidentQueue');
    stableLogicalId(deadLetterQueue, 'IncidentDeadLetterQueue');
    props.alarms.whenPositive(
      'IncidentDeadLetterMessages',
      deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
      {
        description: 'Incidents could not be consumed from the incident queue and were dead-lettered.',
        statistic: 'Maximum',
      },
    );
    this.queue = queue;
    this.deadLetterQueue = deadLetterQueue;
    for (const sender of props.senders ?? []) allowSender(queue, props.dataKey, sender);
    this.alarmWhenUndrained(queue, props.alarms, props.maxAge ?? DEFAULT_MAX_AGE);
  }

  /**
   * Alarms when the incident queue's oldest message grows old: nobody drains
   * it. The metric lives in this account and region, and an alarm reads only
   * its own account's metrics (short of CloudWatch cross-account
   * observability), so this alarm is here rather than beside the probe.
   */
  private alarmWhenUndrained(queue: Queue, alarms: GuardrailsAlarms, maxAge: Duration): Alarm {
    const alarm = new Alarm(this, 'IncidentQueueOldestMessageAlarm', {
      metric: queue.metricApproximateAgeOfOldestMessage({ period: ALARM_PERIOD, statistic: 'Maximum' }),
      threshold: maxAge.toSeconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // SQS stops reporting for a queue idle for hours: an empty queue is a drained one.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `The incident queue's oldest message is over ${maxAge.toHumanString()} old: nobody is draining the queue.`,
    });
    alarm.addAlarmAction(new SnsAction(alarms.topic));
    return alarm;
  }

  /** SendMessage (and SendMessageBatch), and the queue's key through SQS. */
  grantSend(grantee: IGrantable): void {
    grantSendToQueue(grantee, this.queue.queueArn, this.key, this.region);
  }
}

/**
 * Lets another account's role send to the queue. SSE-KMS makes a sender
 * call kms:GenerateDataKey and kms:Decrypt on the data key, so the key
 * policy allows that too, but only through SQS in this region.
 */
function allowSender(queue: Queue, dataKey: Key, sender: IncidentQueueSender): void {
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
  dataKey.addToResourcePolicy(
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
