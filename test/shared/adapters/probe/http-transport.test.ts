import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpProbeTransport } from '../../../../shared/adapters/probe/http-transport.js';
import { judgeProbe } from '../../../../shared/checks/probe/assertions.js';
import { type ProbeTargetInput, probeTargetSchema } from '../../../../shared/checks/probe/types.js';
import { startHttpServer, startSilentServer, type TestServer } from './test-servers.js';

const transport = createHttpProbeTransport();
const servers: TestServer[] = [];
const timers: NodeJS.Timeout[] = [];

afterEach(async () => {
  // clearInterval and clearTimeout clear either kind of timer.
  for (const timer of timers.splice(0)) clearInterval(timer);
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function track(server: Promise<TestServer>): Promise<TestServer> {
  const started = await server;
  servers.push(started);
  return started;
}

function target(url: string, overrides: Partial<ProbeTargetInput> = {}) {
  return probeTargetSchema.parse({ name: 'api', url, allowPrivateAddresses: true, ...overrides });
}

describe('http probe transport', () => {
  it('reports status, headers, body, addresses and timings of a healthy endpoint', async () => {
    // Prepare
    const server = await track(
      startHttpServer((_request, response) => {
        response.setHeader('content-type', 'application/json');
        response.end('{"status":"ok"}');
      }),
    );

    // Act
    const result = await transport.probe(target(`${server.origin}/health`));

    // Assess
    expect(result).toMatchObject({
      target: 'api',
      url: `${server.origin}/health`,
      status: 200,
      body: '{"status":"ok"}',
      bodyBytes: 15,
      bodyTruncated: false,
      redirects: [],
      addresses: ['127.0.0.1'],
    });
    expect(result.error).toBeUndefined();
    expect(result.headers['content-type']).toBe('application/json');
    expect(result.timings.connectMs).toBeGreaterThanOrEqual(0);
    expect(result.timings.ttfbMs).toBeGreaterThanOrEqual(0);
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.ttfbMs ?? 0);
    expect(judgeProbe(target(server.origin), result)).toEqual({ passed: true, failures: [] });
  });

  it('sends the method, headers and body of a POST', async () => {
    // Prepare
    let received = '';
    const server = await track(
      startHttpServer((request, response) => {
        request.setEncoding('utf8');
        request.on('data', (chunk: string) => {
          received += chunk;
        });
        request.on('end', () => response.end('done'));
      }),
    );

    // Act
    const result = await transport.probe(
      target(server.origin, { method: 'POST', headers: { 'X-Probe': 'yes' }, body: '{"ping":1}' }),
    );

    // Assess
    expect(result.status).toBe(200);
    expect(server.requests[0]?.method).toBe('POST');
    expect(server.requests[0]?.headers['x-probe']).toBe('yes');
    expect(received).toBe('{"ping":1}');
  });

  it('reads no body for HEAD', async () => {
    // Prepare
    const server = await track(
      startHttpServer((_request, response) => {
        response.setHeader('content-length', '5');
        response.end();
      }),
    );

    // Act
    const result = await transport.probe(target(server.origin, { method: 'HEAD' }));

    // Assess
    expect(server.requests[0]?.method).toBe('HEAD');
    expect(result).toMatchObject({ status: 200, body: '', bodyBytes: 0 });
  });

  it('reports an unexpected status that the judge names', async () => {
    // Prepare
    const server = await track(
      startHttpServer((_request, response) => {
        response.statusCode = 503;
        response.end('maintenance');
      }),
    );
    const probeTarget = target(server.origin, { expect: { status: ['200-299'] } });

    // Act
    const result = await transport.probe(probeTarget);

    // Assess
    expect(result.status).toBe(503);
    expect(result.error).toBeUndefined();
    expect(judgeProbe(probeTarget, result).failures).toEqual([
      expect.objectContaining({ assertion: 'status', expected: ['200-299'], actual: 503 }),
    ]);
  });

  it('fails a server that accepts and never answers within timeout + 250 ms', async () => {
    // Prepare
    const server = await track(startSilentServer());
    const probeTarget = target(server.origin, { timeoutMs: 400 });
    const started = performance.now();

    // Act
    const result = await transport.probe(probeTarget);

    // Assess
    const elapsed = performance.now() - started;
    // The upper bound is the requirement. The lower one only shows the probe waited for
    // its timer: Node arms timers from the event loop's cached clock, so they may fire
    // some ms before `performance.now()` reads 400 on a loaded machine.
    expect(elapsed).toBeGreaterThanOrEqual(400 - 100);
    expect(elapsed).toBeLessThan(400 + 250);
    expect(result.error).toMatchObject({ kind: 'timeout', code: 'TIMEOUT' });
    expect(result.error?.message).toContain('headers');
    expect(judgeProbe(probeTarget, result).failures.map((failure) => failure.assertion)).toEqual(['timeout']);
  });

  it('cuts a slowly dripping body at the total timeout and keeps what arrived', async () => {
    // Prepare: the body drips for 2 s, far past the 300 ms timeout.
    const server = await track(
      startHttpServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        const drip = setInterval(() => response.write('.'), 20);
        timers.push(drip);
        timers.push(
          setTimeout(() => {
            clearInterval(drip);
            response.end();
          }, 2_000),
        );
      }),
    );
    const started = performance.now();

    // Act
    const result = await transport.probe(target(server.origin, { timeoutMs: 300 }));

    // Assess: stopped by the timer, well before the body would have ended.
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(result.status).toBe(200);
    expect(result.error).toMatchObject({ kind: 'timeout' });
    expect(result.error?.message).toContain('body');
    expect(result.body).toMatch(/^\.+$/);
  });

  it('stops reading an endless body at maxBodyBytes and closes the connection', async () => {
    // Prepare
    const chunk = Buffer.alloc(16_384, 'x');
    let serverSawClose = false;
    const server = await track(
      startHttpServer((_request, response) => {
        response.on('close', () => {
          serverSawClose = true;
        });
        const pump = (): void => {
          while (!response.destroyed && response.write(chunk));
          if (!response.destroyed) response.once('drain', pump);
        };
        pump();
      }),
    );
    const probeTarget = target(server.origin, { maxBodyBytes: 65_536, timeoutMs: 2_000 });

    // Act
    const result = await transport.probe(probeTarget);

    // Assess
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ status: 200, bodyTruncated: true, bodyBytes: 65_536 });
    expect(result.body).toHaveLength(65_536);
    expect(result.timings.totalMs).toBeLessThan(1_000);
    await expect.poll(() => serverSawClose).toBe(true);
  });

  it('follows a relative redirect and records it', async () => {
    // Prepare
    const server = await track(
      startHttpServer((request, response) => {
        if (request.url === '/old') {
          response.writeHead(301, { location: '/new?x=1' }).end();
        } else {
          response.end(`at ${request.url}`);
        }
      }),
    );

    // Act
    const result = await transport.probe(target(`${server.origin}/old`));

    // Assess
    expect(result).toMatchObject({
      status: 200,
      url: `${server.origin}/new?x=1`,
      redirects: [`${server.origin}/new?x=1`],
      body: 'at /new?x=1',
    });
  });

  it('turns a POST answered with 303 into a bodiless GET', async () => {
    // Prepare
    const server = await track(
      startHttpServer((request, response) => {
        if (request.url === '/submit') response.writeHead(303, { location: '/result' }).end();
        else response.end(request.method);
      }),
    );

    // Act
    const result = await transport.probe(target(`${server.origin}/submit`, { method: 'POST', body: 'a=1' }));

    // Assess
    expect(result.body).toBe('GET');
    expect(server.requests[1]?.headers['content-length']).toBeUndefined();
  });

  it('sends only safe headers when a redirect leaves the origin', async () => {
    // Prepare
    const other = await track(startHttpServer((_request, response) => response.end('other')));
    const server = await track(
      startHttpServer((_request, response) =>
        response.writeHead(307, { location: `${other.origin}/landing` }).end(),
      ),
    );
    const headers = {
      Authorization: 'Bearer secret',
      'X-Api-Key': 'key-123',
      'X-Trace': '1',
      Accept: 'text/plain',
    };

    // Act
    const result = await transport.probe(target(server.origin, { headers }));

    // Assess
    expect(result.body).toBe('other');
    expect(server.requests[0]?.headers).toMatchObject({
      authorization: 'Bearer secret',
      'x-api-key': 'key-123',
    });
    const forwarded = other.requests[0]?.headers ?? {};
    expect(forwarded.authorization).toBeUndefined();
    expect(forwarded['x-api-key']).toBeUndefined();
    expect(forwarded['x-trace']).toBeUndefined();
    expect(forwarded).toMatchObject({ accept: 'text/plain', 'user-agent': 'finops-guardrails-probe/1' });
  });

  it('keeps configured secret headers on a redirect within the origin', async () => {
    // Prepare
    const server = await track(
      startHttpServer((request, response) => {
        if (request.url === '/old') response.writeHead(308, { location: '/new' }).end();
        else response.end('new');
      }),
    );

    // Act
    const result = await transport.probe(
      target(`${server.origin}/old`, { headers: { 'X-Api-Key': 'key-123' } }),
    );

    // Assess
    expect(result.body).toBe('new');
    expect(server.requests[1]?.headers['x-api-key']).toBe('key-123');
  });

  it('refuses a redirect to a scheme other than http or https', async () => {
    // Prepare
    const server = await track(
      startHttpServer((_request, response) =>
        response.writeHead(302, { location: 'file:///etc/passwd' }).end(),
      ),
    );

    // Act
    const result = await transport.probe(target(server.origin));

    // Assess
    expect(result.error).toMatchObject({ kind: 'redirect', code: 'UNSUPPORTED_PROTOCOL' });
  });

  it('refuses a redirect loop with a clear reason', async () => {
    // Prepare
    const server = await track(
      startHttpServer((request, response) => {
        response.writeHead(302, { location: request.url === '/a' ? '/b' : '/a' }).end();
      }),
    );
    const probeTarget = target(`${server.origin}/a`);

    // Act
    const result = await transport.probe(probeTarget);

    // Assess
    expect(result.error).toMatchObject({ kind: 'redirect', code: 'REDIRECT_LOOP' });
    expect(result.error?.message).toContain(`${server.origin}/a was already requested`);
    expect(server.requests).toHaveLength(2);
    expect(judgeProbe(probeTarget, result).failures[0]?.assertion).toBe('redirect');
  });

  it('refuses to follow more than maxRedirects', async () => {
    // Prepare
    const server = await track(
      startHttpServer((request, response) => {
        const step = Number(request.url?.slice(1));
        response.writeHead(302, { location: `/${step + 1}` }).end();
      }),
    );

    // Act
    const result = await transport.probe(target(`${server.origin}/0`, { maxRedirects: 2 }));

    // Assess
    expect(result.error).toMatchObject({ kind: 'redirect', code: 'TOO_MANY_REDIRECTS' });
    expect(result.redirects).toEqual([`${server.origin}/1`, `${server.origin}/2`]);
    expect(server.requests).toHaveLength(3);
  });

  it('judges the 3xx itself when maxRedirects is 0', async () => {
    // Prepare
    const server = await track(
      startHttpServer((_request, response) => response.writeHead(308, { location: '/x' }).end()),
    );

    // Act
    const result = await transport.probe(target(server.origin, { maxRedirects: 0 }));

    // Assess
    expect(result).toMatchObject({ status: 308, redirects: [] });
    expect(result.error).toBeUndefined();
  });

  it('refuses a redirect to the metadata address before connecting, even with private addresses allowed', async () => {
    // Prepare
    const server = await track(
      startHttpServer((_request, response) => {
        response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/' }).end();
      }),
    );
    const probeTarget = target(server.origin);

    // Act
    const result = await transport.probe(probeTarget);

    // Assess
    expect(result.error).toEqual({
      kind: 'address-blocked',
      code: 'ADDRESS_METADATA',
      message:
        'redirect to http://169.254.169.254/latest/meta-data/iam/ refused: 169.254.169.254 is a metadata address; probes never connect to it',
    });
    expect(result.timings.connectMs).toBeUndefined();
    expect(result.status).toBeUndefined();
    expect(judgeProbe(probeTarget, result).failures[0]?.assertion).toBe('address-blocked');
  });

  it.each([
    ['http://169.254.169.254/', 'ADDRESS_METADATA'],
    ['http://[fd00:ec2::254]/', 'ADDRESS_METADATA'],
    ['http://[::ffff:169.254.169.254]/', 'ADDRESS_METADATA'],
    ['http://169.254.10.10/', 'ADDRESS_LINK_LOCAL'],
    ['http://[fe80::1]/', 'ADDRESS_LINK_LOCAL'],
  ])('refuses %s always', async (url, code) => {
    // Act
    const result = await transport.probe(target(url));

    // Assess
    expect(result.error).toMatchObject({ kind: 'address-blocked', code });
    expect(result.timings.connectMs).toBeUndefined();
  });

  it('refuses loopback when private addresses are not allowed, without sending a request', async () => {
    // Prepare
    const server = await track(startHttpServer((_request, response) => response.end('ok')));

    // Act
    const result = await transport.probe(target(server.origin, { allowPrivateAddresses: false }));

    // Assess
    expect(result.error).toMatchObject({ kind: 'address-blocked', code: 'ADDRESS_LOOPBACK' });
    expect(result.error?.message).toContain('allowPrivateAddresses');
    expect(server.requests).toHaveLength(0);
  });

  it('vets the addresses a hostname resolves to, not just IP literals', async () => {
    // Prepare
    const server = await track(startHttpServer((_request, response) => response.end('ok')));

    // Act
    const refused = await transport.probe(
      target(`http://localhost:${server.port}/`, { allowPrivateAddresses: false }),
    );
    const allowed = await transport.probe(target(`http://localhost:${server.port}/`));

    // Assess
    expect(refused.error?.message).toMatch(/is a loopback address.*\(localhost resolved to /);
    expect(allowed.status).toBe(200);
    expect(allowed.addresses.length).toBeGreaterThan(0);
    expect(allowed.timings.dnsMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a refused connection as a connection failure', async () => {
    // Prepare
    const server = await startSilentServer();
    await server.close();

    // Act
    const result = await transport.probe(target(server.origin));

    // Assess
    expect(result.error).toMatchObject({ kind: 'connection', code: 'ECONNREFUSED' });
  });

  it('reports a server that hangs up before answering as a connection failure', async () => {
    // Prepare
    const server = await track(startHttpServer((request) => request.socket.destroy()));

    // Act
    const result = await transport.probe(target(server.origin));

    // Assess
    expect(result.error).toMatchObject({ kind: 'connection', code: 'ECONNRESET' });
  });
});
