import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { probeLine } from '../../cli/commands/probe.js';
import { functionBuildOptions } from '../../infra/constructs/function-bundle.js';
import { MemoryStateStore } from '../../shared/adapters/memory/memory-state.js';
import type { ProbeTransport } from '../../shared/adapters/probe/http-transport.js';
import { probeCheck } from '../../shared/checks/probe/check.js';
import { cachedSecretReader, type SecretReader } from '../../shared/checks/probe/header-secrets.js';
import { type ProbeResult, type ProbeTarget, probeTargetSchema } from '../../shared/checks/probe/types.js';
import { loadConfig, parseConfig } from '../../shared/config/loader.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import type { Envelope } from '../../shared/core/envelope.js';
import { runCheck } from '../../shared/core/pipeline.js';
import { CONFIG_GLOBAL } from '../../shared/runtime/lambda-env.js';

/**
 * Issue 9 case 12: a probe URL's credentials and token were copied verbatim
 * into the event's subject, evidence.url and summary; probe headers (API keys)
 * were compiled into every function bundle with the rest of the config.
 */
const NOW = new Date('2026-11-20T06:00:00Z');

function failingTransport(seen: ProbeTarget[] = []): ProbeTransport {
  return {
    probe: async (target): Promise<ProbeResult> => {
      seen.push(target);
      return {
        target: target.name,
        url: 'https://auth.example.com/callback?code=OAUTHCODE42&state=s',
        startedAt: NOW.toISOString(),
        headers: {},
        body: '',
        bodyBytes: 0,
        bodyTruncated: false,
        redirects: [`https://auth.example.com/callback?code=OAUTHCODE42&state=s`],
        addresses: [],
        timings: { totalMs: 5 },
        error: {
          kind: 'redirect',
          code: 'REDIRECT_REFUSED',
          message:
            'redirect to https://auth.example.com/callback?code=OAUTHCODE42&state=s refused: https→http',
        },
      };
    },
  };
}

async function runProbe(config: GuardrailsConfig, transport: ProbeTransport, secrets?: SecretReader) {
  const logs: string[] = [];
  const log = {
    info: (m: string, d?: unknown) => logs.push(`${m} ${JSON.stringify(d ?? {})}`),
    warn: (m: string, d?: unknown) => logs.push(`${m} ${JSON.stringify(d ?? {})}`),
  };
  const check = probeCheck(
    { transport, location: 'us-west-2', ...(secrets && { secrets }) },
    { ignoreRegions: true },
  );
  const report = await runCheck(check, { config, state: new MemoryStateStore(), sinks: [], log, now: NOW });
  return { report, logs };
}

describe('URLs lose their secrets (issue 9 case 12)', () => {
  const config = parseConfig(`
version: 1
redaction: { queryParams: [session] }
probes:
  - name: api
    url: "https://probe-user:hunter2@api.example.com/health?token=TOKEN123&session=SESSION9&region=eu"
    failureThreshold: 1
`);

  it('redacts user, password and sensitive query values in the subject, evidence, summary, messages and logs', async () => {
    const { report, logs } = await runProbe(config, failingTransport());
    const event = report.events[0] as Envelope;

    expect(event.subject).toBe(
      'https://REDACTED:REDACTED@api.example.com/health?token=REDACTED&session=REDACTED&region=eu',
    );
    expect(event.data.evidence.url).toBe(event.subject);
    const everything = JSON.stringify({ events: report.events, findings: report.findings, logs });
    for (const secret of ['probe-user', 'hunter2', 'TOKEN123', 'SESSION9', 'OAUTHCODE42']) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).toContain('callback?code=REDACTED&state=s');
  });

  it('redacts the probe command output the same way', async () => {
    const target = config.probes[0] as ProbeTarget;
    const result = await failingTransport().probe(target);
    const line = JSON.stringify(probeLine(target, result));
    for (const secret of ['hunter2', 'TOKEN123', 'OAUTHCODE42']) expect(line).not.toContain(secret);
  });
});

describe('probe headers from Secrets Manager (issue 9 case 12)', () => {
  const arn = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:probe-key-Ab12Cd';
  const config = parseConfig(`
version: 1
probes:
  - name: api
    url: https://api.example.com/health
    headers:
      x-api-key: { secretArn: "${arn}", jsonKey: apiKey }
      accept-language: en
  - name: admin
    url: https://admin.example.com/health
    headers:
      authorization: { secretArn: "${arn}", jsonKey: adminToken }
`);

  it('resolves {secretArn, jsonKey} at run time, reading each secret once per invocation, and never shows it', async () => {
    let reads = 0;
    const secrets = cachedSecretReader({
      read: async (secretArn) => {
        reads += 1;
        expect(secretArn).toBe(arn);
        return '{"apiKey":"KEY-LIVE-7f3a","adminToken":"Bearer ADMIN-99"}';
      },
    });
    const seen: ProbeTarget[] = [];

    const { report, logs } = await runProbe(config, failingTransport(seen), secrets);
    await runProbe(config, failingTransport(seen), secrets);

    expect(seen.map((t) => t.headers)).toEqual([
      { 'x-api-key': 'KEY-LIVE-7f3a', 'accept-language': 'en' },
      { authorization: 'Bearer ADMIN-99' },
      { 'x-api-key': 'KEY-LIVE-7f3a', 'accept-language': 'en' },
      { authorization: 'Bearer ADMIN-99' },
    ]);
    expect(reads).toBe(1);
    secrets.clear(); // the next invocation reads it again (a rotated key is picked up)
    await runProbe(config, failingTransport(seen), secrets);
    expect(reads).toBe(2);
    expect(JSON.stringify({ report, logs })).not.toMatch(/KEY-LIVE|ADMIN-99/);
  });

  it('does not probe a target whose secret cannot be read: a scan gap naming the header and ARN, never a page', async () => {
    const secrets = cachedSecretReader({
      read: async () => {
        throw new Error(`cannot read secret ${arn}: AccessDeniedException`);
      },
    });
    const seen: ProbeTarget[] = [];
    const { report } = await runProbe(config, failingTransport(seen), secrets);
    expect(seen).toEqual([]);
    expect(report.scope.failed).toEqual([
      {
        scope: 'probe/api',
        reason: `header x-api-key: cannot read secret ${arn}: AccessDeniedException`,
        errorName: 'SecretUnavailable',
      },
      {
        scope: 'probe/admin',
        reason: `header authorization: cannot read secret ${arn}: AccessDeniedException`,
        errorName: 'SecretUnavailable',
      },
    ]);
    expect(report.findings.every((f) => f.type === 'guardrail.scan-gap')).toBe(true);
  });

  it('refuses a secret that is not JSON or lacks the key without quoting its value', async () => {
    const seen: ProbeTarget[] = [];
    const { report } = await runProbe(config, failingTransport(seen), {
      read: async () => 'plain-SECRETVALUE',
    });
    expect(report.scope.failed.map((f) => f.reason)).toEqual([
      `header x-api-key: secret ${arn} is not a JSON object, so it has no key apiKey`,
      `header authorization: secret ${arn} is not a JSON object, so it has no key adminToken`,
    ]);
    expect(JSON.stringify(report)).not.toContain('SECRETVALUE');
  });

  it('never sends an unresolved reference as a header', async () => {
    const target = probeTargetSchema.parse({
      name: 'x',
      url: 'http://127.0.0.1:9/',
      allowPrivateAddresses: true,
      headers: { 'x-api-key': { secretArn: arn } },
    });
    const { createHttpProbeTransport } = await import('../../shared/adapters/probe/http-transport.js');
    const { probeAll } = await import('../../shared/adapters/probe/probe-all.js');
    const [result] = await probeAll([target], { transport: createHttpProbeTransport() });
    expect(result?.error).toMatchObject({ kind: 'internal', code: 'UNRESOLVED_SECRET' });
  });
});

/**
 * Bundles every function as GuardrailFunction does (function-bundle.ts), with the config compiled in;
 * each function's text is all its output files, chunks included.
 * esbuild runs on one thread here, so the bundling does not starve the tests running beside it.
 */
process.env.GOMAXPROCS = '1';
async function bundleFunctions(config: GuardrailsConfig, entries: readonly string[]): Promise<string[]> {
  const define = { [CONFIG_GLOBAL]: JSON.stringify(JSON.stringify(config)) };
  const texts: string[] = [];
  for (const entry of entries) {
    const out = await build({
      ...functionBuildOptions({ entry, outdir: 'bundle-out', define, sourcemap: false }),
      write: false,
      logLevel: 'silent',
    });
    texts.push(
      out.outputFiles
        .filter((f) => f.path.endsWith('.mjs'))
        .map((f) => f.text)
        .join('\n'),
    );
  }
  return texts;
}

const FUNCTIONS = ['aggregate', 'cost-anomaly', 'forwarder', 'probe', 'scan-account', 'tag-coverage'].map(
  (name) => `functions/${name}/handler.ts`,
);

describe('function bundles (issue 9 case 12)', () => {
  it('carry the example config with its API key as a Secrets Manager reference, never as a literal', async () => {
    const config = loadConfig('examples/demo-org/guardrails.config.yaml');
    const headers = config.probes.flatMap((p) => Object.values(p.headers));
    // The example's probe header is a reference; no probe header is a literal.
    expect(headers.length).toBeGreaterThan(0);
    expect(headers.filter((h) => typeof h === 'string')).toEqual([]);
    const arns = headers.flatMap((h) => (typeof h === 'string' ? [] : [h.secretArn]));

    const bundles = await bundleFunctions(config, FUNCTIONS);

    expect(bundles).toHaveLength(FUNCTIONS.length);
    for (const text of bundles) {
      // The config is compiled in (the reference is there) ...
      for (const arn of arns) expect(text).toContain(arn);
      // ... and the same config with the key written literally would leak it (next test): here nothing does.
      expect(text).not.toContain(LITERAL_KEY);
    }
  }, 120_000);

  it('would carry a literal header value, which is why the config takes a reference', async () => {
    const config = loadConfig('examples/demo-org/guardrails.config.yaml');
    const literal = {
      ...config,
      probes: config.probes.map((p) => ({ ...p, headers: { 'x-api-key': LITERAL_KEY } })),
    } as GuardrailsConfig;
    const [probeBundle] = await bundleFunctions(literal, ['functions/probe/handler.ts']);
    expect(probeBundle).toContain(LITERAL_KEY);
  }, 60_000);
});

const LITERAL_KEY = 'sk_live_51H8EXAMPLEKEYdoNotShip';
