import { truncate } from '../render/text-wrap.js';

/** What a {@link StatusLine} draws with; tests pass a fake clock and timer. */
export interface StatusLineDeps {
  /** Writes to the terminal (stderr). */
  readonly write: (text: string) => void;
  /** Milliseconds, monotonic enough for elapsed time. */
  readonly now: () => number;
  /** Terminal columns. */
  readonly width: () => number;
  /** Calls `tick` every `ms` until the returned function is called; must not keep the process alive. */
  readonly every: (ms: number, tick: () => void) => () => void;
}

/** Runs shorter than this never show a progress line. */
export const STATUS_DELAY_MS = 2000;
const REDRAW_MS = 200;
const ERASE_LINE = '\r\u001b[2K';

/**
 * One line at the bottom of a terminal that says what a long run is doing,
 * redrawn in place. It appears only once the run has lasted
 * {@link STATUS_DELAY_MS}, and is erased before anything else is written,
 * so it never mixes with the table or a warning.
 */
export class StatusLine {
  readonly #deps: StatusLineDeps;
  readonly #startedAt: number;
  #text = '';
  #shown = false;
  #lastDrawAt = Number.NEGATIVE_INFINITY;
  #stopTicking: (() => void) | undefined;

  constructor(deps: StatusLineDeps) {
    this.#deps = deps;
    this.#startedAt = deps.now();
  }

  /** Sets what the line says; it is drawn now or at the next tick. */
  update(text: string): void {
    this.#text = text;
    this.#stopTicking ??= this.#deps.every(REDRAW_MS, () => this.#draw(false));
    this.#draw(false);
  }

  /** Erases the line (until the next update or tick), before other output. */
  clear(): void {
    if (!this.#shown) return;
    this.#deps.write(ERASE_LINE);
    this.#shown = false;
    this.#lastDrawAt = Number.NEGATIVE_INFINITY;
  }

  /** Erases the line and stops redrawing it: the run is over. */
  stop(): void {
    this.#stopTicking?.();
    this.#stopTicking = undefined;
    this.#text = '';
    this.clear();
  }

  #draw(force: boolean): void {
    const now = this.#deps.now();
    const elapsed = now - this.#startedAt;
    if (this.#text === '' || elapsed < STATUS_DELAY_MS) return;
    if (!force && now - this.#lastDrawAt < REDRAW_MS) return;
    const seconds = Math.floor(elapsed / 1000);
    const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
    this.#deps.write(`${ERASE_LINE}${truncate(`[${clock}] ${this.#text}`, this.#deps.width() - 1)}`);
    this.#shown = true;
    this.#lastDrawAt = now;
  }
}

/** A {@link StatusLine} on this process's stderr. */
export function stderrStatusLine(): StatusLine {
  return new StatusLine({
    write: (text) => process.stderr.write(text),
    now: () => performance.now(),
    width: () => process.stderr.columns || 80,
    every: (ms, tick) => {
      const timer = setInterval(tick, ms);
      timer.unref();
      return () => clearInterval(timer);
    },
  });
}
