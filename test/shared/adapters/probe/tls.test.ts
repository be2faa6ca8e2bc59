import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpProbeTransport } from '../../../../shared/adapters/probe/http-transport.js';
import { judgeProbe } from '../../../../shared/checks/probe/assertions.js';
import { type ProbeTargetInput, probeTargetSchema } from '../../../../shared/checks/probe/types.js';
import { generateTestCertificates, type ServerCredentials, type TestCertificates } from './certificates.js';
import { startHttpServer, startHttpsServer, type TestServer } from './test-servers.js';

let certificates: TestCertificates;
const servers: TestServer[] = [];

beforeAll(() => {
  certificates = generateTestCertificates();
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  certificates.cleanup();
});

async function httpsServer(credentials: ServerCredentials): Promise<TestServer> {
  const server = await startHttpsServer(credentials, (_request, response) => response.end('secure'));
  servers.push(server);
  return server;
}

function target(url: string, overrides: Partial<ProbeTargetInput> = {}) {
  return probeTargetSchema.parse({ name: 'secure-api', url, allowPrivateAddresses: true, ...overrides });
}

describe('https probe transport', () => {
  it('reports the certificate of a trusted server and passes the judge', async () => {
    // Prepare
    const server = await httpsServer(certificates.valid);
    const probeTarget = target(`https://localhost:${server.port}/`);

    // Act
    const result = await createHttpProbeTransport({ ca: certificates.ca }).probe(probeTarget);

    // Assess
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(200);
    expect(result.tls).toMatchObject({
      authorized: true,
      subject: 'CN=localhost',
      issuer: 'CN=Probe Test CA',
    });
    expect(result.tls?.daysLeft).toBeGreaterThan(89);
    expect(result.timings.tlsMs).toBeGreaterThan(0);
    expect(judgeProbe(probeTarget, result).passed).toBe(true);
  });

  it('verifies an IP-literal host against the certificate IP address', async () => {
    // Prepare
    const server = await httpsServer(certificates.valid);

    // Act
    const result = await createHttpProbeTransport({ ca: certificates.ca }).probe(target(server.origin));

    // Assess
    expect(result.error).toBeUndefined();
    expect(result.tls?.authorized).toBe(true);
  });

  it('fails a self-signed certificate with its reason and never sends the request', async () => {
    // Prepare
    const server = await httpsServer(certificates.selfSigned);
    const probeTarget = target(server.origin);

    // Act
    const result = await createHttpProbeTransport().probe(probeTarget);

    // Assess
    expect(result.error).toMatchObject({ kind: 'tls', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(result.tls).toMatchObject({
      authorized: false,
      authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(server.requests).toHaveLength(0);
    expect(judgeProbe(probeTarget, result).failures).toEqual([
      expect.objectContaining({ assertion: 'tls', actual: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
    ]);
  });

  it('fails a certificate from an untrusted CA', async () => {
    // Prepare
    const server = await httpsServer(certificates.valid);

    // Act
    const result = await createHttpProbeTransport().probe(target(server.origin));

    // Assess
    expect(result.error).toMatchObject({ kind: 'tls', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  });

  it('fails an expired certificate and reports when it expired', async () => {
    // Prepare
    const server = await httpsServer(certificates.expired);

    // Act
    const result = await createHttpProbeTransport({ ca: certificates.ca }).probe(target(server.origin));

    // Assess
    expect(result.error).toMatchObject({ kind: 'tls', code: 'CERT_HAS_EXPIRED' });
    expect(result.tls?.validTo).toBe('2020-02-01T00:00:00.000Z');
    expect(result.tls?.daysLeft).toBeLessThan(0);
  });

  it('fails a certificate issued for another hostname', async () => {
    // Prepare
    const server = await httpsServer(certificates.otherHost);

    // Act
    const result = await createHttpProbeTransport({ ca: certificates.ca }).probe(
      target(`https://localhost:${server.port}/`),
    );

    // Assess
    expect(result.error).toMatchObject({ kind: 'tls', code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(server.requests).toHaveLength(0);
  });

  it('accepts that certificate when tlsServername names its host', async () => {
    // Prepare
    const server = await httpsServer(certificates.otherHost);

    // Act
    const result = await createHttpProbeTransport({ ca: certificates.ca }).probe(target(server.origin), {
      tlsServername: 'other.example',
    });

    // Assess
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(200);
  });

  it('reports about 5 days left on a valid certificate close to expiry, which the judge fails at 14', async () => {
    // Prepare
    const server = await httpsServer(certificates.expiringSoon);
    const probeTarget = target(server.origin);
    const lenientTarget = target(server.origin, { expect: { certDaysLeft: 3 } });

    // Act
    const result = await createHttpProbeTransport({ ca: certificates.ca }).probe(probeTarget);

    // Assess
    expect(result.error).toBeUndefined();
    expect(result.tls?.authorized).toBe(true);
    expect(result.tls?.daysLeft).toBeGreaterThan(4.9);
    expect(result.tls?.daysLeft).toBeLessThanOrEqual(5);
    expect(judgeProbe(probeTarget, result).failures).toEqual([
      expect.objectContaining({ assertion: 'cert-days-left', expected: 14, actual: result.tls?.daysLeft }),
    ]);
    expect(judgeProbe(lenientTarget, result).passed).toBe(true);
  });

  it('refuses a redirect from https down to http without sending the request', async () => {
    // Prepare
    const plain = await startHttpServer((_request, response) => response.end('plain'));
    servers.push(plain);
    const secure = await startHttpsServer(certificates.valid, (_request, response) =>
      response.writeHead(301, { location: `${plain.origin}/` }).end(),
    );
    servers.push(secure);
    const probeTarget = target(secure.origin, { headers: { 'X-Api-Key': 'key-123' } });

    // Act
    const result = await createHttpProbeTransport({ ca: certificates.ca }).probe(probeTarget);

    // Assess
    expect(result.error).toMatchObject({ kind: 'redirect', code: 'HTTPS_DOWNGRADE' });
    expect(result.error?.message).toContain(`to ${plain.origin}/ refused`);
    expect(plain.requests).toHaveLength(0);
    expect(judgeProbe(probeTarget, result).failures[0]?.assertion).toBe('redirect');
  });

  it('computes days left from the injected clock', async () => {
    // Prepare
    const server = await httpsServer(certificates.valid);
    const farFuture = () => new Date('2100-01-01T00:00:00Z');

    // Act
    const result = await createHttpProbeTransport({ ca: certificates.ca, now: farFuture }).probe(
      target(server.origin),
    );

    // Assess
    expect(result.startedAt).toBe('2100-01-01T00:00:00.000Z');
    expect(result.tls?.daysLeft).toBeLessThan(0);
  });
});
