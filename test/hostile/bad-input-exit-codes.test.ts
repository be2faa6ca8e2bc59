import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { memoryIo } from '../support/memory-io.js';

/**
 * Issue 9 case 10, and the malformed inputs probed by hand: every bad file
 * exits 2 with a line naming the file and line or JSON path; where the run can
 * go on, the scope the bad input belongs to raises a scan gap and holds its
 * open findings. Each test copies the example organization and breaks one file.
 */
const DEMO = 'examples/demo-org';
const NOW = '2026-11-20T06:00:00Z';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fg-bad-input-'));
  for (const file of [
    'guardrails.config.yaml',
    'accounts.json',
    'resources.json',
    'costs.csv',
    'metrics.csv',
  ])
    copyFileSync(join(DEMO, file), join(dir, file));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => join(dir, name);
const edit = (name: string, change: (text: string) => string) =>
  writeFileSync(file(name), change(readFileSync(file(name), 'utf8')));
const editJson = (name: string, change: (doc: Record<string, unknown[]>) => void) =>
  edit(name, (text) => {
    const doc = JSON.parse(text) as Record<string, unknown[]>;
    change(doc);
    return JSON.stringify(doc, null, 2);
  });

async function run(only: string, ...extra: string[]) {
  const io = memoryIo();
  const args = ['run', '--config', file('guardrails.config.yaml'), '--only', only, '--now', NOW, '--json'];
  const code = await main(['node', 'finops-guardrails', ...args, ...extra], io);
  const events = io
    .out()
    .trimEnd()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; action: string; subject: string; dedupkey: string });
  return { code, err: io.err(), events };
}

const gapsOf = (events: Awaited<ReturnType<typeof run>>['events']) =>
  events.filter((e) => e.type.endsWith('scan-gap')).map((e) => e.subject);

// Each test runs the CLI on the whole example organization: a few seconds, more on a loaded machine.
describe('bad accounts.json (issue 9 case 10: it failed the whole check with exit 3)', {
  timeout: 120_000,
}, () => {
  it('raises a scan gap for the bad entry only, holds its open digest, scans the other accounts, and exits 2', async () => {
    const state = file('state.json');
    const clean = await run('tags', '--state', state);
    expect(clean.code).toBe(0);
    const digestsBefore = clean.events.filter((e) => e.type.endsWith('tag.violation'));
    expect(digestsBefore.some((e) => e.dedupkey.includes('567890123456'))).toBe(true);

    // The sandbox account's entry gets a tag without a key; its resources are unchanged.
    editJson('accounts.json', (doc) => {
      const sandbox = doc.Accounts?.find((a) => (a as { Id: string }).Id === '567890123456') as {
        Tags: unknown[];
      };
      sandbox.Tags = [{ Key: 42 }];
    });
    const broken = await run('tags', '--state', state);

    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/^warning: accounts\.json: Accounts\[\d+\]\.Tags\[0\]\.Key: /m);
    expect(gapsOf(broken.events).sort()).toEqual(['567890123456/eu-west-1', '567890123456/us-east-1']);
    // Nothing of the unreadable account resolves: not its digest, not its coverage.
    expect(
      broken.events.filter((e) => e.action === 'resolve' && e.dedupkey.includes('567890123456')),
    ).toEqual([]);
  });

  it('turns a truncated accounts.json into one scan gap on the organization, naming the line, resolving nothing', async () => {
    const state = file('state.json');
    await run('tags', '--state', state);
    edit('accounts.json', (text) => text.slice(0, 1_000));

    const broken = await run('tags', '--state', state);

    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/scan gap: organization: accounts\.json:\d+:\d+: invalid JSON: /);
    expect(gapsOf(broken.events)).toEqual(['organization']);
    expect(broken.events.filter((e) => e.action === 'resolve')).toEqual([]);
  });
});

describe('bad resources.json, costs.csv and metrics.csv', { timeout: 120_000 }, () => {
  it('exits 2 on a wrong type in resources.json, with a scan gap for its scope only', async () => {
    editJson('resources.json', (doc) => {
      (doc.ResourceTagMappingList?.[0] as { Tags: unknown }).Tags = 'owner=x';
    });
    const { code, err, events } = await run('tags');
    expect(code).toBe(2);
    expect(err).toMatch(/^warning: resources\.json: ResourceTagMappingList\[0\]\.Tags: /m);
    expect(gapsOf(events)).toHaveLength(1);
  });

  it('exits 2 on a truncated resources.json, naming line and column', async () => {
    edit('resources.json', (text) => text.slice(0, 5_000));
    const { code, err } = await run('tags');
    expect(code).toBe(2);
    expect(err).toMatch(/resources\.json:\d+:\d+: invalid JSON: Unterminated string/);
  });

  it('exits 2 on a costs.csv cut mid-row, naming the line', async () => {
    edit('costs.csv', (text) => text.slice(0, 1_500_000));
    const { code, err, events } = await run('costs');
    expect(code).toBe(2);
    expect(err).toMatch(/^warning: costs\.csv:\d+: expected 15 fields as in the header, found \d+$/m);
    expect(gapsOf(events)).toEqual(['costs']);
  });

  it('exits 2 on a huge cost (1e300 overflowed the detector and failed the whole check) or a non-finite one', async () => {
    edit('costs.csv', (text) =>
      text
        .split('\n')
        .map((line, i) => (i === 4 ? line.replace(/^((?:[^,]*,){6})[^,]*/, '$11e300') : line))
        .map((line, i) => (i === 5 ? line.replace(/^((?:[^,]*,){6})[^,]*/, '$11e400') : line))
        .join('\n'),
    );
    const { code, err, events } = await run('costs');
    expect(code).toBe(2);
    expect(err).toMatch(/costs\.csv:5: EffectiveCost: 1e300 is beyond any bill line/);
    expect(err).toMatch(/costs\.csv:6: EffectiveCost: not a number: "1e400"/);
    expect(err).not.toMatch(/cost-anomaly failed/);
    expect(gapsOf(events)).toEqual(['costs']);
  });

  it('exits 2 on a metrics.csv value that is not a number, or out of range', async () => {
    edit('metrics.csv', (text) => {
      const lines = text.split('\n');
      lines[4] = lines[4]?.replace(/,[^,]*$/, ',abc') ?? '';
      lines[5] = lines[5]?.replace(/,[^,]*$/, ',1e31') ?? '';
      return lines.join('\n');
    });
    const { code, err } = await run('costs');
    expect(code).toBe(2);
    expect(err).toMatch(/^warning: metrics\.csv:5: Value: not a number: "abc"$/m);
    expect(err).toMatch(/^warning: metrics\.csv:6: Value: 1e31 is out of range/m);
  });

  it('reads files that start with a byte-order mark as the same files', async () => {
    const plain = await run('tags,costs');
    for (const name of ['accounts.json', 'resources.json', 'costs.csv', 'metrics.csv'])
      edit(name, (text) => `\uFEFF${text}`);
    const withBom = await run('tags,costs');
    expect(withBom.code).toBe(0);
    expect(withBom.events.map((e) => e.dedupkey)).toEqual(plain.events.map((e) => e.dedupkey));
  });
});

describe('bad config', { timeout: 60_000 }, () => {
  const bomb = [
    'version: 1',
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
  ].join('\n');

  it('refuses a YAML alias bomb naming the file and line, exit 2 (it named no file, and exited 3)', async () => {
    writeFileSync(file('guardrails.config.yaml'), bomb);
    for (const args of [
      ['validate-config', file('guardrails.config.yaml')],
      ['run', '--config', file('guardrails.config.yaml')],
    ]) {
      const io = memoryIo();
      const code = await main(['node', 'finops-guardrails', ...args], io);
      expect(code).toBe(2);
      expect(io.err()).toBe(
        `${file('guardrails.config.yaml')}:3:8: YAML aliases expand to more than 100 nodes (an alias bomb?): Excessive alias count indicates a resource exhaustion attack\n`,
      );
    }
  });

  it('refuses a --now past year 9999, exit 2', async () => {
    const { code, err } = await run('tags', '--now', '99999-01-01');
    expect(code).toBe(2);
    expect(err).toMatch(/^--now: not an ISO time between 1970 and 9999: 99999-01-01/);
  });
});
