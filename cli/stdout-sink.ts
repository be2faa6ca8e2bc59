import type { Envelope } from '../shared/core/envelope.js';
import type { Sink } from '../shared/core/ports.js';

export interface Writer {
  write(text: string): unknown;
}

/** `--json`: one envelope per line on stdout and nothing else, for `jq` and pipes. */
export class JsonLinesStdoutSink implements Sink {
  readonly name = 'stdout';
  constructor(private readonly out: Writer = process.stdout) {}
  async deliver(events: readonly Envelope[]): Promise<void> {
    this.out.write(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  }
}

/**
 * The default: prints each delivery as a table at once. It is a sink like
 * the others, so a run commits nothing before its events are on screen, and
 * a run killed before printing leaves them in its outbox for the next run.
 */
export class TableStdoutSink implements Sink {
  readonly name = 'stdout';
  /** Events printed so far, in order. */
  readonly events: Envelope[] = [];
  constructor(
    private readonly out: Writer,
    /** Lays a delivery out, e.g. cli/render/event-table.ts in the terminal's width. */
    private readonly render: (events: readonly Envelope[]) => string,
  ) {}
  async deliver(events: readonly Envelope[]): Promise<void> {
    this.out.write(this.render(events));
    this.events.push(...events);
  }
}
