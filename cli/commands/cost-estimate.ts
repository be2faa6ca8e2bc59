import type { Command } from 'commander';
import {
  COST_ASSUMPTIONS,
  type ConfigUsage,
  type CostEstimate,
  monthlyCost,
  usageFromConfig,
} from '../../infra/cost-estimate.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { ConfigError } from '../../shared/core/errors.js';
import { loadCliConfig } from '../config-hint.js';
import { type CliIo, EXIT } from '../io.js';

export interface CostEstimateOptions {
  readonly config?: string;
  /** Accounts scanned; required with `accounts: auto`, else the fixed list less `excludeAccounts`. */
  readonly accounts?: string;
  readonly json?: boolean;
}

/** `cost-estimate`: the monthly AWS bill of a deployment of the config, from infra/cost-estimate.ts. */
export function registerCostEstimate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('cost-estimate')
    .description('estimate the monthly AWS cost of running the guardrails, worked out from the config')
    .option('-c, --config <file>', 'config file', 'guardrails.config.yaml')
    .option('--accounts <n>', 'accounts in the organization (required with accounts: auto)')
    .option('--json', 'print the estimate as JSON')
    .action((options: CostEstimateOptions) => setExit(costEstimateCommand(options, io)));
}

/**
 * The `cost-estimate` command, callable from tests: prints the cost table,
 * the Cost Explorer calls per day, the fan-out when it applies, and the
 * assumptions; returns the exit code (2 on a bad config or option).
 */
export function costEstimateCommand(options: CostEstimateOptions, io: CliIo): number {
  const file = options.config ?? 'guardrails.config.yaml';
  let config: GuardrailsConfig;
  let accounts: number;
  let usage: ConfigUsage;
  try {
    config = loadCliConfig(file);
    accounts = accountsOf(config, options.accounts);
    usage = usageFromConfig(config, { accounts });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
  const estimate = monthlyCost(usage);
  io.stdout.write(
    options.json
      ? `${JSON.stringify(
          {
            config: file,
            accounts,
            lines: estimate.lines,
            totalUsdPerMonth: estimate.totalUsdPerMonth,
            costExplorer: usage.costExplorer,
            probeRoundsPerInvocation: usage.probeRoundsPerInvocation,
            forwarder: usage.forwarder,
            fanOut: usage.fanOut ?? null,
            assumptions: COST_ASSUMPTIONS,
          },
          null,
          2,
        )}\n`
      : formatEstimate(config, usage, estimate),
  );
  return EXIT.ok;
}

/** `--accounts`, or the fixed account list less the excluded ones. */
function accountsOf(config: GuardrailsConfig, option: string | undefined): number {
  if (option !== undefined) {
    const n = Number(option);
    if (!Number.isInteger(n) || n < 1) throw new ConfigError('--accounts', 'must be a positive whole number');
    return n;
  }
  const { accounts, excludeAccounts } = config.organization;
  if (accounts === 'auto')
    throw new ConfigError('--accounts', 'required: organization.accounts is auto, so give the account count');
  return accounts.filter((a) => !excludeAccounts.includes(a)).length;
}

const number = (n: number, digits = 2): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const usd = (n: number): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** The readable estimate: the table, the Cost Explorer calls, the fan-out and the assumptions. */
export function formatEstimate(config: GuardrailsConfig, usage: ConfigUsage, estimate: CostEstimate): string {
  const rows = [
    ...estimate.lines.map((l) => [l.item, `${number(l.quantity)} ${l.unit}`, usd(l.usdPerMonth)]),
    ['Total', '', usd(estimate.totalUsdPerMonth)],
  ];
  const ce = usage.costExplorer;
  const perRun = (runs: number, what: string) =>
    runs === 1 ? what : `${what}, ${number(runs, 3)} runs a day`;
  const lines = [
    `Monthly AWS cost for ${number(usage.accounts)} accounts in ${config.organization.regions.length} region(s), us-east-1 list prices, 30-day month:`,
    '',
    table(['ITEM', 'QUANTITY', 'USD/MONTH'], rows, [false, true, true]),
    '',
    `Cost Explorer calls per day: ${number(ce.perDay)} ($${usd(ce.perDay * 0.01)})`,
    `  ${perRun(ce.costAnomalyRunsPerDay, 'per cost-anomaly run')}: ${ce.seriesPages} series page(s) + ${ce.workloadQueries} workload queries + ${ce.driverLookups} driver lookups + ${ce.getAnomalies} GetAnomalies`,
    `  ${perRun(ce.tagCoverageRunsPerDay, 'per tag-coverage run')}: ${ce.requiredTagKeys} required tag keys × ${ce.tagSpendPagesPerKey} page(s)`,
    ...(ce.resourceCostQueries
      ? [`  per cost-policy run: ${ce.resourceCostQueries} resource-level cost queries (one per service)`]
      : []),
    '',
    ...fanOutLines(config, usage),
    `Probe: ${usage.probeRoundsPerInvocation} round(s) per invocation; forwarder: ${usage.forwarder ? 'deployed' : 'not deployed'}`,
    '',
    'Assumptions (infra/cost-estimate.ts COST_ASSUMPTIONS):',
    ...Object.entries(COST_ASSUMPTIONS).map(([name, value]) => `  ${name}: ${number(value, 3)}`),
  ];
  return `${lines.join('\n')}\n`;
}

function fanOutLines(config: GuardrailsConfig, usage: ConfigUsage): string[] {
  const run = usage.fanOut;
  if (!run)
    return [
      `Fan-out: none at ${number(usage.accounts)} accounts (fanOutAboveAccounts ${config.organization.fanOutAboveAccounts})`,
      '',
    ];
  return [
    `Fan-out per tag-coverage run: ${number(run.items)} items, ${number(run.batches)} batches, ${number(run.waves)} waves of MaxConcurrency ${config.organization.fanOutMaxConcurrency}, ` +
      `estimated wall time ${minutes(run.wallTimeMs)} (${number(run.batchMs / 1000)} s per batch)`,
    '',
  ];
}

const minutes = (ms: number): string =>
  ms < 60_000 ? `${number(ms / 1000, 1)} s` : `${number(ms / 60_000, 1)} min`;

/** An aligned text table; `right[i]` right-aligns column i. */
function table(
  columns: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  right: readonly boolean[],
): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (row: readonly string[]) =>
    row
      .map((cell, i) => (right[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [format(columns), format(widths.map((w) => '-'.repeat(w))), ...rows.map(format)].join('\n');
}
