import type { ProgressLog } from '../shared/core/ports.js';
import type { Writer } from './stdout-sink.js';

/** The streams a command writes to; tests pass in-memory ones. */
export interface CliIo {
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Progress goes to stderr only when it is a terminal, so pipes and CI logs stay quiet. */
  readonly stderrIsTty: boolean;
}

export const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stderrIsTty: Boolean(process.stderr.isTTY),
};

/** Exit codes, documented in README. `locked`: another run holds the state; nothing was delivered. */
export const EXIT = { ok: 0, findings: 1, usage: 2, failed: 3, locked: 4 } as const;

/** Warnings always reach stderr; progress only on a terminal. */
export function stderrLog(io: CliIo): ProgressLog {
  const detail = (d?: Record<string, unknown>) => (d && Object.keys(d).length ? ` ${JSON.stringify(d)}` : '');
  return {
    info: (message, d) => {
      if (io.stderrIsTty) io.stderr.write(`${message}${detail(d)}\n`);
    },
    warn: (message, d) => {
      io.stderr.write(`warning: ${message}${detail(d)}\n`);
    },
  };
}
