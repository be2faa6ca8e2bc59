/**
 * What the previous series' timestamps read as, by position: the series of
 * one query (every account × service pair of a cost check) carry the same
 * day strings in the same order, so the next series mostly repeats them.
 * Comparing a string with the one remembered at its position costs less than
 * parsing it again (and, with the day strings shared, is one pointer
 * comparison); a different string is parsed and remembered instead.
 */
import { isMonthStart } from '../period.js';
import { timestampMs } from './time-grid.js';

// Month-start answers: not yet asked for this position's text, no, yes.
const UNKNOWN = 0;
const NO = 1;
const YES = 2;

/** Timestamps read before, by position in the series. */
export class TimestampMemo {
  private readonly texts: string[] = [];
  private ms = new Float64Array(0);
  private monthStart = new Uint8Array(0);

  /** `timestampMs(text)` for the point at `index`. */
  msAt(index: number, text: string): number {
    if (this.texts[index] === text) return this.ms[index] as number;
    const ms = timestampMs(text);
    // Only valid timestamps are remembered: a bad one throws, and its series is done.
    if (!Number.isNaN(ms)) this.remember(index, text, ms);
    return ms;
  }

  /** `isMonthStart(text, location)` for the point at `index`, whose text `msAt` has read. */
  isMonthStartAt(index: number, text: string, location: () => string): boolean {
    if (this.texts[index] !== text) return isMonthStart(text, location);
    const known = this.monthStart[index] as number;
    if (known !== UNKNOWN) return known === YES;
    const answer = isMonthStart(text, location);
    this.monthStart[index] = answer ? YES : NO;
    return answer;
  }

  private remember(index: number, text: string, ms: number): void {
    if (index >= this.ms.length) {
      const grown = Math.max(2 * this.ms.length, index + 1, 64);
      const nextMs = new Float64Array(grown);
      nextMs.set(this.ms);
      this.ms = nextMs;
      const nextMonthStart = new Uint8Array(grown);
      nextMonthStart.set(this.monthStart);
      this.monthStart = nextMonthStart;
    }
    // Positions are read in order from 0, so this appends or overwrites, never leaves a hole.
    this.texts[index] = text;
    this.ms[index] = ms;
    this.monthStart[index] = UNKNOWN;
  }
}
