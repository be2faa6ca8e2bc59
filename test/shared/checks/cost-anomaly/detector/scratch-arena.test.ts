import { describe, expect, it } from 'vitest';
import { ScratchArena } from '../../../../../shared/checks/cost-anomaly/detector/scratch-arena.js';

describe('ScratchArena', () => {
  it('hands out zeroed views, also of memory a previous call wrote', () => {
    // Prepare: a call that fills its views.
    const arena = new ScratchArena();
    arena.float64(10).fill(7);
    arena.uint8(3).fill(9);

    // Act: the next call takes the same memory.
    arena.reset();
    const doubles = arena.float64(10);
    const bytes = arena.uint8(3);

    // Assess
    expect([...doubles]).toEqual(new Array(10).fill(0));
    expect([...bytes]).toEqual([0, 0, 0]);
  });

  it('gives views of one call that do not overlap, aligned for any element type, and keeps them when it grows', () => {
    // Prepare: odd sizes, so a view would straddle another without alignment; the last one outgrows the buffer.
    const arena = new ScratchArena(64);
    const bytes = arena.uint8(3);
    const ints = arena.int32(5);
    const doubles = arena.float64(3);
    const counts = arena.uint32(1);

    // Act
    bytes.fill(1);
    ints.fill(-2);
    doubles.fill(0.5);
    counts.fill(4);
    const big = arena.float64(1000).fill(3);

    // Assess: each view still holds what was written to it.
    expect([...bytes]).toEqual([1, 1, 1]);
    expect([...ints]).toEqual([-2, -2, -2, -2, -2]);
    expect([...doubles]).toEqual([0.5, 0.5, 0.5]);
    expect([...counts]).toEqual([4]);
    expect(big[999]).toBe(3);
  });
});
