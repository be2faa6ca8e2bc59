import type { CliIo } from '../../cli/io.js';

/** CLI streams captured in memory. */
export function memoryIo(stderrIsTty = false): CliIo & { out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stderrIsTty,
    out: () => out,
    err: () => err,
  };
}
