import { Aws, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleGroup,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantKeyVia, grantStateTable, QUEUE_SEND_KEY_ACTIONS } from '../iam/function-grants.js';
import { markTransparent, pascalCase } from '../logical-id.js';
import { type CheckFunctionContext, type CheckFunctionSpec, checkFunction } from './check-function.js';
import type { GuardrailFunction } from './guardrail-function.js';
import type { IncidentQueue } from './incident-queue.js';

/** How EventBridge Scheduler retries an invocation it could not deliver before it dead-letters it. */
export interface ScheduleRetryPolicy {
  readonly maxEventAge: Duration;
  readonly retryAttempts: number;
}

/** Props of {@link ScheduledChecks}. */
export interface ScheduledChecksProps extends CheckFunctionContext {
  readonly specs: readonly CheckFunctionSpec[];
  /** Every check reads and writes it. */
  readonly stateTable: ITable;
  /** Every check sends to it. */
  readonly incidentQueue: IncidentQueue;
  /** Encrypts the schedules' dead-letter queue. */
  readonly dataKey: Key;
  /** Environment of every check, under each spec's own. */
  readonly environment: Readonly<Record<string, string>>;
  readonly retry: ScheduleRetryPolicy;
  /** `schedules.timezone`. */
  readonly timezone: string;
}

/**
 * The scheduled check functions and their EventBridge Scheduler schedules,
 * with retry and a dead-letter queue (alarmed), in a group of their own.
 */
export class ScheduledChecks extends Construct {
  /** The check functions, by check name. */
  readonly functions: ReadonlyMap<string, GuardrailFunction>;
  readonly deadLetterQueue: Queue;
  readonly group: ScheduleGroup;

  constructor(scope: Construct, id: string, props: ScheduledChecksProps) {
    super(scope, id);
    markTransparent(this);
    const functions = new Map<string, GuardrailFunction>();
    for (const spec of props.specs) {
      const fn = checkFunction(this, spec, { ...props.environment, ...spec.environment }, props);
      // The checks only send to the queue; the forwarder alone reads the sink secrets (shared/runtime/forwarder.ts).
      grantStateTable(fn, props.stateTable, props.dataKey);
      props.incidentQueue.grantSend(fn);
      functions.set(spec.name, fn);
    }
    this.functions = functions;

    this.deadLetterQueue = new Queue(this, 'ScheduleDeadLetterQueue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.dataKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the EventBridge Scheduler schedules; cdk-nag only recognizes queue redrive policies.',
    });
    props.alarms.whenPositive(
      'ScheduleDeadLetterMessages',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
      {
        description:
          'EventBridge Scheduler could not invoke a guardrail function; a scheduled check did not run.',
        statistic: 'Maximum',
      },
    );
    // At stack level: the group's generated name derives from its construct path, and a new name
    // would replace the (retained) group.
    this.group = new ScheduleGroup(Stack.of(this), 'ScheduleGroup');
    this.schedule(props);
  }

  private schedule(props: ScheduledChecksProps): void {
    // One role for every schedule, usable only by schedules of this stack's group.
    const role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Aws.ACCOUNT_ID,
            'aws:SourceArn': this.group.scheduleGroupArn,
          },
        },
      }),
      description: 'EventBridge Scheduler invokes the finops-guardrails checks',
    });
    // Sending to a KMS-encrypted dead-letter queue needs the data key; named actions, no wildcards.
    grantKeyVia(role, props.dataKey, QUEUE_SEND_KEY_ACTIONS, 'sqs');
    for (const spec of props.specs) {
      const fn = this.functions.get(spec.name);
      if (!spec.schedule || !fn) continue;
      new Schedule(this, `${pascalCase(spec.name)}Schedule`, {
        description: `Runs the ${spec.name} check`,
        schedule: ScheduleExpression.expression(spec.schedule, TimeZone.of(props.timezone)),
        scheduleGroup: this.group,
        target: new LambdaInvoke(fn, {
          role,
          deadLetterQueue: this.deadLetterQueue,
          maxEventAge: props.retry.maxEventAge,
          retryAttempts: props.retry.retryAttempts,
          input: ScheduleTargetInput.fromObject({
            source: 'finops-guardrails.schedule',
            check: spec.name,
            scheduledTime: ContextAttribute.scheduledTime,
            executionId: ContextAttribute.executionId,
          }),
        }),
      });
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason: `LambdaInvoke grants lambda:InvokeFunction on ${spec.name} and its versions (ARN:*); the wildcard only covers qualifiers of this one function.`,
      });
    }
  }
}
