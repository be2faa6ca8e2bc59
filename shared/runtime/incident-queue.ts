import { partitionOfRegion } from '../adapters/aws/assume-role.js';
import type { GuardrailsConfig } from '../config/schema.js';

/** The created incident queue's name; fixed so that stacks in other accounts and the CLI can build its ARN. */
export const INCIDENT_QUEUE_BASE_NAME = 'finops-guardrails-incidents';

/** `finops-guardrails-incidents`, or `finops-guardrails-incidents.fifo`. */
export function incidentQueueName(fifo: boolean): string {
  return fifo ? `${INCIDENT_QUEUE_BASE_NAME}.fifo` : INCIDENT_QUEUE_BASE_NAME;
}

/**
 * The incident queue the config delivers to: the imported one
 * (`sinks.sqs.queueArn`), or the one `GuardrailsStack` creates in the
 * tooling account and region (`toolingAccountId`, else `callerAccountId`).
 *
 * @example
 * incidentQueueArn(config, '123456789012'); // 'arn:aws:sqs:us-east-1:123456789012:finops-guardrails-incidents'
 */
export function incidentQueueArn(config: GuardrailsConfig, callerAccountId: string): string {
  if (config.sinks.sqs.queueArn) return config.sinks.sqs.queueArn;
  const region = config.deployment.toolingRegion;
  const account = config.organization.toolingAccountId ?? callerAccountId;
  return `arn:${partitionOfRegion(region)}:sqs:${region}:${account}:${incidentQueueName(config.sinks.sqs.fifo)}`;
}
