import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../../shared/adapters/memory/memory-state.js';
import { parseConfig } from '../../../shared/config/loader.js';
import type { Envelope } from '../../../shared/core/envelope.js';
import { DeliveryError } from '../../../shared/core/errors.js';
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

  it('does not commit state when a sink fails, and resends the same ids', async () => {
    const { sink, state, run } = setup({ findings: [violation(A)], scope: both });
    sink.failNext = true;
    await expect(run()).rejects.toBeInstanceOf(DeliveryError);
    expect((await state.load('tag-coverage')).incidents).toEqual([]);
    const retry = await run();
    const lost = sink.batches.length;
    expect(lost).toBe(1);
    const replay = setup({ findings: [violation(A)], scope: both });
    const expected = await replay.run();
    expect(retry.events.map((e) => e.id)).toEqual(expected.events.map((e) => e.id));
    expect((await state.load('tag-coverage')).incidents).toHaveLength(1);
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
});
