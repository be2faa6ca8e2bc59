import { describe, expect, it } from 'vitest';
import { BurstGuard } from '../../../../../shared/checks/cost-anomaly/detector/burst-guard.js';

function guardOf(sizes: readonly number[], memory = 365): BurstGuard {
  const guard = new BurstGuard(memory, 1);
  sizes.forEach((size, t) => {
    guard.add(t, size, false);
  });
  return guard;
}

describe('BurstGuard', () => {
  it('bars at the largest departure in memory, and at its rank-th largest when asked', () => {
    // Prepare
    const sizes = [0.02, -0.4, 0.6, 0.01, 0.3, 0.45];
    const second = new BurstGuard(365, 2);
    sizes.forEach((size, t) => {
      second.add(t, size, false);
    });

    // Act
    const largest = guardOf(sizes).bar(6);

    // Assess: drops do not count as bursts.
    expect(largest).toBe(0.6);
    expect(second.bar(6)).toBe(0.45);
    expect(guardOf(sizes).seen).toBe(6);
  });

  it('forgets departures older than its memory', () => {
    // Prepare: one large burst at slot 0, small ones after.
    const guard = guardOf([0.9, 0.1, 0.2, 0.1], 10);

    // Act / Assess
    expect(guard.bar(9)).toBe(0.9);
    expect(guard.bar(10)).toBe(0.2);
  });

  it('caps a first alert at the bar before it, and learns the size from a second, separate one', () => {
    // Prepare: routine departures up to 0.3.
    const guard = guardOf([0.1, 0.3, 0.2]);

    // Act: an incident of 2.0 (two alerted days), then another one weeks later.
    guard.add(3, 2.0, true);
    guard.add(4, 1.8, true);
    const afterFirst = guard.bar(5);
    guard.add(30, 2.0, true);

    // Assess
    expect(afterFirst).toBe(0.3);
    expect(guard.bar(31)).toBe(2.0);
  });

  it('learns a first alert at its full size once a second, separate one comes', () => {
    // Prepare: routine departures up to 0.3; an alert of 1.5, then one of 1.2 weeks later.
    const guard = new BurstGuard(365, 2);
    [0.1, 0.3, 0.2].forEach((size, t) => {
      guard.add(t, size, false);
    });
    guard.add(3, 1.5, true);
    const afterFirst = guard.bar(4);

    // Act
    guard.add(30, 1.2, true);

    // Assess: two incidents of a size make it usual; the second largest is now the first one's size.
    expect(afterFirst).toBe(0.2);
    expect(guard.bar(31)).toBe(1.2);
  });

  it('forgets the departures of a run that proved to be a level shift', () => {
    // Prepare
    const guard = guardOf([0.1, 0.2, 0.8, 0.85, 0.9]);

    // Act
    guard.forget(2, 4);

    // Assess
    expect(guard.bar(5)).toBe(0.2);
  });

  it('keeps an elevated departure only once the series comes back: a drift or a step is no burst', () => {
    // Prepare
    const guard = guardOf([0.05, 0.1]);

    // Act: a two-point burst that returns, then a rise that lasts four points.
    guard.observe(2, 0.9, false, true);
    guard.observe(3, 0.7, false, true);
    const pending = guard.bar(4);
    guard.observe(4, 0.02, false, false);
    const afterBurst = guard.bar(5);
    for (let t = 5; t < 9; t++) guard.observe(t, 2 + t, false, true);
    guard.observe(9, 0.03, false, false);

    // Assess
    expect(pending).toBe(0.1);
    expect(afterBurst).toBe(0.9);
    expect(guard.bar(10)).toBe(0.9);
  });

  it('starts afresh after a reset', () => {
    const guard = guardOf([0.5, 0.7]);
    guard.reset();
    expect(guard.bar(3)).toBe(0);
    expect(guard.seen).toBe(0);
  });
});
