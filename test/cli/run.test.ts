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

  it('prints a table 100 columns wide, a summary per check and one closing line by default', async () => {
    const { out } = await run(...DEMO, ...BASELINE, '--only', 'tags');
    expect(out).toMatch(/^SEVERITY\s+TYPE\s+ACCOUNT\s+OWNER\s+\$\/MONTH\s+SUMMARY\n/);
    expect(out).toMatch(/\nerror\s+tag\.violation\s+567890123456\s+finops\s+\$1,706\s+finops: 22 resources/);
    expect(out).toMatch(/\ntag-coverage: 8 findings \(2 error, 4 warning, 2 info\)/);
    expect(out).toContain('coverage 89.4% of resources and 96.5% of spend (objective 95%)');
    expect(out).not.toMatch(/CoverageByCount|0\.8936/);
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(out.trimEnd().split('\n').at(-1)).toBe(
      '1 check run: 8 events sent; 8 findings open, 8 new; 0 scan gaps.',
    );
  });

  it('lays the table out in the terminal width', async () => {
    const io = { ...memoryIo(), columns: 160 };
    await main(['node', 'finops-guardrails', 'run', ...DEMO, ...BASELINE, '--only', 'tags'], io);
    const lines = io.out().split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeGreaterThan(100);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(160);
  });

  it('exits 1 when a finding reaches --fail-on and names those findings, 0 when none does', async () => {
    const failed = await run(...DEMO, ...BASELINE, '--only', 'tags', '--fail-on', 'error');
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(
      /^--fail-on error: 2 findings are error or worse:\n {2}error {2}tag\.violation {2}567890123456 {2}\$1,706\/month {2}finops: 22 resources/m,
    );
    expect(failed.err.match(/^ {2}error/gm)).toHaveLength(2);
    const passed = await run(...DEMO, ...BASELINE, '--only', 'tags', '--fail-on', 'critical');
    expect(passed.code).toBe(0);
    expect(passed.err).not.toContain('--fail-on');
  });

  it('sends nothing new on a second run with the same state file, and appends events to --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-run-'));
    const state = join(dir, 'state.json');
    const outFile = join(dir, 'events.jsonl');
    const first = await run(...DEMO, '--only', 'tags', '--state', state, '--out', outFile);
    const second = await run(...DEMO, '--only', 'tags', '--state', state, '--out', outFile);
    expect(first.out).toMatch(/8 events sent; 8 findings open, 8 new/);
    expect(second.out).toMatch(/^No new events\./);
    expect(second.out).toMatch(/0 events sent; 8 findings open, 0 new; 0 scan gaps\.\n$/);
    const written = readFileSync(outFile, 'utf8').trimEnd().split('\n');
    expect(written.length).toBe(8);
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
    expect(dry.out).toMatch(/\(escalated\) /); // a month later, violations escalate
    expect(dry.out).toMatch(/^1 check run: \d+ events printed, none delivered \(dry run\);/m);
    expect(dry.out).not.toMatch(/events sent/);
    expect(readFileSync(state, 'utf8')).toBe(before);
    expect(existsSync(outFile)).toBe(false);
  });

  it('points to --config, init and demo when the config file is missing', async () => {
    const { code, err } = await run('--config', 'no-such-dir/guardrails.config.yaml');
    expect(code).toBe(2);
    expect(err).toBe(
      'no-such-dir/guardrails.config.yaml: file not found. Point to yours with --config FILE, write a commented starter with `finops-guardrails init`, or try the example organization with `finops-guardrails demo`.\n',
    );
  });

  it('says when the local data ends before the time judged, and which --now would match it', async () => {
    const stale = await run(
      '--config',
      'examples/demo-org/guardrails.config.yaml',
      '--only',
      'costs',
      '--now',
      '2026-12-03T10:00:00Z',
    );
    expect(stale.err).toContain(
      "note: the local cost data ends on 2026-11-19, 14 days before the time judged (2026-12-03T10:00:00.000Z): the days after it read as missing data. To judge as of the data's end, add --now 2026-11-20T06:00:00Z",
    );
  });
});
