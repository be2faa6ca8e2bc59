import { costPolicyCheck } from '../../shared/checks/cost-policy/runtime/check.js';
import type { Check } from '../../shared/core/ports.js';
import { awsCostPolicySources } from '../../shared/runtime/cost-policy-aws.js';
import { invocationTime, lambdaPortsFromEnv, scheduledEventSchema } from '../../shared/runtime/lambda-env.js';
import { runInLambda } from '../../shared/runtime/lambda-run.js';
import { guardrailHandler } from '../../shared/runtime/middleware.js';
import { withReportPublisher } from '../../shared/runtime/report-publisher-env.js';

// Cold start: config, state, queue and the sources are built once per container; the Config and
// CloudWatch Logs clients load on first use.
const ports = withReportPublisher(await lambdaPortsFromEnv());
const check = costPolicyCheck(awsCostPolicySources(ports.config)) as Check<unknown>;

/**
 * Scheduled on the tag-coverage schedule: one AWS Config query per rule kind,
 * log groups per member account and region, judged by the cost policy's rule
 * functions into `guardrail.policy` digests on the incident queue.
 */
export const handler = guardrailHandler(scheduledEventSchema, async (event) =>
  runInLambda(check, ports, invocationTime(event)),
);
