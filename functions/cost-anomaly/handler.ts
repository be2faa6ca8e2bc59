import { awsCostAnomalyCheck } from '../../shared/runtime/cost-anomaly-wiring.js';
import { invocationTime, lambdaPortsFromEnv, scheduledEventSchema } from '../../shared/runtime/lambda-env.js';
import { runInLambda } from '../../shared/runtime/lambda-run.js';
import { guardrailHandler } from '../../shared/runtime/middleware.js';
import { withReportPublisher } from '../../shared/runtime/report-publisher-env.js';

// Cold start: config, state, queue and the Cost Explorer, CloudWatch and Budgets sources are built once.
const ports = withReportPublisher(await lambdaPortsFromEnv());
const check = awsCostAnomalyCheck(ports.config);

/** Scheduled daily, after Cost Explorer refreshes: detects, classifies against demand and SLOs, delivers. */
export const handler = guardrailHandler(scheduledEventSchema, async (event) =>
  runInLambda(check, ports, invocationTime(event)),
);
