import { describe, expect, it } from 'vitest';
import { type CliIo, stderrLog } from '../../cli/io.js';
import { STATUS_DELAY_MS, StatusLine } from '../../cli/progress/status-line.js';

/** A status line on a fake terminal, with a clock and a timer the test moves. */
function fakeTerminal(width = 60) {
  let now = 0;
  let written = '';
  const ticks: Array<() => void> = [];
  let stopped = 0;
  const status = new StatusLine({
    write: (text) => {
      written += text;
    },
    now: () => now,
    width: () => width,
    every: (_ms, tick) => {
      ticks.push(tick);
      return () => {
        stopped++;
      };
    },
  });
  return {
    status,
    advance(ms: number) {
      now += ms;
      for (const tick of ticks) tick();
    },
    take() {
      const out = written;
      written = '';
      return out;
    },
    get stopped() {
      return stopped;
    },
  };
}

describe('the progress line', () => {
  it('stays hidden for short runs and appears after two seconds, redrawn in place', () => {
    const t = fakeTerminal();
    t.status.update('tag-coverage: 1/4 account-regions scanned');
    t.advance(STATUS_DELAY_MS - 1);
    expect(t.take()).toBe('');
    t.advance(1);
    expect(t.take()).toBe('\r\u001b[2K[0:02] tag-coverage: 1/4 account-regions scanned');
    t.status.update('tag-coverage: 2/4 account-regions scanned');
    t.advance(1000);
    expect(t.take()).toBe('\r\u001b[2K[0:03] tag-coverage: 2/4 account-regions scanned');
  });

  it('fits the terminal and is erased before other output and at the end', () => {
    const t = fakeTerminal(30);
    t.advance(STATUS_DELAY_MS);
    t.status.update('cost-anomaly: reading costs.csv and metrics.csv');
    const drawn = t.take().replace('\r\u001b[2K', '');
    expect(drawn).toBe('[0:02] cost-anomaly: reading…');
    expect(drawn.length).toBeLessThan(30);
    t.status.clear();
    expect(t.take()).toBe('\r\u001b[2K');
    t.status.clear();
    expect(t.take()).toBe('');
    t.advance(500);
    expect(t.take()).toContain('[0:02] cost-anomaly'); // back at the next tick
    t.status.stop();
    expect(t.take()).toBe('\r\u001b[2K');
    t.advance(500);
    expect(t.take()).toBe('');
    expect(t.stopped).toBe(1);
  });
});

describe('stderrLog', () => {
  const io = (status?: StatusLine) => {
    let err = '';
    const value: CliIo = {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (err += s) },
      stderrIsTty: status !== undefined,
      ...(status && { status }),
    };
    return { value, err: () => err };
  };

  it('sends progress to the status line on a terminal: scopes scanned of the total and pages read', () => {
    const t = fakeTerminal(100);
    t.advance(STATUS_DELAY_MS);
    const log = stderrLog(io(t.status).value);
    log.progress?.({ check: 'tag-coverage', unit: 'account-regions', done: 12, total: 50, pages: 37 });
    expect(t.take()).toContain('tag-coverage: 12/50 account-regions scanned, 37 pages read');
  });

  it('prints nothing but warnings when stderr is not a terminal, and remembers where the local data ends', () => {
    const { value, err } = io();
    const log = stderrLog(value);
    log.info('tag-coverage: 6 accounts to scan');
    log.progress?.({ check: 'tag-coverage', unit: 'account-regions', done: 1, total: 2 });
    log.info('costs.csv: charges from 2026-08-22 to 2026-11-19', { dataEndsOn: '2026-11-19' });
    log.info('other.csv', { dataEndsOn: '2026-10-01' });
    log.warn('scan gap: a: b', { check: 'tag-coverage' });
    expect(err()).toBe('warning: scan gap: a: b {"check":"tag-coverage"}\n');
    expect(log.dataEndsOn()).toBe('2026-11-19');
  });
});
