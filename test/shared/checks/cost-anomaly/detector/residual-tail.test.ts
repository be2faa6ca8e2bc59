import { describe, expect, it } from 'vitest';
import {
  binEdge,
  binOf,
  ResidualTail,
  TAIL_BINS,
} from '../../../../../shared/checks/cost-anomaly/detector/residual-tail.js';

/** Deterministic standard normal draws (mulberry32 + Box–Muller). */
function normals(seed: number, n: number): number[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return Array.from(
    { length: n },
    () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
  );
}

function tailOf(errors: readonly number[], memory = 10_000): ResidualTail {
  const tail = new ResidualTail(memory);
  for (const r of errors) {
    tail.tick();
    tail.add(r);
  }
  return tail;
}

describe('ResidualTail', () => {
  it('keeps the scale near 1 on normal errors, short or long', () => {
    for (const [seed, n] of [
      [1, 60],
      [2, 200],
      [3, 3000],
    ] as const) {
      const tail = tailOf(normals(seed, n));
      expect(tail.scale(true)).toBeGreaterThanOrEqual(0.8);
      expect(tail.scale(true)).toBeLessThan(1.6);
      expect(tail.scale(false)).toBeLessThan(1.6);
    }
  });

  it('learns routine bursts on their side only', () => {
    const errors = normals(4, 120).map((r, i) => (i % 15 === 7 ? 12 : r));
    const tail = tailOf(errors);
    expect(tail.scale(true)).toBeGreaterThan(4);
    expect(tail.scale(false)).toBeLessThan(1.6);
  });

  it('forgets a burst it is told was a level shift', () => {
    const tail = tailOf(normals(5, 100));
    const before = tail.scale(true);
    const weight = tail.currentWeight;
    tail.add(20);
    expect(tail.scale(true)).toBeGreaterThan(before * 3);
    tail.remove(20, weight);
    expect(tail.scale(true)).toBeCloseTo(before, 10);
  });

  it('stays at 1 until a few errors are known, and after a reset', () => {
    const tail = tailOf([9, 9, 9]);
    expect(tail.scale(true)).toBe(1);
    const learned = tailOf(normals(6, 50).map((r, i) => (i % 10 ? r : 15)));
    learned.reset();
    expect(learned.scale(true)).toBe(1);
  });

  it('lets old errors fade with its memory', () => {
    const bursts = normals(7, 60).map((r, i) => (i < 20 && i % 5 === 0 ? 15 : r));
    const fading = tailOf([...bursts, ...normals(8, 400)], 50);
    const remembering = tailOf([...bursts, ...normals(8, 400)], 100_000);
    expect(fading.scale(true)).toBeLessThan(remembering.scale(true));
  });
});

describe('bins', () => {
  it('put every size in the bin whose edges hold it', () => {
    for (const x of [0, 0.1, 0.25, 2.99, 3, 3.7, 10, 1e3, 1e9]) {
      const b = binOf(x);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(TAIL_BINS);
      expect(binEdge(b)).toBeLessThanOrEqual(x * (1 + 1e-12));
      if (b < TAIL_BINS - 1) expect(binEdge(b + 1)).toBeGreaterThan(x);
    }
  });
});
