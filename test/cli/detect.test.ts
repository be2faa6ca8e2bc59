import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDetect } from '../../cli/commands/detect.js';
import { memoryIo } from '../support/memory-io.js';

let dir: string;
let daily: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'detect-cli-'));
  // 40 days with a weekly pattern and one spike on day 35; line 3 is bad.
  const lines = ['timestamp,value', '2025-01-01,10', '2025-01-02,oops'];
  for (let i = 2; i < 40; i++) {
    const day = new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10);
    lines.push(`${day},${i === 35 ? 100 : 10 + (i % 7)}`);
  }
  daily = join(dir, 'daily.csv');
  writeFileSync(daily, `${lines.join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `finops-guardrails detect …` on a program of our own, as cli/main.ts will. */
async function detect(...args: string[]) {
  const io = memoryIo();
  let code = 0;
  const program = new Command('finops-guardrails')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerDetect(program, io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(['node', 'finops-guardrails', 'detect', ...args]);
  } catch {
    code = 2;
  }
  return { code, out: io.out(), err: io.err() };
}

describe('finops-guardrails detect', () => {
  it('prints a CSV header and one line per point, flagging the spike', async () => {
    const { code, out } = await detect('--input', daily);
    // The fixture holds one bad line (next test): the points are still scored, and the exit says the file was bad.
    expect(code).toBe(2);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('timestamp,value,expected,lower,upper,score,anomaly');
    expect(lines).toHaveLength(1 + 39);
    const flagged = lines.filter((l) => l.endsWith(',true'));
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatch(/^2025-02-05T00:00:00\.000Z,100,/);
  });

  it('reports a bad line on stderr as file:line, still scores the rest, and exits 2 (a bad file is never a success)', async () => {
    const { code, err, out } = await detect('--input', daily);
    expect(code).toBe(2);
    expect(err).toBe(`${daily}:3: value: not a number: "oops"\n`);
    expect(out).toContain('2025-01-03T00:00:00.000Z,');
  });

  it('prints JSON lines with --json', async () => {
    const { out } = await detect('--input', daily, '--json');
    const rows = out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(39);
    expect(Object.keys(rows[0])).toEqual([
      'timestamp',
      'value',
      'expected',
      'lower',
      'upper',
      'score',
      'anomaly',
    ]);
    expect(rows.filter((r) => r.anomaly)).toHaveLength(1);
  });

  it('takes the thresholds from the options', async () => {
    const { out } = await detect('--input', daily, '--min-impact', '1000', '--json');
    expect(
      out
        .trimEnd()
        .split('\n')
        .filter((l) => JSON.parse(l).anomaly),
    ).toHaveLength(0);
  });

  it('scores an hourly series with the period given or inferred', async () => {
    const hourly = join(dir, 'hourly.csv');
    const lines = Array.from({ length: 24 * 5 }, (_, h) => {
      const t = new Date(Date.UTC(2025, 0, 1, h)).toISOString();
      return `${t},${h === 24 * 4 + 3 ? 500 : 50 + (h % 24)}`;
    });
    writeFileSync(hourly, `${lines.join('\n')}\n`);
    for (const extra of [[], ['--period', '24']]) {
      const { code, out } = await detect('--input', hourly, '--json', ...extra);
      expect(code).toBe(0);
      const flagged = out
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((r) => r.anomaly);
      expect(flagged.map((r) => r.timestamp)).toEqual(['2025-01-05T03:00:00.000Z']);
    }
  });

  it('exits 2 on an unreadable file or one without any point', async () => {
    const missing = await detect('--input', join(dir, 'nope.csv'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.csv/);
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, 'timestamp,value\n');
    expect((await detect('--input', empty)).code).toBe(2);
  });

  it('exits 2 on an option that is not a number', async () => {
    const { code, err } = await detect('--input', daily, '--z-threshold', 'high');
    expect(code).toBe(2);
    expect(err).toMatch(/not a number: high/);
  });
});
