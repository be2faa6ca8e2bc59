import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { secretResource } from '../iam/role-arns.js';
import { markTransparent } from '../logical-id.js';
import { type CheckFunctionContext, checkFunction } from './check-function.js';
import type { GuardrailFunction } from './guardrail-function.js';

/** The forwarder's timeout; the incident queue's visibility timeout is six times this (Lambda's guidance for SQS sources). */
export const FORWARDER_TIMEOUT = Duration.seconds(60);

/** Props of {@link Forwarder}. */
export interface ForwarderProps extends CheckFunctionContext {
  /** The created incident queue it consumes. */
  readonly incidentQueue: IQueue;
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
    this.function.addEventSource(
      new SqsEventSource(props.incidentQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // Two concurrent batches at most: PagerDuty and Slack rate-limit, and order matters more than speed.
        maxConcurrency: 2,
      }),
    );
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
