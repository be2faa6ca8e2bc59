import { describe, expect, it } from 'vitest';
import {
  nextProbeState,
  type ProbeMemory,
  type ProbeRound,
  readProbeMemory,
} from '../../../../shared/checks/probe/state-machine.js';

const thresholds = { failureThreshold: 2, successThreshold: 2 };
const fail = (minute: number): ProbeRound => ({
  failed: true,
  failure: {
    at: `2026-05-01T12:0${minute}:00.000Z`,
    failures: [{ assertion: 'status', expected: ['200-399'], actual: 503, message: 'api: status 503' }],
    status: 503,
  },
});
const pass: ProbeRound = { failed: false };

/** Runs a script of rounds ('F' fail, 'P' pass) and returns whether each round paged. */
function run(script: string, t = thresholds): { pages: boolean[]; memory: ProbeMemory | undefined } {
  let memory: ProbeMemory | undefined;
  const pages = [...script].map((c, i) => {
    const step = nextProbeState(memory, c === 'F' ? fail(i) : pass, t);
    memory = step.memory;
    return step.page;
  });
  return { pages, memory };
}

describe('nextProbeState', () => {
  it('pages only after failureThreshold consecutive failures', () => {
    // Prepare / Act
    const { pages } = run('FFF');
    // Assess
    expect(pages).toEqual([false, true, true]);
  });

  it('keeps paging through passes below successThreshold and stops at it', () => {
    const { pages, memory } = run('FFPFPP');
    expect(pages).toEqual([false, true, true, true, true, false]);
    expect(memory).toBeUndefined();
  });

  it('never pages a target that flaps below the failure threshold', () => {
    const { pages } = run('FPFPFPFP');
    expect(pages.every((p) => !p)).toBe(true);
  });

  it('pages on the first failure when failureThreshold is 1 and resolves on the first pass when successThreshold is 1', () => {
    const { pages } = run('FP', { failureThreshold: 1, successThreshold: 1 });
    expect(pages).toEqual([true, false]);
  });

  it('forgets a healthy probe so healthy probes write no memory', () => {
    expect(nextProbeState(undefined, pass, thresholds)).toEqual({
      memory: undefined,
      page: false,
      transition: 'none',
    });
    expect(run('FP').memory).toBeUndefined();
  });

  it('remembers when the problem started and how many checks failed since', () => {
    const { memory } = run('FFPF');
    expect(memory).toMatchObject({
      failing: true,
      since: '2026-05-01T12:00:00.000Z',
      failedRounds: 3,
      consecutiveFailures: 1,
      consecutivePasses: 0,
    });
    expect(memory?.lastFailure.at).toBe('2026-05-01T12:03:00.000Z');
  });

  it('names the transitions', () => {
    const first = nextProbeState(undefined, fail(0), thresholds);
    const second = nextProbeState(first.memory, fail(1), thresholds);
    const third = nextProbeState(second.memory, pass, thresholds);
    const fourth = nextProbeState(third.memory, pass, thresholds);
    expect([first, second, third, fourth].map((s) => s.transition)).toEqual([
      'none',
      'started-failing',
      'still-failing',
      'recovered',
    ]);
  });

  it('treats unreadable stored memory as none', () => {
    expect(readProbeMemory({ consecutiveFailures: 'x' })).toBeUndefined();
    expect(readProbeMemory(run('F').memory)).toEqual(run('F').memory);
  });
});
