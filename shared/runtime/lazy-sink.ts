import type { Envelope } from '../core/envelope.js';
import { loadOnce } from '../core/load-once.js';
import type { Sink } from '../core/ports.js';

/**
 * A sink whose adapter, with its SDK client, is imported on the first
 * delivery. A run with no event to send (most probe rounds, a check whose
 * findings did not change) never delivers (`deliverToAll` returns at once),
 * so its container never loads the client. `name` is the name the adapter
 * reports; the loaded sink must report the same.
 *
 * @example
 * const sns = onFirstDelivery('sns', async () => new (await import('../adapters/aws/sns-sink.js')).SnsSink({ topicArn }));
 */
export function onFirstDelivery(name: string, load: () => Promise<Sink>): Sink {
  // A failed load is not kept: the run fails undelivered, and the next delivery tries again.
  const sink = loadOnce(async () => {
    const loaded = await load();
    if (loaded.name !== name) throw new Error(`sink ${loaded.name} loaded for ${name}`);
    return loaded;
  });
  return {
    name,
    async deliver(events: readonly Envelope[]): Promise<void> {
      return (await sink()).deliver(events);
    },
  };
}
