import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ProbeResult, ProbeTarget } from '../../checks/probe/types.js';
import { type HopObservation, openConnection, type ProbePhase } from './connect.js';
import { abortable, errorCode, ProbeFailure, toProbeError } from './probe-failure.js';
import { type HopRequest, nextRedirect } from './redirect-policy.js';

/** Per-call options that are deliberately not part of the config. */
export interface ProbeRequestOptions {
  /** PEM CA certificate(s) to trust instead of the default roots (tests, private PKI). */
  readonly ca?: string | readonly string[];
  /** SNI and certificate hostname for the target's own host (not for redirects elsewhere). */
  readonly tlsServername?: string;
}

export interface HttpProbeTransportOptions extends ProbeRequestOptions {
  /** Clock for certificate days-left; defaults to the system clock. */
  readonly now?: () => Date;
  readonly userAgent?: string;
}

/** The `ProbeTransport` port: one HTTP(S) probe, never throwing for a network failure. */
export interface ProbeTransport {
  probe(target: ProbeTarget, options?: ProbeRequestOptions): Promise<ProbeResult>;
}

interface BodyBuffer {
  chunks: Buffer[];
  bytes: number;
  truncated: boolean;
}

/**
 * Creates the HTTP(S) probe transport (node:http over our own vetted socket).
 * One timer bounds the whole probe, redirects included; bodies are capped at
 * `maxBodyBytes`; redirects and DNS answers to refused addresses are never connected to.
 * @example
 * const result = await createHttpProbeTransport().probe(probeTargetSchema.parse({ name: 'api', url }));
 */
export function createHttpProbeTransport(defaults: HttpProbeTransportOptions = {}): ProbeTransport {
  const now = defaults.now ?? (() => new Date());
  const userAgent = defaults.userAgent ?? 'finops-guardrails-probe/1';
  return {
    probe: (target, options = {}) => probeOnce(target, { ...defaults, ...options }, now, userAgent),
  };
}

async function probeOnce(
  target: ProbeTarget,
  options: ProbeRequestOptions,
  now: () => Date,
  userAgent: string,
): Promise<ProbeResult> {
  const started = performance.now();
  const result: ProbeResult = {
    target: target.name,
    url: target.url,
    startedAt: now().toISOString(),
    headers: {},
    body: '',
    bodyBytes: 0,
    bodyTruncated: false,
    redirects: [],
    addresses: [],
    timings: { totalMs: 0 },
  };
  let phase: ProbePhase = 'dns';
  const controller = new AbortController();
  const timer = setTimeout(() => {
    const message = `no complete response within ${target.timeoutMs} ms (stopped during ${phase})`;
    controller.abort(new ProbeFailure('timeout', 'TIMEOUT', message));
  }, target.timeoutMs);
  const sockets: Socket[] = [];
  const buffer: BodyBuffer = { chunks: [], bytes: 0, truncated: false };
  const originalHost = new URL(target.url).host;
  let hop: HopRequest = {
    url: new URL(target.url),
    method: target.method,
    headers: requestHeaders(target.headers, userAgent),
    body: target.body,
  };
  const visited = new Set([hop.url.href]);

  try {
    for (;;) {
      result.url = hop.url.href;
      // Each hop reports afresh: a failed hop must not show the previous hop's 302.
      result.status = undefined;
      result.headers = {};
      result.timings.ttfbMs = undefined;
      const observation: HopObservation = { addresses: [] };
      const hopStart = performance.now();
      try {
        const socket = await openConnection({
          url: hop.url,
          allowPrivateAddresses: target.allowPrivateAddresses,
          signal: controller.signal,
          now,
          observation,
          onPhase: (next) => {
            phase = next;
          },
          ...(options.ca === undefined ? {} : { ca: options.ca }),
          ...(options.tlsServername === undefined || hop.url.host !== originalHost
            ? {}
            : { servername: options.tlsServername }),
        });
        sockets.push(socket);
        phase = 'headers';
        const response = await sendRequest(socket, hop, controller.signal);
        result.timings.ttfbMs = performance.now() - hopStart;
        result.status = response.statusCode;
        result.headers = flattenHeaders(response.headers);

        const next = nextRedirect(response, hop, target, result.redirects.length, visited);
        if (next) {
          response.destroy();
          result.redirects.push(next.url.href);
          visited.add(next.url.href);
          hop = next;
          continue;
        }
        phase = 'body';
        await readBody(response, target.maxBodyBytes, buffer, controller.signal);
        return result;
      } finally {
        Object.assign(result, { addresses: observation.addresses, tls: observation.tls });
        Object.assign(result.timings, {
          dnsMs: observation.dnsMs,
          connectMs: observation.connectMs,
          tlsMs: observation.tlsMs,
        });
      }
    }
  } catch (error) {
    result.error = toProbeError(error);
    if (result.redirects.length > 0 && result.error.kind === 'address-blocked') {
      result.error.message = `redirect to ${result.url} refused: ${result.error.message}`;
    }
    return result;
  } finally {
    clearTimeout(timer);
    for (const socket of sockets) socket.destroy();
    const body = Buffer.concat(buffer.chunks);
    result.body = body.toString('utf8');
    result.bodyBytes = body.length;
    result.bodyTruncated = buffer.truncated;
    result.timings.totalMs = performance.now() - started;
    tidyResult(result);
  }
}

/**
 * The request headers. A value still naming a secret means the caller did not
 * resolve it (see `resolveProbeSecrets`): refused, never sent as text.
 */
function requestHeaders(configured: ProbeTarget['headers'], userAgent: string): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': userAgent, accept: '*/*' };
  for (const [name, value] of Object.entries(configured)) {
    if (typeof value !== 'string') {
      throw new ProbeFailure('internal', 'UNRESOLVED_SECRET', `header ${name}: its secret was not resolved`);
    }
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

function sendRequest(socket: Socket, hop: HopRequest, signal: AbortSignal): Promise<IncomingMessage> {
  return abortable<IncomingMessage>(signal, (resolve, reject) => {
    const request = httpRequest({
      method: hop.method,
      path: `${hop.url.pathname}${hop.url.search}`,
      headers: { host: hop.url.host, ...hop.headers },
      setHost: false,
      // The socket is already connected, vetted and (for https) verified.
      createConnection: () => socket,
    });
    request.on('error', (error) => {
      const code = errorCode(error) ?? 'EREQUEST';
      reject(
        new ProbeFailure('connection', code, `request to ${hop.url.host} failed: ${error.message}`, {
          cause: error,
        }),
      );
    });
    request.once('response', resolve);
    request.end(hop.body);
    return () => request.destroy();
  });
}

/** Reads the body into `buffer`, keeping at most `maxBytes`; past the cap the socket is destroyed. */
function readBody(
  response: IncomingMessage,
  maxBytes: number,
  buffer: BodyBuffer,
  signal: AbortSignal,
): Promise<void> {
  return abortable<void>(signal, (resolve, reject) => {
    response.on('data', (chunk: Buffer) => {
      const room = maxBytes - buffer.bytes;
      if (chunk.length <= room) {
        buffer.chunks.push(chunk);
        buffer.bytes += chunk.length;
        return;
      }
      if (room > 0) buffer.chunks.push(chunk.subarray(0, room));
      buffer.bytes = maxBytes;
      buffer.truncated = true;
      response.destroy();
      resolve();
    });
    response.on('error', (error) => {
      const code = errorCode(error) ?? 'ECONNRESET';
      reject(
        new ProbeFailure(
          'connection',
          code,
          `connection closed before the body was complete: ${error.message}`,
          { cause: error },
        ),
      );
    });
    response.once('end', () => resolve());
    return () => response.destroy();
  });
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Keeps the result JSON-clean: optional fields are absent, not `undefined`; timings in 0.01 ms. */
function tidyResult(result: ProbeResult): void {
  for (const record of [result, result.timings] as Record<string, unknown>[]) {
    for (const [key, value] of Object.entries(record)) {
      if (value === undefined) delete record[key];
      else if (record === result.timings && typeof value === 'number')
        record[key] = Math.round(value * 100) / 100;
    }
  }
}
