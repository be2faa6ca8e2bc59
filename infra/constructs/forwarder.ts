import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { grantConsumeQueue } from '../iam/function-grants.js';
import { secretResource } from '../iam/role-arns.js';
import { markTransparent, transparentUniqueId } from '../logical-id.js';
import { type CheckFunctionContext, checkFunction } from './check-function.js';
import type { GuardrailFunction } from './guardrail-function.js';
import type { IncidentQueue } from './incident-queue.js';

/** The forwarder's timeout; the incident queue's visibility timeout is six times this (Lambda's guidance for SQS sources). */
export const FORWARDER_TIMEOUT = Duration.seconds(60);

/** Props of {@link Forwarder}. */
export interface ForwarderProps extends CheckFunctionContext {
  /** The created incident queue it consumes. */
  readonly incidentQueue: IncidentQueue;
  readonly entry: string;
}

/** Forwards the incident queue to PagerDuty, Slack and EventBridge (functions/forwarder). */
export class Forwarder extends Construct {
  readonly function: GuardrailFunction;

  constructor(scope: Construct, id: string, props: ForwarderProps) {
    super(scope, id);
    markTransparent(this);
    this.function = checkFunction(
      this,
      {
        name: 'forwarder',
        entry: props.entry,
        timeout: FORWARDER_TIMEOUT,
        memorySize: 256,
        policyStatements: sinkStatements(props.config),
      },
      {},
      props,
    );
    const queue = props.incidentQueue.queue;
    // The mapping itself rather than SqsEventSource, whose grant adds GetQueueUrl and
    // ChangeMessageVisibility; its id is the one SqsEventSource gave it, so a deployed mapping stays.
    this.function.addEventSourceMapping(`SqsEventSource:${transparentUniqueId(queue)}`, {
      eventSourceArn: queue.queueArn,
      batchSize: 10,
      reportBatchItemFailures: true,
      // Two concurrent batches at most: PagerDuty and Slack rate-limit, and order matters more than speed.
      maxConcurrency: 2,
    });
    grantConsumeQueue(this.function, queue.queueArn, props.incidentQueue.key);
  }
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
