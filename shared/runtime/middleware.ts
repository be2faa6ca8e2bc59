import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { formatPath } from '../config/issue-format.js';
import { GuardrailError, InputError } from '../core/errors.js';
import type { ProgressLog } from '../core/ports.js';
import '../core/zod-locale.js';

/** One logger and one metrics object per container; Powertools reads its env (POWERTOOLS_*) once. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'finops-guardrails' });
// The service dimension is the function's POWERTOOLS_SERVICE_NAME (set per function by GuardrailFunction).
export const metrics = new Metrics({ namespace: 'FinopsGuardrails' });

/** The pipeline's progress log, backed by the structured logger. */
export const lambdaLog: ProgressLog = {
  info: (message, detail) => logger.info(message, detail ?? {}),
  warn: (message, detail) => logger.warn(message, detail ?? {}),
};

/** Parses the event with zod before the handler runs; a bad event names the field. */
export function parseEvent<S extends z.core.$ZodType>(schema: S): MiddlewareObj<z.infer<S>> {
  return {
    name: 'parseEvent',
    before: (request) => {
      const result = z.safeParse(schema, request.event);
      if (!result.success) {
        const issue = result.error.issues[0];
        throw new InputError('event', issue ? `${formatPath(issue.path)}: ${issue.message}` : 'invalid');
      }
      request.event = result.data;
    },
  };
}

/** Logs a failure once, with its type and cause, and lets it fail the invocation so the scheduler retries. */
function logErrors(): MiddlewareObj {
  return {
    name: 'logErrors',
    onError: (request) => {
      const error = request.error;
      const expected = error instanceof GuardrailError;
      logger.error(expected ? 'guardrail run failed' : 'unexpected error', error as Error);
      metrics.addMetric(expected ? 'RunFailed' : 'UnexpectedError', 'Count', 1);
    },
  };
}

/**
 * The one middleware chain every handler uses: Lambda context in the logs,
 * metrics flushed (with cold starts), the event parsed, errors logged.
 *
 * @example
 * export const handler = guardrailHandler(scheduledEventSchema, async (event) => runOnce(event));
 */
export function guardrailHandler<S extends z.core.$ZodType, R>(
  eventSchema: S,
  fn: (event: z.infer<S>, context: Context) => Promise<R>,
) {
  return middy<z.infer<S>, R>()
    .use(injectLambdaContext(logger, { clearState: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(logErrors())
    .use(parseEvent(eventSchema))
    .handler(fn);
}
