import { lambdaPortsFromEnv, scheduledEventSchema } from '../../shared/runtime/lambda-env.js';
import { runInLambda } from '../../shared/runtime/lambda-run.js';
import { guardrailHandler, lambdaLog } from '../../shared/runtime/middleware.js';
import { tagCoverageFactory } from '../../shared/runtime/tag-coverage-wiring.js';

// Cold start: config, state, queue and the check's AWS sources are built once per container.
const ports = lambdaPortsFromEnv();
const check = tagCoverageFactory({ mode: 'aws', config: ports.config, dataDir: '', log: lambdaLog });

/** Scheduled daily: scans every account and region, then delivers and commits. */
export const handler = guardrailHandler(scheduledEventSchema, async (event) =>
  runInLambda(check, ports, event.now ? new Date(event.now) : new Date()),
);
