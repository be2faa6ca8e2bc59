import { scheduledEventSchema } from '../../shared/runtime/lambda-env.js';
import { guardrailHandler } from '../../shared/runtime/middleware.js';
import { probeLambdaFromEnv, runProbeInLambda } from '../../shared/runtime/probe-lambda.js';

// Cold start: config, state and quorum table, the queue, the paging topic (and PagerDuty) and the HTTP transport.
const probe = await probeLambdaFromEnv();

/**
 * Scheduled every minute in the observer account: probes every target of
 * this location in sub-minute rounds, pages through its own topic, mirrors
 * to the incident queue, and stops starting rounds before the deadline.
 */
export const handler = guardrailHandler(scheduledEventSchema, async (event, context) =>
  runProbeInLambda(probe, {
    remainingMs: context.getRemainingTimeInMillis(),
    ...(event.now && { now: event.now }),
  }),
);
