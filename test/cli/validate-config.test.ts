import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { memoryIo } from '../support/memory-io.js';

const dir = mkdtempSync(join(tmpdir(), 'fg-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('finops-guardrails validate-config', () => {
  it('exits 0 for the example config', async () => {
    const io = memoryIo();
    expect(
      await main(['node', 'fg', 'validate-config', 'examples/demo-org/guardrails.config.yaml'], io),
    ).toBe(0);
    expect(io.out()).toMatch(/valid \(3 workloads/);
  });

  const bad: Array<[string, string, string | null, RegExp]> = [
    ['a missing file', 'missing', null, /missing\.yaml: file not found$/],
    ['a YAML syntax error', 'syntax', 'version: 1\nsinks: [\n', /syntax\.yaml:\d+:\d+: YAML syntax error/],
    ['an unknown key', 'unknown', 'version: 1\nprobez: []\n', /unknown\.yaml: probez: unknown key/],
    [
      'a wrong type',
      'type',
      'version: 1\nstate: { renotifyAfter: 5 }\n',
      /type\.yaml: state\.renotifyAfter: Invalid input: expected string/,
    ],
  ];
  for (const [what, name, text, expected] of bad) {
    it(`exits 2 with one clear line for ${what}`, async () => {
      const path = text === null ? join(dir, `${name}.yaml`) : file(`${name}.yaml`, text);
      const io = memoryIo();
      expect(await main(['node', 'fg', 'validate-config', path], io)).toBe(2);
      const lines = io.err().trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(expected);
    });
  }

  it('exits 2 on an unknown command option', async () => {
    const io = memoryIo();
    expect(await main(['node', 'fg', 'validate-config', '--nope', 'x'], io)).toBe(2);
  });
});
