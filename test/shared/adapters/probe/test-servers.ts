import type { Server as HttpServer, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  type AddressInfo,
  createServer as createTcpServer,
  type Socket,
  type Server as TcpServer,
} from 'node:net';
import type { ServerCredentials } from './certificates.js';

/** A real server on 127.0.0.1 with an ephemeral port, closed (connections included) by `close`. */
export interface TestServer {
  readonly port: number;
  readonly origin: string;
  /** Requests that reached the handler, in order. */
  readonly requests: IncomingMessage[];
  readonly close: () => Promise<void>;
}

export type Handler = (request: IncomingMessage, response: ServerResponse) => void;

async function listen(server: HttpServer | TcpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function serve(
  server: HttpServer,
  scheme: 'http' | 'https',
  requests: IncomingMessage[],
): Promise<TestServer> {
  const port = await listen(server);
  return {
    port,
    origin: `${scheme}://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function recording(handler: Handler, requests: IncomingMessage[]): RequestListener {
  return (request, response) => {
    requests.push(request);
    handler(request, response);
  };
}

export function startHttpServer(handler: Handler): Promise<TestServer> {
  const requests: IncomingMessage[] = [];
  return serve(createHttpServer(recording(handler, requests)), 'http', requests);
}

export function startHttpsServer(credentials: ServerCredentials, handler: Handler): Promise<TestServer> {
  const requests: IncomingMessage[] = [];
  return serve(createHttpsServer(credentials, recording(handler, requests)), 'https', requests);
}

/** Accepts TCP connections and never writes a byte. */
export async function startSilentServer(): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    requests: [],
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
