import { S3ScanResults } from '../../shared/adapters/aws/scan-results-s3.js';
import { startExecution } from '../../shared/adapters/aws/step-functions-starter.js';
import { tagCoverageCheck } from '../../shared/checks/tag-coverage/check.js';
import type { Check } from '../../shared/core/ports.js';
import { runTagCoverageScheduled } from '../../shared/runtime/fan-out.js';
import { invocationTime, lambdaPortsFromEnv, scheduledEventSchema } from '../../shared/runtime/lambda-env.js';
import { runInLambda } from '../../shared/runtime/lambda-run.js';
import { guardrailHandler, lambdaLog } from '../../shared/runtime/middleware.js';
import { awsTagSources } from '../../shared/runtime/tag-coverage-wiring.js';

// Cold start: config, state, queue and the AWS sources are built once per container.
const ports = lambdaPortsFromEnv();
const sources = awsTagSources(ports.config);
const stateMachineArn = process.env.FAN_OUT_STATE_MACHINE_ARN;
const results = process.env.RESULTS_BUCKET
  ? new S3ScanResults({ bucket: process.env.RESULTS_BUCKET })
  : undefined;
const fanOut =
  stateMachineArn && results
    ? {
        writePlan: (runId: string, ids: readonly string[]) => results.writePlan(runId, ids),
        start: (name: string, input: unknown) => startExecution({ stateMachineArn }, name, input),
      }
    : undefined;

/**
 * Scheduled daily. Up to `fanOutAboveAccounts` accounts it scans them here;
 * above that it starts the Distributed Map, whose aggregator finishes the run.
 */
export const handler = guardrailHandler(scheduledEventSchema, async (event) => {
  const now = invocationTime(event);
  return runTagCoverageScheduled(
    {
      config: ports.config,
      sources,
      log: lambdaLog,
      runInProcess: (listed) => runInLambda(tagCoverageCheck(listed) as Check<unknown>, ports, now),
      ...(fanOut && { fanOut }),
    },
    now,
  );
});
