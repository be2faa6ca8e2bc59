import { lookup } from 'node:dns';
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as connectTls, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { ProbeTls } from '../../checks/probe/types.js';
import { vetAddress } from './address-guard.js';
import { abortable, errorCode, ProbeFailure } from './probe-failure.js';

/** What one hop observed so far; filled in as it goes, so a failure still reports what was seen. */
export interface HopObservation {
  addresses: string[];
  tls?: ProbeTls;
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
}

export type ProbePhase = 'dns' | 'connect' | 'tls' | 'headers' | 'body';

export interface OpenConnectionRequest {
  readonly url: URL;
  readonly allowPrivateAddresses: boolean;
  readonly signal: AbortSignal;
  readonly ca?: string | readonly string[];
  readonly servername?: string;
  readonly now: () => Date;
  readonly observation: HopObservation;
  /** Told each phase as it starts, so a timeout can say where it stopped. */
  readonly onPhase: (phase: ProbePhase) => void;
}

const dayMs = 86_400_000;

/**
 * Resolves, vets and connects (plus TLS for https). We connect to the exact
 * address we vetted rather than letting the socket resolve again, so a DNS
 * answer that changes between check and use (rebinding) cannot reach a
 * refused address. IP-literal hosts are vetted the same way.
 */
export async function openConnection(request: OpenConnectionRequest): Promise<Socket> {
  const { url, observation } = request;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const start = performance.now();

  request.onPhase('dns');
  observation.addresses = await resolveAddresses(hostname, request.signal);
  observation.dnsMs = performance.now() - start;
  for (const address of observation.addresses) {
    const verdict = vetAddress(address, request);
    if (!verdict.allowed) {
      const resolved = address === hostname ? '' : ` (${hostname} resolved to ${address})`;
      throw new ProbeFailure(
        'address-blocked',
        `ADDRESS_${verdict.addressClass.toUpperCase().replace('-', '_')}`,
        `${verdict.reason}${resolved}`,
      );
    }
  }

  request.onPhase('connect');
  const connectStart = performance.now();
  const socket = await connectFirst(observation.addresses, port, request.signal);
  observation.connectMs = performance.now() - connectStart;
  if (url.protocol !== 'https:') return socket;

  request.onPhase('tls');
  const tlsStart = performance.now();
  const tlsSocket = await startTls(socket, hostname, request).catch((failure: unknown) => {
    socket.destroy();
    throw failure;
  });
  observation.tlsMs = performance.now() - tlsStart;
  observation.tls = describePeer(tlsSocket, request.now());
  if (!tlsSocket.authorized) {
    tlsSocket.destroy();
    const code = observation.tls.authorizationError ?? 'TLS_UNAUTHORIZED';
    throw new ProbeFailure('tls', code, `certificate of ${url.host} rejected: ${code}`);
  }
  return tlsSocket;
}

function resolveAddresses(hostname: string, signal: AbortSignal): Promise<string[]> {
  if (isIP(hostname) !== 0) return Promise.resolve([hostname]);
  // dns.lookup cannot be cancelled; on abort we just stop waiting for it.
  return abortable<string[]>(signal, (resolve, reject) => {
    lookup(hostname, { all: true }, (error, answers) => {
      if (error) {
        const code = errorCode(error) ?? 'EDNS';
        reject(new ProbeFailure('dns', code, `DNS lookup of ${hostname} failed: ${code}`, { cause: error }));
      } else if (answers.length === 0) {
        reject(new ProbeFailure('dns', 'ENODATA', `DNS lookup of ${hostname} returned no address`));
      } else {
        resolve(answers.map((answer) => answer.address));
      }
    });
    return undefined;
  });
}

/** Tries each vetted address in order; the first that accepts wins. */
async function connectFirst(
  addresses: readonly string[],
  port: number,
  signal: AbortSignal,
): Promise<Socket> {
  let lastFailure: unknown;
  for (const address of addresses) {
    try {
      return await connectOne(address, port, signal);
    } catch (failure) {
      if (signal.aborted) throw failure;
      lastFailure = failure;
    }
  }
  throw lastFailure;
}

function connectOne(address: string, port: number, signal: AbortSignal): Promise<Socket> {
  return abortable<Socket>(signal, (resolve, reject) => {
    const socket = connectTcp({ host: address, port, noDelay: true });
    // A permanent listener: a late reset must never become an uncaught 'error'.
    // Whoever uses the socket next (TLS, HTTP) reports failures through its own listeners.
    socket.on('error', (error) => {
      const code = errorCode(error) ?? 'ECONNECT';
      reject(
        new ProbeFailure('connection', code, `connect to ${address} port ${port} failed: ${code}`, {
          cause: error,
        }),
      );
    });
    socket.once('connect', () => resolve(socket));
    return () => socket.destroy();
  });
}

function startTls(socket: Socket, hostname: string, request: OpenConnectionRequest): Promise<TLSSocket> {
  const servername = request.servername ?? (isIP(hostname) === 0 ? hostname : undefined);
  return abortable<TLSSocket>(request.signal, (resolve, reject) => {
    // rejectUnauthorized is off so that we can read the certificate of a server
    // we refuse; openConnection checks `authorized` before any byte of the request is written.
    const tlsSocket = connectTls({
      socket,
      host: servername ?? hostname,
      ...(servername === undefined ? {} : { servername }),
      ...(request.ca === undefined ? {} : { ca: [request.ca].flat() }),
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    tlsSocket.on('error', (error) => {
      const code = errorCode(error) ?? 'TLS_ERROR';
      reject(new ProbeFailure('tls', code, `TLS handshake failed: ${error.message}`, { cause: error }));
      tlsSocket.destroy();
    });
    tlsSocket.once('secureConnect', () => resolve(tlsSocket));
    return () => tlsSocket.destroy();
  });
}

function describePeer(socket: TLSSocket, now: Date): ProbeTls {
  const certificate = socket.getPeerCertificate();
  const validTo = new Date(certificate.valid_to);
  const daysLeft = Number.isNaN(validTo.getTime())
    ? 0
    : Math.round(((validTo.getTime() - now.getTime()) / dayMs) * 100) / 100;
  const authorizationError =
    socket.authorizationError === null ? undefined : String(socket.authorizationError);
  return {
    daysLeft,
    validTo: Number.isNaN(validTo.getTime()) ? new Date(0).toISOString() : validTo.toISOString(),
    subject: formatName(certificate.subject),
    issuer: formatName(certificate.issuer),
    authorized: socket.authorized,
    ...(authorizationError === undefined ? {} : { authorizationError }),
  };
}

function formatName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}
