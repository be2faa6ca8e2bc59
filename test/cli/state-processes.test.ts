import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Envelope, envelopeSchema } from '../../shared/core/envelope.js';
import { consumerView, idsWithTwoBodies } from '../support/fault-world.js';

/**
 * Real processes on one state file: what two terminals, a cron job and a
 * `kill -9` do to a state file. The in-process suites inject faults at every
 * boundary; these prove the lock and the outbox across OS processes.
 */

const BIN = join(import.meta.dirname, '../../bin/finops-guardrails.mjs');
const CONFIG = join(import.meta.dirname, '../../examples/demo-org/guardrails.config.yaml');
const dir = mkdtempSync(join(tmpdir(), 'guardrails-processes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly events: Envelope[];
  readonly stderr: string;
}

function start(state: string, now: string): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(
    process.execPath,
    [BIN, 'run', '--config', CONFIG, '--state', state, '--now', now, '--only', 'tags,costs', '--json'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<Finished>((resolve) => {
    child.on('close', (code, signal) => {
      // A killed process may have written half a line last: only whole lines count as delivered.
      const lines = stdout.split('\n').slice(0, -1).filter(Boolean);
      resolve({ code, signal, events: lines.map((l) => envelopeSchema.parse(JSON.parse(l))), stderr });
    });
  });
  return { child, done };
}

describe('runs in separate processes on one state file', () => {
  it('lets one of two simultaneous runs go on; the other exits 4 having printed nothing', async () => {
    const state = join(dir, 'pair.json');
    const [a, b] = [start(state, '2026-11-20T12:00:00Z'), start(state, '2026-11-20T12:00:00Z')];
    const results = await Promise.all([a.done, b.done]);

    const codes = results.map((r) => r.code).sort();
    expect(codes[0]).toBe(0);
    for (const result of results.filter((r) => r.code === 4)) {
      expect(result.events).toEqual([]);
      expect(result.stderr).toMatch(/locked by run .* \(pid \d+/);
    }
    // Overlapping or one after the other, the events never contradict and the state holds them all.
    const all = results.flatMap((r) => r.events);
    expect(idsWithTwoBodies(all)).toEqual([]);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { checks: Record<string, { outbox?: unknown }> };
    expect(Object.values(saved.checks).map((c) => c.outbox)).toEqual([undefined, undefined]);
  });

  it('after kill -9 mid-delivery, the next run re-sends what was staged with the same ids and bodies', async () => {
    const state = join(dir, 'killed.json');
    const victim = start(state, '2026-11-20T12:00:00Z');
    victim.child.stdout?.once('data', () => victim.child.kill('SIGKILL'));
    const killed = await victim.done;
    expect(killed.signal).toBe('SIGKILL');

    const rerun = await start(state, '2026-11-20T13:00:00Z').done;
    expect(rerun.code).toBe(0);

    const clean = await start(join(dir, 'clean.json'), '2026-11-20T12:00:00Z').done;
    const delivered = [...killed.events, ...rerun.events];
    expect(idsWithTwoBodies(delivered)).toEqual([]);
    // Nothing the killed run printed is lost, and consumers end where a clean run ends.
    expect(consumerView(delivered)).toEqual(consumerView(clean.events));
  });
});
