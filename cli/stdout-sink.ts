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
    private readonly out: Writer = process.stdout,
    private readonly render: (events: readonly Envelope[]) => string = renderEventTable,
  ) {}
  async deliver(events: readonly Envelope[]): Promise<void> {
    this.out.write(this.render(events));
    this.events.push(...events);
  }
}

const SUMMARY_WIDTH = 130; // the first 130 characters of a summary stand alone (DESIGN §3)

/** Renders events as an aligned table, most severe first. */
export function renderEventTable(events: readonly Envelope[]): string {
  if (events.length === 0) return 'No new events: nothing changed since the last run.\n';
  const order = ['critical', 'error', 'warning', 'info'];
  const rows = [...events]
    .sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity) || a.type.localeCompare(b.type))
    .map((e) => [
      e.action.toUpperCase(),
      e.severity,
      e.type.replace('finops-guardrails.', ''),
      e.data.owner?.team ?? '-',
      e.data.summary.length > SUMMARY_WIDTH
        ? `${e.data.summary.slice(0, SUMMARY_WIDTH - 1)}…`
        : e.data.summary,
    ]);
  const header = ['ACTION', 'SEVERITY', 'TYPE', 'OWNER', 'SUMMARY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
