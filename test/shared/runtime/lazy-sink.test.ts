import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../../shared/core/envelope.js';
import type { Sink } from '../../../shared/core/ports.js';
import { onFirstDelivery } from '../../../shared/runtime/lazy-sink.js';

const event = { id: 'e-1' } as unknown as Envelope;

/** A sink that records what it was given, and a loader that counts its loads. */
function recording(name: string) {
  const delivered: string[][] = [];
  let loads = 0;
  const sink: Sink = {
    name,
    async deliver(events) {
      delivered.push(events.map((e) => e.id));
    },
  };
  return {
    delivered,
    loads: () => loads,
    load: async () => {
      loads += 1;
      return sink;
    },
  };
}

describe('onFirstDelivery', () => {
  it('loads its sink on the first delivery only, then hands every batch to it', async () => {
    const fake = recording('sqs');
    const sink = onFirstDelivery('sqs', fake.load);
    expect(sink.name).toBe('sqs');
    expect(fake.loads()).toBe(0);

    await Promise.all([sink.deliver([event]), sink.deliver([event, event])]);
    await sink.deliver([event]);

    expect(fake.loads()).toBe(1);
    expect(fake.delivered).toEqual([['e-1'], ['e-1', 'e-1'], ['e-1']]);
  });

  it('refuses a loaded sink that reports another name, so state and logs never mix two sinks up', async () => {
    const sink = onFirstDelivery('sns', recording('sqs').load);
    await expect(sink.deliver([event])).rejects.toThrow(/sink sqs loaded for sns/);
  });

  it('passes a delivery failure on as it is', async () => {
    const failure = new Error('throttled');
    const sink = onFirstDelivery('sqs', async () => ({
      name: 'sqs',
      deliver: async () => {
        throw failure;
      },
    }));
    await expect(sink.deliver([event])).rejects.toBe(failure);
  });

  it('tries the load again after a failed one: a run fails undelivered, the container is not wedged', async () => {
    const fake = recording('sqs');
    let attempts = 0;
    const sink = onFirstDelivery('sqs', async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('chunk not readable');
      return fake.load();
    });
    await expect(sink.deliver([event])).rejects.toThrow('chunk not readable');
    await sink.deliver([event]);
    expect(attempts).toBe(2);
    expect(fake.delivered).toEqual([['e-1']]);
  });
});
