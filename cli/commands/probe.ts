// Registers the RE2 compiler that policy and probe judgements use (the Lambda bundles load it lazily).
import '../../shared/config/pattern.js';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { awsSecretReader } from '../../shared/adapters/aws/secrets.js';
import { createHttpProbeTransport } from '../../shared/adapters/probe/http-transport.js';
import { probeAll } from '../../shared/adapters/probe/probe-all.js';
import { type AssertionFailure, judgeProbe } from '../../shared/checks/probe/assertions.js';
import {
  cachedSecretReader,
  resolveProbeSecrets,
  type SecretReader,
} from '../../shared/checks/probe/header-secrets.js';
import { type ProbeResult, type ProbeTarget, probeTargetSchema } from '../../shared/checks/probe/types.js';
import { ConfigError, InputError } from '../../shared/core/errors.js';
import { type UrlRedactor, urlRedactor } from '../../shared/core/redact-url.js';
import { loadCliConfig } from '../config-hint.js';
import { type CliIo, EXIT } from '../io.js';

export interface ProbeCommandOptions {
  readonly config?: string;
  readonly json?: boolean;
  /** A PEM file of CA certificates to trust (private PKI, the demo). */
  readonly ca?: string;
}

/** One probed target, as printed. */
export interface ProbeLine {
  readonly name: string;
  readonly url: string;
  readonly passed: boolean;
  readonly status?: number;
  readonly totalMs: number;
  readonly failures: readonly AssertionFailure[];
  readonly tlsDaysLeft?: number;
}

/** `probe`: probe for real from this machine, print the verdicts, exit 1 if any failed. */
export function registerProbe(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('probe')
    .description('probe the config targets, or the URLs given, from this machine (exit 1 if any fails)')
    .argument('[urls...]', 'ad-hoc URLs: expect 200-399 within 5 s; private addresses allowed')
    .option(
      '-c, --config <file>',
      'probe the targets of this config file (default without URLs: guardrails.config.yaml)',
    )
    .option('--json', 'one JSON result per line')
    .option('--ca <file>', 'PEM file of CA certificates to trust')
    .action(async (urls: string[], options: ProbeCommandOptions) =>
      setExit(await probeCommand(urls, options, io)),
    );
}

/** The `probe` command, callable from tests. Returns the exit code. */
export async function probeCommand(
  urls: readonly string[],
  options: ProbeCommandOptions,
  io: CliIo,
  secrets?: SecretReader,
): Promise<number> {
  let targets: ProbeTarget[];
  let ca: string | undefined;
  let redact: UrlRedactor;
  try {
    const selected = selectTargets(urls, options);
    targets = selected.targets;
    redact = urlRedactor(selected.redactParams);
    ca = options.ca === undefined ? undefined : readCa(options.ca);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr.write(`${error.message}\n`);
    return EXIT.usage;
  }
  if (targets.length === 0) {
    io.stderr.write('nothing to probe: the config has no probes and no URL was given\n');
    return EXIT.usage;
  }
  // Secret headers are read with the caller's credentials, once for this run.
  const { resolved, unresolved } = await resolveProbeSecrets(
    targets,
    secrets ?? cachedSecretReader(awsSecretReader()),
  );
  const results = await probeAll(resolved, {
    transport: createHttpProbeTransport(),
    concurrency: 16,
    ...(ca !== undefined && { probeOptions: { ca } }),
  });
  const lines = [
    ...resolved.flatMap((target, i) => {
      const result = results[i];
      return result ? [probeLine(target, result, redact)] : [];
    }),
    ...unresolved.map(({ target, reason }) => unprobedLine(target, reason, redact)),
  ];
  io.stdout.write(
    options.json ? lines.map((l) => `${JSON.stringify(l)}\n`).join('') : renderProbeTable(lines),
  );
  return lines.every((l) => l.passed) ? EXIT.ok : EXIT.findings;
}

function selectTargets(
  urls: readonly string[],
  options: ProbeCommandOptions,
): { targets: ProbeTarget[]; redactParams: readonly string[] } {
  const configPath = options.config ?? (urls.length === 0 ? 'guardrails.config.yaml' : undefined);
  const config = configPath === undefined ? undefined : loadCliConfig(configPath);
  const fromConfig = config?.probes ?? [];
  const adHoc = urls.map((url, i) => {
    const parsed = probeTargetSchema.safeParse({ name: adHocName(url), url, allowPrivateAddresses: true });
    if (!parsed.success) throw new ConfigError(`url #${i + 1}`, `${url}: not an http(s) URL`);
    return parsed.data;
  });
  return { targets: [...fromConfig, ...adHoc], redactParams: config?.redaction.queryParams ?? [] };
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`--ca ${file}`, 'cannot be read', { cause: error });
  }
}

function adHocName(url: string): string {
  try {
    const { host, pathname } = new URL(url);
    return `${host}${pathname === '/' ? '' : pathname}`;
  } catch {
    return url;
  }
}

/** Judges one result into the line the command prints, its URLs redacted. */
export function probeLine(
  target: ProbeTarget,
  result: ProbeResult,
  redact: UrlRedactor = urlRedactor(),
): ProbeLine {
  const verdict = judgeProbe(target, result);
  return {
    name: target.name,
    url: redact.url(target.url),
    passed: verdict.passed,
    ...(result.status !== undefined && { status: result.status }),
    totalMs: Math.round(result.timings.totalMs),
    failures: verdict.failures.map((f) => ({
      ...f,
      message: redact.text(f.message),
      ...(typeof f.actual === 'string' && { actual: redact.text(f.actual) }),
    })),
    ...(result.tls && { tlsDaysLeft: result.tls.daysLeft }),
  };
}

/** A target not probed because its secret header could not be read. */
function unprobedLine(target: ProbeTarget, reason: string, redact: UrlRedactor): ProbeLine {
  return {
    name: target.name,
    url: redact.url(target.url),
    passed: false,
    totalMs: 0,
    failures: [
      {
        assertion: 'secret',
        expected: 'a readable secret',
        actual: undefined,
        message: `${target.name}: ${reason}`,
      },
    ],
  };
}

/** An aligned table: name, result, status, total ms, failed assertions. */
export function renderProbeTable(lines: readonly ProbeLine[]): string {
  const rows = lines.map((l) => [
    l.name,
    l.passed ? 'PASS' : 'FAIL',
    l.status === undefined ? '-' : String(l.status),
    String(l.totalMs),
    l.failures.map((f) => `${f.assertion}: ${f.message.replace(`${l.name}: `, '')}`).join('; ') || '-',
  ]);
  const header = ['NAME', 'RESULT', 'STATUS', 'TOTAL_MS', 'FAILED'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const failed = lines.filter((l) => !l.passed).length;
  return `${[line(header), ...rows.map(line)].join('\n')}\n\n${lines.length} probed, ${failed} failed\n`;
}
