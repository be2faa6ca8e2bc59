import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { starterConfig } from '../../cli/init/starter-config.js';
import { main } from '../../cli/main.js';
import { parseConfig } from '../../shared/config/loader.js';
import { memoryIo } from '../support/memory-io.js';

const dir = mkdtempSync(join(tmpdir(), 'fg-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('finops-guardrails init', () => {
  it('writes a starter config the schema accepts, with comments', async () => {
    const out = join(dir, 'guardrails.config.yaml');
    const io = memoryIo();
    expect(await main(['node', 'fg', 'init', '--out', out], io)).toBe(0);
    const text = readFileSync(out, 'utf8');
    const config = parseConfig(text, out);
    expect(config.tagPolicy?.requiredTags.map((t) => t.key)).toEqual(['owner', 'environment', 'cost-center']);
    expect(config.workloads).toEqual([]);
    expect(text.split('\n').filter((l) => l.trimStart().startsWith('#')).length).toBeGreaterThan(20);
    expect(io.out()).toMatch(/validate-config .*guardrails\.config\.yaml/);
  });

  it('has commented examples that validate once uncommented', () => {
    const config = parseConfig(starterConfig('enabled'), 'starter (examples enabled)');
    expect(config.workloads.map((w) => w.name)).toEqual(['checkout']);
    expect(config.probes.map((p) => p.url)).toEqual(['https://checkout.example.com/health']);
    expect(config.organization.managementAccountId).toBe('111111111111');
  });

  it('keeps an existing file unless --force', async () => {
    const out = join(dir, 'mine.yaml');
    writeFileSync(out, 'version: 1\n');
    const io = memoryIo();
    expect(await main(['node', 'fg', 'init', '--out', out], io)).toBe(2);
    expect(io.err()).toMatch(/mine\.yaml: already exists; keep it, or pass --force/);
    expect(readFileSync(out, 'utf8')).toBe('version: 1\n');
    expect(await main(['node', 'fg', 'init', '--out', out, '--force'], memoryIo())).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(starterConfig());
  });
});
