import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerProbe } from '../../cli/commands/probe.js';
import { startHttpServer, type TestServer } from '../shared/adapters/probe/test-servers.js';
import { memoryIo } from '../support/memory-io.js';

let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startHttpServer((request, response) => {
    const status = request.url === '/down' ? 503 : 200;
    response.writeHead(status, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  dir = mkdtempSync(join(tmpdir(), 'probe-cli-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `finops-guardrails probe …` on a program of our own, as cli/main.ts will. */
async function probe(...args: string[]) {
  const io = memoryIo();
  let code = 0;
  const program = new Command('finops-guardrails').exitOverride();
  registerProbe(program, io, (c) => {
    code = c;
  });
  await program.parseAsync(['node', 'finops-guardrails', 'probe', ...args]);
  return { code, out: io.out(), err: io.err() };
}

describe('finops-guardrails probe', () => {
  it('probes ad-hoc URLs and prints a table, exiting 1 when one fails', async () => {
    // Act
    const { code, out } = await probe(`${server.origin}/health`, `${server.origin}/down`);
    // Assess
    expect(code).toBe(1);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+RESULT\s+STATUS\s+TOTAL_MS\s+FAILED$/);
    expect(lines[1]).toMatch(
      new RegExp(`^127\\.0\\.0\\.1:${server.port}/health\\s+PASS\\s+200\\s+\\d+\\s+-$`),
    );
    expect(lines[2]).toMatch(/FAIL\s+503\s+\d+\s+status: status 503 is not in \[200-399\]$/);
    expect(out).toContain('2 probed, 1 failed');
  });

  it('exits 0 when every target passes', async () => {
    expect((await probe(`${server.origin}/health`)).code).toBe(0);
  });

  it('prints one JSON line per target with --json', async () => {
    const { out } = await probe('--json', `${server.origin}/down`);
    const [line] = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(line).toMatchObject({
      name: `127.0.0.1:${server.port}/down`,
      passed: false,
      status: 503,
      failures: [{ assertion: 'status', actual: 503 }],
    });
  });

  it('probes the targets of a config file with their own expectations', async () => {
    const config = join(dir, 'guardrails.config.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'probes:',
        '  - name: api',
        `    url: ${server.origin}/health`,
        '    allowPrivateAddresses: true',
        '    expect:',
        '      json: [{ path: $.status, equals: ok }]',
      ].join('\n'),
    );
    const { code, out } = await probe('--config', config);
    expect(code).toBe(0);
    expect(out).toMatch(/^api\s+PASS\s+200/m);
  });

  it('refuses a URL that is not http(s) with exit 2', async () => {
    const { code, err } = await probe('ftp://example.com/');
    expect(code).toBe(2);
    expect(err).toContain('not an http(s) URL');
  });

  it('says so when a config file is missing', async () => {
    const { code, err } = await probe('--config', join(dir, 'missing.yaml'));
    expect(code).toBe(2);
    expect(err).toContain('file not found');
  });
});
