import { toMiB } from './report.js';

/**
 * Peak resident set size of this process so far, in MiB, as the kernel
 * counted it (getrusage ru_maxrss, in KiB on Linux). Every scenario runs in
 * its own child process, so this is that scenario's peak alone, synchronous
 * stretches included, which a timer-based sampler would miss.
 */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Current resident set size, in MiB. */
export function rssMiB(): number {
  return toMiB(process.memoryUsage.rss());
}

/** Runs a full GC when node was started with --expose-gc (the bench's children are), so a baseline is clean. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
}
