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
    expect(lines).toHaveLength(1 + 40);
    const flagged = lines.filter((l) => l.endsWith(',true'));
    expect(flagged).toHaveLength(1);
    expect(flagged[0]).toMatch(/^2025-02-05T00:00:00\.000Z,100,/);
  });

  it('reports a bad line on stderr as file:line, prints a row for it as a gap, and exits 2 (a bad file is never a success)', async () => {
    const { code, err, out } = await detect('--input', daily);
    expect(code).toBe(2);
    // A 40-day file is mostly warm-up (27 points, the bad line being a gap), and stderr says so.
    expect(err).toBe(
      `${daily}:3: value: not a number: "oops"\nwarning: ${daily}: 27 point(s), up to 2025-01-28T00:00:00.000Z, are in the warm-up (the first 28 slots, 28 d): scored, never flagged\n`,
    );
    expect(out.split('\n')[2]).toMatch(/^2025-01-02T00:00:00\.000Z,,[\d.]+,[\d.]+,[\d.]+,0,false$/);
  });

  it('reports the first 20 bad lines of a file bad throughout, then counts the rest, and still prints every row', async () => {
    // Prepare: 30 rows with thousands separators, 5 with credits (negative).
    const lines = ['timestamp,value'];
    for (let i = 0; i < 35; i++) {
      const day = new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10);
      lines.push(i < 30 ? `${day},"1,2${String(i).padStart(2, '0')}.00"` : `${day},-5`);
    }
    const file = join(dir, 'formatted.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    // Act
    const { code, err, out } = await detect('--input', file);
    // Assess
    const reported = err.split('\n').filter((l) => l.startsWith(`${file}:`));
    expect(code).toBe(2);
    expect(reported).toHaveLength(21);
    expect(reported[0]).toBe(`${file}:2: value: not a number: "1,200.00" (no thousands separators: 1200.00)`);
    expect(reported[20]).toBe(`${file}: 15 more line(s) with a problem, not shown`);
    expect(out.trimEnd().split('\n')).toHaveLength(1 + 35);
  });

  it('prints JSON lines with --json', async () => {
    const { out } = await detect('--input', daily, '--json');
    const rows = out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(40);
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

/** Writes `name` in the test directory and returns its path. */
function fixture(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const jsonRows = (out: string) =>
  out
    .trimEnd()
    .split('\n')
    .map(
      (l) => JSON.parse(l) as { timestamp: string; value: number | null; anomaly: boolean; score: number },
    );

/** 70 days from Monday 2025-01-06: weekdays ~100, weekends ~40, a little deterministic noise. */
function weeklyDays(days = 70): Array<[string, number]> {
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(Date.UTC(2025, 0, 6 + i)).toISOString().slice(0, 10);
    return [day, (i % 7 >= 5 ? 40 : 100) * (1 + 0.02 * Math.sin(i * 2.3))];
  });
}

describe('finops-guardrails detect on time, not rows', () => {
  it('prints one row per input row, in input order, even for a shuffled file with duplicates', async () => {
    // Prepare: every row twice (an export that overlapped itself), newest first.
    const rows = weeklyDays().flatMap(([day, v]) => [`${day},${v}`, `${day},${v}`]);
    const path = fixture('shuffled.csv', ['timestamp,value', ...rows.reverse()]);

    // Act
    const { code, out, err } = await detect('--input', path, '--json');

    // Assess
    expect(code).toBe(0);
    const printed = jsonRows(out);
    expect(printed).toHaveLength(rows.length);
    expect(printed.map((r) => r.timestamp.slice(0, 10))).toEqual(rows.map((r) => r.slice(0, 10)));
    expect(printed.filter((r) => r.anomaly)).toEqual([]);
    expect(err).toBe(
      `warning: ${path}: 70 point(s) shared a timestamp (or a 1 d slot) with another point, on 70 timestamp(s): combined by keeping one of each identical repeat\n`,
    );
  });

  it('sums, averages or keeps the last of duplicate rows as --duplicates says', async () => {
    // Prepare: the last day is split over two rows of 60 and 40.
    const days = weeklyDays(35);
    const last = days.pop() as [string, number];
    const path = fixture('split.csv', [
      ...days.map(([d, v]) => `${d},${v}`),
      `${last[0]},60`,
      `${last[0]},40`,
    ]);

    // Act
    const lastValue = async (...flags: string[]) =>
      jsonRows((await detect('--input', path, '--json', ...flags)).out).at(-1)?.value;

    // Assess
    expect(await lastValue('--duplicates', 'sum')).toBe(100);
    expect(await lastValue('--duplicates', 'mean')).toBe(50);
    expect(await lastValue('--duplicates', 'last')).toBe(40);
    // auto: the weekday neighbours are ~100, so the parts are summed.
    expect(await lastValue()).toBe(100);
    expect((await detect('--input', path, '--duplicates', 'max')).code).toBe(2);
  });

  it('treats missing days as gaps, so the weekly profile does not slip after them', async () => {
    // Prepare: drop 3 days of rows in the middle; a slip would put weekday values on weekend slots.
    const days = weeklyDays(70).filter((_, i) => i < 30 || i > 32);
    const path = fixture(
      'gappy.csv',
      days.map(([d, v]) => `${d},${v}`),
    );

    // Act
    const { out } = await detect('--input', path, '--json');

    // Assess
    const printed = jsonRows(out);
    expect(printed).toHaveLength(67);
    expect(printed.filter((r) => r.anomaly)).toEqual([]);
  });

  it('flags an outage on a 5-minute series with a daily profile, the period inferred from the interval', async () => {
    // Prepare: 4 days of 5-minute requests, a daytime bump, and a 30-minute outage on day 4 at noon.
    const start = Date.UTC(2025, 2, 3);
    const lines = Array.from({ length: 4 * 288 }, (_, i) => {
      const t = new Date(start + i * 300_000).toISOString();
      const hour = (i % 288) / 12;
      const level = 200 + 150 * Math.exp(-((hour - 13) ** 2) / 8);
      const outage = i >= 3 * 288 + 144 && i < 3 * 288 + 150;
      return `${t},${outage ? 2 : Math.round(level * (1 + 0.03 * Math.sin(i * 1.7)))}`;
    });
    const path = fixture('five-minutes.csv', lines);

    // Act
    const { out } = await detect('--input', path, '--json');

    // Assess
    const flagged = jsonRows(out)
      .map((r, i) => (r.anomaly ? i : -1))
      .filter((i) => i >= 0);
    expect(flagged.length).toBeGreaterThan(0);
    expect(flagged.every((i) => i >= 3 * 288 + 144 && i < 3 * 288 + 150)).toBe(true);
  });

  it('prints a row with the timestamp as written for a line whose timestamp cannot be read', async () => {
    const path = fixture('bad-time.csv', [...weeklyDays(30).map(([d, v]) => `${d},${v}`), 'yesterday,5']);
    const { out, err } = await detect('--input', path);
    expect(out.trimEnd().split('\n').at(-1)).toBe('yesterday,,,,,0,false');
    expect(err).toContain(':31: timestamp: not a timestamp: "yesterday"');
  });

  it('scores a negative value as a gap and says so', async () => {
    const path = fixture('refund.csv', [...weeklyDays(30).map(([d, v]) => `${d},${v}`), '2025-02-05,-12']);
    const { code, out, err } = await detect('--input', path, '--json');
    expect(code).toBe(0);
    expect(jsonRows(out).at(-1)).toMatchObject({ value: null, anomaly: false });
    expect(err).toContain(':31: value: negative (-12): scored as a gap');
  });

  it('reads an export with more columns once told which holds the value, and names the columns when not told', async () => {
    // A CloudWatch export as a new user has it: a time, the statistic and its unit.
    const days = weeklyDays(40);
    days[35] = [days[35]?.[0] ?? '', 500];
    const path = fixture('export.csv', [
      'Unit,Timestamp,Average',
      ...days.map(([d, v]) => `Percent,${d},${v}`),
    ]);

    const untold = await detect('--input', path);
    expect(untold.code).toBe(2);
    expect(untold.err).toBe(
      `${path}:1: 3 columns (Unit, Timestamp, Average): say which holds the value with --value-column NAME\n`,
    );
    expect(untold.out).toBe('');

    for (const value of ['average', '3']) {
      const told = await detect('--input', path, '--value-column', value, '--json');
      expect(told.code).toBe(0);
      const rows = jsonRows(told.out);
      expect(rows).toHaveLength(40);
      expect(rows.filter((r) => r.anomaly).map((r) => r.timestamp)).toEqual([
        `${days[35]?.[0]}T00:00:00.000Z`,
      ]);
    }
    const unknown = await detect('--input', path, '--value-column', 'Maximum');
    expect(unknown.err).toContain(
      ':1: --value-column Maximum: no such column; the header has Unit, Timestamp, Average',
    );
    expect(unknown.code).toBe(2);
  });

  it('picks columns by number in a file without a header, and says how when a row has more fields', async () => {
    const days = weeklyDays(30);
    const path = fixture(
      'bare.csv',
      days.map(([d, v]) => `${d},eu-west-1,${v}`),
    );

    const untold = await detect('--input', path);
    expect(untold.err).toContain(
      ':1: expected 2 fields (timestamp,value), found 3; say which column holds the value with --value-column N',
    );

    const told = await detect('--input', path, '--value-column', '3', '--json');
    expect(told.code).toBe(0);
    expect(jsonRows(told.out).map((r) => r.value)).toEqual(days.map(([, v]) => v));

    const byName = await detect('--input', path, '--value-column', 'cost');
    expect(byName.err).toContain(
      ':1: --value-column cost: the file has no header line to find that name in; give a column number',
    );
  });

  it('says a drop on the latest day of a daily export may be a day still filling in', async () => {
    const days = weeklyDays(40);
    const last = days.length - 1;
    const partial = fixture(
      'partial.csv',
      days.map(([d, v], i) => `${d},${i === last ? v * 0.3 : v}`),
    );
    const dropEarlier = fixture(
      'drop-earlier.csv',
      days.map(([d, v], i) => `${d},${i === last - 3 ? v * 0.3 : v}`),
    );

    const flagged = await detect('--input', partial);
    expect(flagged.err).toContain(
      `warning: ${partial}: the latest day, ${days[last]?.[0]}, is flagged as a drop; billing exports fill in their latest day or two`,
    );
    expect((await detect('--input', dropEarlier)).err).not.toContain('the latest day');
    // A monthly series' last month is no day still filling in.
    const months = Array.from({ length: 30 }, (_, i) =>
      new Date(Date.UTC(2023, i, 1)).toISOString().slice(0, 7),
    );
    const monthly = fixture('monthly.csv', [
      'month,cost',
      ...months.map((m, i) => `${m},${i === 29 ? 100 : 1000 + (i % 3) * 10}`),
    ]);
    const monthlyRun = await detect('--input', monthly, '--json');
    expect(jsonRows(monthlyRun.out).at(-1)).toMatchObject({ anomaly: true });
    expect(monthlyRun.err).not.toContain('the latest day');
  });

  it('judges a 5-minute metric with a 5% relative floor, not the 20% meant for costs, unless one is given', async () => {
    // A quiet metric (±1%) that drops 15% for an hour on its fourth day: far beyond its noise,
    // under the 20% floor meant for costs.
    const t0 = Date.parse('2025-03-03T00:00:00Z');
    const lines = Array.from({ length: 288 * 4 }, (_, i) => {
      const value =
        100 * (1 + 0.01 * Math.sin(i * 2.3)) * (i >= 288 * 3 + 120 && i < 288 * 3 + 132 ? 0.85 : 1);
      return `${new Date(t0 + i * 300_000).toISOString()},${value.toFixed(3)}`;
    });
    const path = fixture('metric.csv', lines);

    const byScore = jsonRows((await detect('--input', path, '--json')).out);
    expect(byScore.filter((r) => r.anomaly).length).toBeGreaterThan(6);
    const withFloor = jsonRows((await detect('--input', path, '--json', '--relative-threshold', '0.2')).out);
    expect(withFloor.filter((r) => r.anomaly)).toEqual([]);
  });
});
