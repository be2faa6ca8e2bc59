import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../shared/adapters/memory/memory-state.js';
import { parseConfig } from '../../../shared/config/loader.js';
import type { Envelope } from '../../../shared/core/envelope.js';
import { DeliveryError, LeaseHeldError } from '../../../shared/core/errors.js';
import { EVENT_MAX_BYTES, envelopeBytes } from '../../../shared/core/event-budget.js';
import { runCheck } from '../../../shared/core/pipeline.js';
import type { Sink } from '../../../shared/core/ports.js';
import { envelopeValidator } from '../../support/envelope-validator.js';
import { type FakeWorld, fakeCheck, silentLog, violation } from '../../support/fake-check.js';

const config = parseConfig('version: 1\n');
const A = '111111111111';
const B = '222222222222';
const both = { completed: [`${A}/us-east-1`, `${B}/us-east-1`], failed: [] };

class RecordingSink implements Sink {
  readonly name = 'recording';
  readonly batches: Envelope[][] = [];
  failNext = false;
  async deliver(events: readonly Envelope[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new DeliveryError(
        'queue unavailable',
        events.map((e) => e.id),
      );
    }
    this.batches.push([...events]);
  }
  get all(): Envelope[] {
    return this.batches.flat();
  }
}

function setup(world: FakeWorld) {
  const state = new MemoryStateStore();
  const sink = new RecordingSink();
  const check = fakeCheck(world);
  let hour = 0;
  const run = () => {
    hour += 1;
    const now = new Date(Date.UTC(2026, 10, 1, hour));
    return runCheck(check, { config, state, sinks: [sink], now, log: silentLog });
  };
  return { state, sink, run };
}

describe('runCheck', () => {
  it('sends no new trigger when run twice on the same inputs', async () => {
    const { sink, run } = setup({ findings: [violation(A), violation(B)], scope: both });
    const first = await run();
    const second = await run();
    expect(first.events.map((e) => e.action)).toEqual(['trigger', 'trigger']);
    expect(second.events).toEqual([]);
    expect(sink.all).toHaveLength(2);
  });

  it('sends exactly one resolve when a finding is fixed', async () => {
    const world: FakeWorld = { findings: [violation(A), violation(B)], scope: both };
    const { sink, run } = setup(world);
    await run();
    world.findings = [violation(B)];
    const fixed = await run();
    await run();
    expect(fixed.events.map((e) => [e.action, e.subject])).toEqual([['resolve', `account ${A}`]]);
    expect(sink.all.filter((e) => e.action === 'resolve')).toHaveLength(1);
  });

  it('keeps findings of a failed scope open and raises one scan gap for it', async () => {
    const world: FakeWorld = { findings: [violation(A), violation(B)], scope: both };
    const { run } = setup(world);
    await run();
    world.findings = [violation(B)];
    world.scope = {
      completed: [`${B}/us-east-1`],
      failed: [
        { scope: `${A}/us-east-1`, reason: 'AccessDenied on sts:AssumeRole', errorName: 'AccessDenied' },
      ],
    };
    const gap = await run();
    expect(gap.events.filter((e) => e.action === 'resolve')).toEqual([]);
    expect(gap.events.map((e) => [e.type, e.subject])).toEqual([
      ['finops-guardrails.guardrail.scan-gap', `${A}/us-east-1`],
    ]);
    expect(gap.events[0]?.data.evidence).toMatchObject({ openFindingsKept: 1, errorName: 'AccessDenied' });
    expect(gap.heldOpen).toBe(1);
    const again = await run();
    expect(again.events).toEqual([]);
  });

  it('resolves the scan gap and the fixed finding once the scope completes again', async () => {
    const world: FakeWorld = { findings: [violation(A)], scope: both };
    const { run } = setup(world);
    await run();
    world.findings = [];
    world.scope = { completed: [], failed: [{ scope: `${A}/us-east-1`, reason: 'throttled' }] };
    await run();
    world.scope = both;
    const healed = await run();
    expect(healed.events.map((e) => [e.action, e.type]).sort()).toEqual([
      ['resolve', 'finops-guardrails.guardrail.scan-gap'],
      ['resolve', 'finops-guardrails.tag.violation'],
    ]);
  });

  it('applies no state when a sink fails, and the next run re-sends the identical events first', async () => {
    const world: FakeWorld = { findings: [violation(A)], scope: both };
    const { sink, state, run } = setup(world);
    sink.failNext = true;
    await expect(run()).rejects.toBeInstanceOf(DeliveryError);
    const staged = await state.load('tag-coverage');
    expect(staged.incidents).toEqual([]);
    expect(staged.outbox?.events).toHaveLength(1);

    world.findings = [violation(A, 'error')]; // the world changed before the rerun
    const retry = await run();

    expect(retry.replayed).toEqual(staged.outbox?.events);
    expect(sink.batches[0]).toEqual(staged.outbox?.events);
    // The escalation is a new event with the next sequence, never a new body under the staged id.
    expect(retry.events.map((e) => [e.sequence, e.severity])).toEqual([[2, 'error']]);
    expect(retry.events[0]?.id).not.toBe(staged.outbox?.events[0]?.id);
    const after = await state.load('tag-coverage');
    expect(after.outbox).toBeUndefined();
    expect(after.incidents.map((r) => r.sequence)).toEqual([2]);
  });

  it('stops a second runner before it reads or delivers anything while the first holds the lease', async () => {
    const { state, sink, run } = setup({ findings: [violation(A)], scope: both });
    const lease = await state.acquire('tag-coverage', { holder: 'first', ttlMs: 60_000 });
    await expect(run()).rejects.toBeInstanceOf(LeaseHeldError);
    expect(sink.all).toEqual([]);
    await state.release(lease);
    expect((await run()).events).toHaveLength(1);
  });

  it('emits only events that validate against the generated JSON Schema', async () => {
    const validate = envelopeValidator();
    const world: FakeWorld = { findings: [violation(A, 'error'), violation(B)], scope: both };
    const { sink, run } = setup(world);
    await run();
    world.findings = [violation(B, 'critical')];
    world.scope = { completed: [`${A}/us-east-1`], failed: [{ scope: `${B}/us-east-1`, reason: 'timeout' }] };
    await run();
    expect(sink.all.length).toBeGreaterThanOrEqual(4);
    for (const event of sink.all) expect(validate(event)).toEqual([]);
  });

  it('names the check and the field when a check produces an invalid finding', async () => {
    const bad = { ...violation(A), summary: '' };
    const { run } = setup({ findings: [bad], scope: both });
    await expect(run()).rejects.toThrow(/tag-coverage produced an invalid finding #0: summary/);
  });

  it('bounds every event to the sinks’ byte budget before staging it, so a retry sends the same bounded body', async () => {
    const huge = {
      ...violation(A),
      evidence: {
        resources: Array.from(
          { length: 5_000 },
          (_, i) => `arn:aws:ec2:us-east-1:${A}:instance/i-${String(i).padStart(17, '0')}`,
        ),
      },
    };
    const { sink, state, run } = setup({ findings: [huge], scope: both });
    sink.failNext = true;
    await expect(run()).rejects.toBeInstanceOf(DeliveryError);
    const staged = (await state.load('tag-coverage')).outbox?.events[0];
    expect(staged && envelopeBytes(staged)).toBeLessThanOrEqual(EVENT_MAX_BYTES);

    await run();

    expect(sink.all[0]).toEqual(staged);
    expect(sink.all[0]?.data.evidence.trimmed).toBeDefined();
  });
});
