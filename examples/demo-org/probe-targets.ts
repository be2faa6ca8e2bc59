import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import type { ProbeTargetInput } from '../../shared/checks/probe/types.js';

const DAY_MS = 86_400_000;

export interface DemoProbeTargets {
  /** Ready for `probeTargetSchema.parse`: healthy, failing (503), and HTTPS expiring in 5 days. */
  readonly targets: ProbeTargetInput[];
  /** PEM of the demo CA: pass it as the transport's `ca` so the HTTPS target fails on days left, not on trust. */
  readonly ca: string;
  close(): Promise<void>;
}

export interface DemoProbeTargetOptions {
  /** Ports for healthy, failing and expiring; default 0 (ephemeral), so the demo never collides with a busy port. */
  readonly ports?: readonly [number, number, number];
  /** Certificate clock; default now. */
  readonly now?: Date;
}

/**
 * Starts three loopback targets for the demo: `demo-healthy` (200
 * `{"status":"ok"}`), `demo-failing` (503) and `demo-cert-expiring` (HTTPS
 * with a certificate, signed by a CA made at start, that expires in 5 days).
 * Their failure threshold is 1 so that a single `npm start` run shows the
 * pages; real targets keep the default of 2.
 *
 * @example
 * const demo = await startDemoProbeTargets();
 * const check = probeCheck({ transport: createHttpProbeTransport({ ca: demo.ca }), location: 'local' }, { targets: demo.targets.map((t) => probeTargetSchema.parse(t)) });
 * await demo.close();
 */
export async function startDemoProbeTargets(options: DemoProbeTargetOptions = {}): Promise<DemoProbeTargets> {
  const [healthyPort = 0, failingPort = 0, expiringPort = 0] = options.ports ?? [];
  const pki = await demoCertificates(options.now ?? new Date());
  const servers: Server[] = [];
  const close = async () => {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  };
  try {
    const healthy = await listen(servers, createHttpServer(json(200, { status: 'ok' })), healthyPort);
    const failing = await listen(
      servers,
      createHttpServer(json(503, { status: 'unavailable' })),
      failingPort,
    );
    const expiring = await listen(
      servers,
      createHttpsServer({ key: pki.key, cert: pki.cert }, json(200, { status: 'ok' })),
      expiringPort,
    );
    const demo = { allowPrivateAddresses: true, failureThreshold: 1, successThreshold: 2, timeoutMs: 3_000 };
    return {
      targets: [
        {
          name: 'demo-healthy',
          url: `http://127.0.0.1:${healthy}/health`,
          expect: { json: [{ path: '$.status', equals: 'ok' }] },
          ...demo,
        },
        { name: 'demo-failing', url: `http://127.0.0.1:${failing}/health`, ...demo },
        { name: 'demo-cert-expiring', url: `https://127.0.0.1:${expiring}/health`, ...demo },
      ],
      ca: pki.ca,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function json(status: number, body: unknown) {
  const text = JSON.stringify(body);
  return (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(text);
  };
}

async function listen(servers: Server[], server: Server, port: number): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** A throwaway CA and a leaf for 127.0.0.1/localhost that expires 5 days from `now` (pure JS, any machine). */
async function demoCertificates(now: Date): Promise<{ ca: string; key: string; cert: string }> {
  const notBeforeDate = new Date(now.getTime() - 3_600_000);
  const ca = await generate([{ name: 'commonName', value: 'finops-guardrails demo CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(now.getTime() + 30 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(now.getTime() + 5 * DAY_MS),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { ca: ca.cert, key: leaf.private, cert: leaf.cert };
}
