import {
  BatchProcessor,
  EventType,
  processPartialResponse,
  SqsFifoPartialProcessorAsync,
} from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { formatPath } from '../config/issue-format.js';
import { deliverToAll } from '../core/delivery.js';
import { type Envelope, envelopeSchema } from '../core/envelope.js';
import { InputError } from '../core/errors.js';
import type { ProgressLog, Sink } from '../core/ports.js';

export { forwarderSinks } from './forwarder-sinks.js';

export interface ForwarderDeps {
  readonly sinks: readonly Sink[];
  readonly log: ProgressLog & { error(message: string, detail?: Record<string, unknown>): void };
  /** A FIFO incident queue: records are handled in order, and a failure holds back the rest of its group. */
  readonly fifo?: boolean;
}

/**
 * Forwards one SQS batch of incident envelopes to the sinks, and reports
 * only the records that failed (`ReportBatchItemFailures`), so SQS retries
 * those alone and moves them to the DLQ after `maxReceiveCount`.
 *
 * - A body that is not an envelope is a failed record, logged with its
 *   message id and the first schema issue; retrying will not fix it, but
 *   failing it is what routes it to the DLQ where people can look.
 * - Delivery is at least once. Ids and dedup keys are deterministic, so
 *   PagerDuty merges a repeat into the open alert; Slack may show a repeat
 *   when another sink failed the record.
 * - Stale events: within a batch, an event is skipped when the same
 *   dedupkey has a higher `sequence` in the batch. Across batches the
 *   forwarder keeps no state; on a FIFO queue (group = dedupkey) order is
 *   SQS's guarantee.
 */
export async function forwardBatch(
  event: SQSEvent,
  deps: ForwarderDeps,
  context?: Context,
): Promise<SQSBatchResponse> {
  const latest = latestSequences(event.Records);
  const handle = async (record: SQSRecord) => {
    const envelope = parseRecord(record, deps.log);
    if ((latest.get(envelope.dedupkey) ?? 0) > envelope.sequence) {
      deps.log.info('skipped: superseded in this batch', {
        messageId: record.messageId,
        dedupkey: envelope.dedupkey,
        sequence: envelope.sequence,
      });
      return;
    }
    await deliverToAll(deps.sinks, [envelope]);
  };
  const options = { ...(context && { context }), throwOnFullBatchFailure: false };
  if (deps.fifo) {
    return processPartialResponse(event, handle, new SqsFifoPartialProcessorAsync(), {
      ...options,
      skipGroupOnError: true,
    });
  }
  return processPartialResponse(event, handle, new BatchProcessor(EventType.SQS), options);
}

/** The envelope in a record's body, or an InputError naming the record and the first issue. */
export function parseRecord(record: SQSRecord, log: ForwarderDeps['log']): Envelope {
  const where = `message ${record.messageId}`;
  let raw: unknown;
  try {
    raw = JSON.parse(record.body);
  } catch (error) {
    log.error('poison message: body is not JSON', poisonDetail(record, 'not JSON'));
    throw new InputError(where, 'body is not JSON', { cause: error });
  }
  const parsed = envelopeSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const problem = issue ? `${formatPath(issue.path)}: ${issue.message}` : 'invalid envelope';
  log.error('poison message: body is not an incident envelope', poisonDetail(record, problem));
  throw new InputError(where, problem, { cause: parsed.error });
}

function poisonDetail(record: SQSRecord, problem: string): Record<string, unknown> {
  return {
    messageId: record.messageId,
    receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 0),
    problem,
    bodyPrefix: record.body.slice(0, 200),
    note: 'fails every receive; SQS moves it to the DLQ after maxReceiveCount',
  };
}

function latestSequences(records: readonly SQSRecord[]): Map<string, number> {
  const latest = new Map<string, number>();
  for (const record of records) {
    const parsed = envelopeSchema.safeParse(safeJson(record.body));
    if (!parsed.success) continue;
    const { dedupkey, sequence } = parsed.data;
    latest.set(dedupkey, Math.max(latest.get(dedupkey) ?? 0, sequence));
  }
  return latest;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
