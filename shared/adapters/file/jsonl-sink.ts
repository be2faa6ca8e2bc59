import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Envelope } from '../../core/envelope.js';
import { DeliveryError } from '../../core/errors.js';
import type { Sink } from '../../core/ports.js';

/**
 * Appends one envelope per line to a file. The whole run is written with
 * one append, so a reader never sees half a run's events.
 */
export class JsonlSink implements Sink {
  readonly name: string;
  constructor(private readonly path: string) {
    this.name = `jsonl:${path}`;
  }

  async deliver(events: readonly Envelope[]): Promise<void> {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      appendFileSync(this.path, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    } catch (error) {
      throw new DeliveryError(
        `${this.path}: cannot append events: ${(error as Error).message}`,
        events.map((e) => e.id),
        { cause: error },
      );
    }
  }
}
