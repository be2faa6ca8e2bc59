import { tagCoverageCheck } from '../../shared/checks/tag-coverage/check.js';
import type { Check } from '../../shared/core/ports.js';
import { runTagCoverageScheduled } from '../../shared/runtime/fan-out.js';
import { invocationTime, lambdaPortsFromEnv, scheduledEventSchema } from '../../shared/runtime/lambda-env.js';
import { runInLambda } from '../../shared/runtime/lambda-run.js';
import { guardrailHandler, lambdaLog } from '../../shared/runtime/middleware.js';
import { withReportPublisher } from '../../shared/runtime/report-publisher-env.js';
import { awsTagSources } from '../../shared/runtime/tag-coverage-wiring.js';

// Cold start: config, state, queue and the AWS sources are built once per container.
const ports = withReportPublisher(await lambdaPortsFromEnv());
const sources = awsTagSources(ports.config);
const stateMachineArn = process.env.FAN_OUT_STATE_MACHINE_ARN;
const bucket = process.env.RESULTS_BUCKET;
// The results bucket and Step Functions clients load only when a run fans out.
const fanOut =
  stateMachineArn && bucket
    ? {
        writePlan: async (runId: string, ids: readonly string[]) => {
          const { S3ScanResults } = await import('../../shared/adapters/aws/scan-results-s3.js');
          return new S3ScanResults({ bucket }).writePlan(runId, ids);
        },
        start: async (name: string, input: unknown) => {
          const { startExecution } = await import('../../shared/adapters/aws/step-functions-starter.js');
          return startExecution({ stateMachineArn }, name, input);
        },
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
