import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIR, DEMO_NOW } from '../../cli/commands/demo.js';
import { main } from '../../cli/main.js';
import type { ReportData } from '../../shared/report/report-data.js';
import { memoryIo } from '../support/memory-io.js';

const dir = mkdtempSync(join(tmpdir(), 'report-cli-'));
const state = join(dir, 'state.json');
const events = join(dir, 'events.jsonl');

async function cli(...args: string[]) {
  const io = memoryIo();
  const code = await main(['node', 'finops-guardrails', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  // The example organization's tags and costs, judged from its baseline (60 days of coverage history).
  copyFileSync(join(DEMO_DIR, 'baseline-state.json'), state);
  const run = await cli(
    'run',
    '--config',
    join(DEMO_DIR, 'guardrails.config.yaml'),
    '--only',
    'tags,costs',
    '--state',
    state,
    '--out',
    events,
    '--now',
    DEMO_NOW,
    '--json',
  );
  expect(run.code).toBe(0);
});

describe('finops-guardrails report --state', () => {
  it('lists the open findings worst first, with owner, account, $/month, first seen, deadline and age', async () => {
    const { code, out } = await cli(
      'report',
      '--state',
      state,
      '--format',
      'json',
      '--now',
      '2026-11-25T06:00:00Z',
    );
    expect(code).toBe(0);
    const data = JSON.parse(out) as ReportData;
    expect(data.findings.length).toBeGreaterThan(5);
    expect(data.findings[0]?.severity).toBe('error');
    const sandbox = data.findings.find((f) => f.type === 'tag.violation' && f.account === '567890123456');
    expect(sandbox).toMatchObject({ owner: 'finops', ageDays: 5 });
    expect(sandbox?.deadline).toMatch(/^2026-/);
    expect(sandbox?.usdPerMonth).toBeGreaterThan(0);
  });

  it('has the coverage scorecard per account, owner and key with 61 days of history, and the anomalies with their bands', async () => {
    const data = JSON.parse((await cli('report', '--state', state, '--format', 'json')).out) as ReportData;
    const sandbox = data.coverage?.accounts[0];
    expect(sandbox).toMatchObject({ name: 'sandbox-legacy', byCount: 0.3125 });
    expect(data.coverage?.owners.map((o) => o.team)).toContain('ml-research');
    expect(data.coverage?.org?.byKey.map((k) => k.key)).toEqual(['owner', 'environment', 'cost-center']);
    expect(data.coverage?.history.org).toHaveLength(61);
    const classes = data.costs.flatMap((c) => (c.anomaly ? [`${c.subject}:${c.anomaly.class}`] : []));
    expect(classes).toEqual(
      expect.arrayContaining(['nightly-etl:waste', 'checkout:demand-growth', 'search-api:unsafe-saving']),
    );
    expect(data.costs.find((c) => c.subject === 'checkout')?.days).toHaveLength(90);
  });

  it('prints a table that fits the width, cutting summaries at a word', async () => {
    const io = memoryIo();
    const code = await main(['node', 'finops-guardrails', 'report', '--state', state], {
      ...io,
      stdout: Object.assign(io.stdout, { columns: 120 }),
    });
    expect(code).toBe(0);
    const lines = io.out().split('\n');
    expect(lines[0]).toMatch(/^finops-guardrails report as of/);
    expect(lines.some((l) => l.startsWith('SEVERITY'))).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(120);
    const findingRows = lines.filter((l) => /^(error|warning|info|critical)\s/.test(l));
    expect(findingRows.length).toBeGreaterThan(5);
    // Ids and dates are whole; the summary is cut between words, never inside a number.
    expect(findingRows.join('\n')).toMatch(/567890123456 +\$1,706 +2026-11-20 +2026-10-13 past/);
    for (const row of findingRows) expect(row).toMatch(/(\D…|[^…])$/);
    expect(io.out()).toContain('Tag coverage per account (objective 95.0%)');
  });

  it('writes Markdown and a spreadsheet-safe CSV of any one table', async () => {
    const md = await cli('report', '--state', state, '--format', 'markdown');
    expect(md.out).toMatch(/^# finops-guardrails report/);
    expect(md.out).toContain('| Severity | Type | Owner |');
    const csv = await cli('report', '--state', state, '--format', 'csv', '--table', 'coverage');
    const [header, org] = csv.out.split('\r\n');
    expect(header).toBe('Account,Account id,Owner,Resources,By count,By spend,Untagged $/30d,Meets');
    expect(org).toMatch(/^organization,,,282,0\.89\d*,0\.96\d*,2506\.\d+,false$/);
  });

  it('writes the HTML report to --out and says where, changing nothing in the state', async () => {
    const before = readFileSync(state, 'utf8');
    const out = join(dir, 'nested', 'report.html');
    const { code, err } = await cli('report', '--state', state, '--format', 'html', '--out', out);
    expect(code).toBe(0);
    expect(err).toContain(`report written to ${out}`);
    expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>/);
    expect(readFileSync(state, 'utf8')).toBe(before);
  });
});

describe('finops-guardrails report --events', () => {
  it('rebuilds the open findings from the lifecycle, the latest sequence of each dedupkey deciding', async () => {
    const lines = readFileSync(events, 'utf8').trimEnd().split('\n');
    const first = JSON.parse(lines[0] as string) as {
      dedupkey: string;
      sequence: number;
      action: string;
      id: string;
    };
    // The first finding is resolved later; a stale re-delivery of an older event changes nothing.
    const resolved = { ...first, action: 'resolve', sequence: first.sequence + 1, id: `${first.id}-r` };
    const withResolve = join(dir, 'with-resolve.jsonl');
    writeFileSync(withResolve, `${lines.join('\n')}\n${JSON.stringify(resolved)}\n${lines[0]}\n`);
    const all = JSON.parse((await cli('report', '--events', events, '--format', 'json')).out) as ReportData;
    const after = JSON.parse(
      (await cli('report', '--events', withResolve, '--format', 'json')).out,
    ) as ReportData;
    expect(all.findings).toHaveLength(lines.length);
    expect(after.findings).toHaveLength(lines.length - 1);
    expect(after.findings.map((f) => f.dedupkey)).not.toContain(first.dedupkey);
    expect(after.notes[0]).toMatch(/no history/);
    expect(all.coverage?.accounts.map((a) => a.name)).toContain('sandbox-legacy');
    expect(all.costs.map((c) => c.anomaly?.class)).toContain('waste');
  });

  it('names the file and line of a line that is not an event', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${readFileSync(events, 'utf8').split('\n')[0]}\n{"specversion":"1.0"}\n`);
    const { code, err } = await cli('report', '--events', bad);
    expect(code).toBe(2);
    expect(err).toMatch(new RegExp(`${bad}:2: not an incident envelope: id`));
  });
});

describe('finops-guardrails report: usage', () => {
  it('says what to give when neither --state nor --events is given, or both', async () => {
    const none = await cli('report');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/give --state FILE .* or --events FILE\.jsonl/);
    expect((await cli('report', '--state', state, '--events', events)).code).toBe(2);
  });

  it('fails with exit 2 naming a state file that does not exist', async () => {
    const { code, err } = await cli('report', '--state', join(dir, 'missing.json'));
    expect(code).toBe(2);
    expect(err).toContain('missing.json: state file not found');
  });
});
