import type { Envelope } from './envelope.js';
import { DeliveryError } from './errors.js';
import type { Sink } from './ports.js';

/**
 * Sends the events to every sink. Every sink is attempted even when one
 * fails, then any failure is raised as one DeliveryError, so the caller
 * does not commit state and the next run sends the same ids again.
 */
export async function deliverToAll(sinks: readonly Sink[], events: readonly Envelope[]): Promise<void> {
  if (events.length === 0) return;
  const results = await Promise.allSettled(sinks.map((sink) => sink.deliver(events)));
  const failures = results.flatMap((result, i) =>
    result.status === 'rejected'
      ? [{ sink: sinks[i]?.name ?? `sink ${i}`, error: result.reason as unknown }]
      : [],
  );
  if (failures.length === 0) return;
  const undelivered = new Set<string>();
  for (const { error } of failures) {
    const ids = error instanceof DeliveryError ? error.undelivered : events.map((e) => e.id);
    for (const id of ids) undelivered.add(id);
  }
  const detail = failures.map(
    ({ sink, error }) => `${sink}: ${error instanceof Error ? error.message : String(error)}`,
  );
  throw new DeliveryError(`delivery failed, state not committed (${detail.join('; ')})`, [...undelivered], {
    cause: failures[0]?.error,
  });
}
