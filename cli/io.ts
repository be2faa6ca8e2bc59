import type { ProgressLog, ProgressUpdate } from '../shared/core/ports.js';
import { type StatusLine, stderrStatusLine } from './progress/status-line.js';
import type { Writer } from './stdout-sink.js';

/** The streams a command writes to; tests pass in-memory ones. */
export interface CliIo {
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Progress goes to stderr only when it is a terminal, so pipes and CI logs stay quiet. */
  readonly stderrIsTty: boolean;
  /** Columns of the terminal stdout goes to; undefined when it is not one (see `outputWidth`). */
  readonly columns?: number;
  /** The live progress line, when stderr is a terminal. */
  readonly status?: StatusLine;
}

/** This process's streams. Writing to either first erases the progress line. */
export function processIo(): CliIo {
  const status = process.stderr.isTTY ? stderrStatusLine() : undefined;
  return {
    stdout: {
      write: (s: string) => {
        status?.clear();
        return process.stdout.write(s);
      },
    },
    stderr: {
      write: (s: string) => {
        status?.clear();
        return process.stderr.write(s);
      },
    },
    stderrIsTty: Boolean(process.stderr.isTTY),
    get columns() {
      return process.stdout.columns;
    },
    ...(status && { status }),
  };
}

/** Exit codes, documented in README. `locked`: another run holds the state; nothing was delivered. */
export const EXIT = { ok: 0, findings: 1, usage: 2, failed: 3, locked: 4 } as const;

/** A {@link ProgressLog} that also remembers what the run learned about its local data. */
export interface CliLog extends ProgressLog {
  /** The last day of the local cost export (`dataEndsOn` of the file sources), when one was read. */
  readonly dataEndsOn: () => string | undefined;
}

/**
 * Warnings always reach stderr. Progress (info messages and step counts)
 * goes to the live status line on a terminal, and nowhere otherwise.
 */
export function stderrLog(io: CliIo): CliLog {
  const detail = (d?: Record<string, unknown>) => (d && Object.keys(d).length ? ` ${JSON.stringify(d)}` : '');
  let dataEndsOn: string | undefined;
  return {
    info: (message, d) => {
      const ends = d?.dataEndsOn;
      if (typeof ends === 'string' && (dataEndsOn === undefined || ends > dataEndsOn)) dataEndsOn = ends;
      io.status?.update(message);
    },
    warn: (message, d) => {
      io.status?.clear();
      io.stderr.write(`warning: ${message}${detail(d)}\n`);
    },
    progress: (u: ProgressUpdate) => {
      io.status?.update(
        `${u.check}: ${u.done}/${u.total} ${u.unit} scanned${u.pages === undefined ? '' : `, ${u.pages} pages read`}`,
      );
    },
    dataEndsOn: () => dataEndsOn,
  };
}
