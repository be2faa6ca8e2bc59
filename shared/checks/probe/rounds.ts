import { GuardrailError } from '../../core/errors.js';
import { type PipelineDeps, type RunReport, runCheck } from '../../core/pipeline.js';
import type { Check } from '../../core/ports.js';

export interface ProbeRoundsOptions {
  /** Rounds in this invocation; see {@link roundsPerPeriod}. */
  readonly rounds: number;
  /** Seconds between round starts. */
  readonly intervalSeconds: number;
  /** The clock; rounds are timed against it, and each round's `now` comes from it. */
  readonly clock: () => Date;
  /** Waits; tests pass one that advances a fake clock. */
  readonly sleep: (ms: number) => Promise<void>;
  /** No round starts after this (e.g. the Lambda deadline less one probe timeout). */
  readonly stopAt?: Date;
}

export interface ProbeRoundsReport {
  readonly reports: readonly RunReport[];
  /** Rounds that threw (delivery or state conflicts); a later round re-sends their events. */
  readonly failures: ReadonlyArray<{ readonly round: number; readonly error: unknown }>;
}

/** Rounds that fit in one schedule period: 60 s every 20 s → 3. At least 1. */
export function roundsPerPeriod(intervalSeconds: number, periodSeconds = 60): number {
  return Math.max(1, Math.floor(periodSeconds / Math.max(1, intervalSeconds)));
}

/**
 * Sub-minute probing inside one scheduled invocation: `rounds` full pipeline
 * runs, started `intervalSeconds` apart on a fixed grid (a slow round does
 * not push the next ones later). Each round commits its state after its
 * delivery, so the next round's state machine sees it: with a 20 s interval
 * and a failure threshold of 2, an outage pages within 40 s.
 *
 * A round that throws is logged and the next one runs: its state was not
 * committed, so the next round produces the same events again. Throws only
 * when the last round failed, so the invocation fails (and alarms) exactly
 * when events are left undelivered.
 *
 * @example
 * await runProbeRounds(check, deps, { rounds: 3, intervalSeconds: 20, clock: () => new Date(), sleep });
 */
export async function runProbeRounds<O>(
  check: Check<O>,
  deps: Omit<PipelineDeps, 'now'>,
  options: ProbeRoundsOptions,
): Promise<ProbeRoundsReport> {
  const start = options.clock().getTime();
  const reports: RunReport[] = [];
  const failures: Array<{ round: number; error: unknown }> = [];
  let lastFailed = false;
  for (let round = 0; round < options.rounds; round += 1) {
    const due = start + round * options.intervalSeconds * 1000;
    if (options.stopAt && due > options.stopAt.getTime()) break;
    const wait = due - options.clock().getTime();
    if (wait > 0) await options.sleep(wait);
    try {
      reports.push(await runCheck(check, { ...deps, now: options.clock() }));
      lastFailed = false;
    } catch (error) {
      failures.push({ round, error });
      lastFailed = true;
      deps.log.warn(
        `probe round ${round + 1} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (lastFailed) {
    const last = failures[failures.length - 1];
    throw new GuardrailError(`the last probe round failed; its events are not delivered`, {
      cause: last?.error,
    });
  }
  return { reports, failures };
}

/**
 * Seconds between scheduled invocations for a `rate(...)` expression; a
 * minute for `cron(...)`, whose period is not fixed.
 *
 * @example
 * schedulePeriodSeconds('rate(5 minutes)'); // 300
 */
export function schedulePeriodSeconds(expression: string): number {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression.trim());
  if (!rate) return 60;
  const unit = { minute: 60, hour: 3_600, day: 86_400 }[rate[2] as 'minute' | 'hour' | 'day'];
  return Math.max(1, Number(rate[1])) * unit;
}
