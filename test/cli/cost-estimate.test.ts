import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCostEstimate } from '../../cli/commands/cost-estimate.js';
import { monthlyCost, usageFromConfig } from '../../infra/cost-estimate.js';
import { loadConfig } from '../../shared/config/loader.js';
import { memoryIo } from '../support/memory-io.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/demo-org/guardrails.config.yaml', import.meta.url));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cost-estimate-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `finops-guardrails cost-estimate …` on a program of our own, as cli/main.ts will. */
async function costEstimate(...args: string[]) {
  const io = memoryIo();
  let code = 0;
  const program = new Command('finops-guardrails').exitOverride();
  registerCostEstimate(program, io, (c) => {
    code = c;
  });
  await program.parseAsync(['node', 'finops-guardrails', 'cost-estimate', ...args]);
  return { code, out: io.out(), err: io.err() };
}

describe('finops-guardrails cost-estimate', () => {
  it('prints the cost table, the Cost Explorer calls per day and the assumptions for the example', async () => {
    // Prepare
    const expected = monthlyCost(usageFromConfig(loadConfig(EXAMPLE), { accounts: 6 }));
    // Act
    const { code, out } = await costEstimate('--config', EXAMPLE, '--accounts', '6');
    // Assess
    expect(code).toBe(0);
    expect(out).toMatch(/^ITEM\s+QUANTITY\s+USD\/MONTH$/m);
    expect(out).toMatch(/^Cost Explorer API\s+420 requests\s+4\.20$/m);
    expect(out).toMatch(new RegExp(`^Total\\s+${expected.totalUsdPerMonth.toFixed(2)}$`, 'm'));
    expect(out).toContain('Cost Explorer calls per day: 14 ($0.14)');
    expect(out).toContain('1 series page(s) + 0 workload queries + 2 driver lookups + 1 GetAnomalies');
    expect(out).toContain('Fan-out: none at 6 accounts (fanOutAboveAccounts 50)');
    expect(out).toMatch(/^Assumptions/m);
    expect(out).toMatch(/^ {2}seriesPagesPer1000Accounts: 20$/m);
  });

  it('adds the fan-out items, batches, waves and wall time above the threshold', async () => {
    const { code, out } = await costEstimate('--config', EXAMPLE, '--accounts', '2000');
    expect(code).toBe(0);
    expect(out).toContain(
      'Fan-out per tag-coverage run: 2,000 items, 400 batches, 10 waves of MaxConcurrency 40, estimated wall time 2.5 min',
    );
    expect(out).toContain('Cost Explorer calls per day: 74');
    expect(out).toMatch(/^Step Functions \(standard\)\s+36,150 state transitions\s+0\.90$/m);
  });

  it('prints JSON with --json', async () => {
    const { code, out } = await costEstimate('--config', EXAMPLE, '--accounts', '2000', '--json');
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as {
      accounts: number;
      totalUsdPerMonth: number;
      costExplorer: { perDay: number };
      fanOut: { batches: number } | null;
      lines: unknown[];
    };
    expect(parsed).toMatchObject({ accounts: 2000, costExplorer: { perDay: 74 }, fanOut: { batches: 400 } });
    expect(parsed.lines).toHaveLength(14);
  });

  it('counts a fixed account list less the excluded accounts when --accounts is absent', async () => {
    // Prepare
    const file = join(dir, 'fixed.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'organization:',
        '  accounts: ["111111111111", "222222222222", "333333333333"]',
        '  excludeAccounts: ["333333333333"]',
      ].join('\n'),
    );
    // Act
    const { code, out } = await costEstimate('--config', file);
    // Assess
    expect(code).toBe(0);
    expect(out).toMatch(/^Monthly AWS cost for 2 accounts in 1 region/);
  });

  it('exits 2 when accounts is auto and --accounts is missing or not a count', async () => {
    const missing = await costEstimate('--config', EXAMPLE);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('organization.accounts is auto');
    const bad = await costEstimate('--config', EXAMPLE, '--accounts', 'many');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('positive whole number');
  });

  it('exits 2 on a schedule it cannot read', async () => {
    const file = join(dir, 'bad-cron.yaml');
    writeFileSync(file, ['version: 1', 'schedules:', '  costAnomaly: cron(0 6 * *)'].join('\n'));
    const { code, err } = await costEstimate('--config', file, '--accounts', '3');
    expect(code).toBe(2);
    expect(err).toContain('cannot read cron(0 6 * *)');
  });
});
