import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { envelopeValidator } from '../support/envelope-validator.js';
import { memoryIo } from '../support/memory-io.js';

const DEMO = ['--config', 'examples/demo-org/guardrails.config.yaml', '--now', '2026-11-20T06:00:00Z'];
const BASELINE = ['--baseline', 'examples/demo-org/baseline-state.json'];
const run = async (...args: string[]) => {
  const io = memoryIo();
  const code = await main(['node', 'finops-guardrails', 'run', ...args], io);
  return { code, out: io.out(), err: io.err() };
};

describe('finops-guardrails run', () => {
  it('prints only valid envelopes, one per line, with --json', async () => {
    const { code, out } = await run(...DEMO, ...BASELINE, '--only', 'tags', '--json');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    const validate = envelopeValidator();
    for (const line of lines) expect(validate(JSON.parse(line))).toEqual([]);
  });

  it('prints a table and a summary by default', async () => {
    const { out } = await run(...DEMO, ...BASELINE, '--only', 'tags');
    expect(out).toMatch(/^ACTION\s+SEVERITY\s+TYPE\s+OWNER\s+SUMMARY/);
    expect(out).toMatch(/tag-coverage: \d+ findings/);
  });

  it('exits 1 when a finding reaches --fail-on, 0 when none does', async () => {
    expect((await run(...DEMO, ...BASELINE, '--only', 'tags', '--fail-on', 'error')).code).toBe(1);
    expect((await run(...DEMO, ...BASELINE, '--only', 'tags', '--fail-on', 'critical')).code).toBe(0);
  });

  it('sends nothing new on a second run with the same state file, and appends events to --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-run-'));
    const state = join(dir, 'state.json');
    const outFile = join(dir, 'events.jsonl');
    const first = await run(...DEMO, '--only', 'tags', '--state', state, '--out', outFile);
    const second = await run(...DEMO, '--only', 'tags', '--state', state, '--out', outFile);
    expect(first.out).toMatch(/TRIGGER/);
    expect(second.out).toMatch(/^No new events/);
    const written = readFileSync(outFile, 'utf8').trimEnd().split('\n');
    expect(written.length).toBe(first.out.split('\n').filter((l) => l.startsWith('TRIGGER')).length);
  });

  it('exits 2 on an unknown check or conflicting state options', async () => {
    expect((await run(...DEMO, '--only', 'tagz')).err).toMatch(/--only: unknown check "tagz"/);
    expect((await run(...DEMO, '--only', 'tagz')).code).toBe(2);
    expect((await run(...DEMO, '--state', 'a.json', ...BASELINE)).code).toBe(2);
  });

  it('exits 2 with one line naming the file when --state or --baseline is not a state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-run-'));
    const broken = join(dir, 'state.json');
    writeFileSync(broken, '{"format": "finops-guardrails/state@1", "checks": {');
    const truncated = await run(...DEMO, '--only', 'tags', '--state', broken);
    const baseline = await run(...DEMO, '--only', 'tags', '--baseline', broken);

    for (const result of [truncated, baseline]) {
      expect(result.code).toBe(2);
      expect(result.err.trimEnd().split('\n')).toEqual([
        expect.stringMatching(/state\.json: state file is not valid JSON/),
      ]);
      expect(result.out).toBe('');
    }
  });

  it('on --dry-run prints the events but writes neither the state file nor --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-run-'));
    const state = join(dir, 'state.json');
    const outFile = join(dir, 'events.jsonl');
    await run(...DEMO, '--only', 'tags', '--state', state);
    const before = readFileSync(state, 'utf8');

    const dry = await run(
      ...DEMO,
      '--only',
      'tags',
      '--state',
      state,
      '--out',
      outFile,
      '--dry-run',
      '--now',
      '2026-12-31T06:00:00Z',
    );

    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/TRIGGER/); // a month later, violations escalate
    expect(readFileSync(state, 'utf8')).toBe(before);
    expect(existsSync(outFile)).toBe(false);
  });
});
