import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { forwardBatch, forwarderSinks } from '../../shared/runtime/forwarder.js';
import { lambdaConfigFromEnv } from '../../shared/runtime/lambda-config.js';
import { guardrailHandler, logger } from '../../shared/runtime/middleware.js';
import '../../shared/core/zod-locale.js';

// Cold start: config and sinks; secrets are read on first delivery and cached.
const config = await lambdaConfigFromEnv();
const sinks = forwarderSinks(config);
const fifo = config.sinks.sqs.fifo;
const log = {
  info: (message: string, detail?: Record<string, unknown>) => logger.info(message, detail ?? {}),
  warn: (message: string, detail?: Record<string, unknown>) => logger.warn(message, detail ?? {}),
  error: (message: string, detail?: Record<string, unknown>) => logger.error(message, detail ?? {}),
};

/** Only the SQS envelope is checked here; each body is parsed per record, so one bad body fails alone. */
const sqsEventSchema = z.object({
  Records: z.array(z.looseObject({ messageId: z.string(), body: z.string() })),
});

/** Consumes the incident queue (ReportBatchItemFailures) and forwards each envelope to the configured sinks. */
export const handler = guardrailHandler(sqsEventSchema, async (event, context) =>
  forwardBatch(event as unknown as SQSEvent, { sinks, log, fifo }, context),
);
