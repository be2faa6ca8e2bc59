import { createRequire } from 'node:module';

/**
 * `node:http` for the function bundles, loaded with `require`. An ESM import
 * of `node:http` builds the module's ESM facade, which reads every export,
 * including the lazy `WebSocket`, `CloseEvent` and `MessageEvent` getters
 * that load Node's bundled undici: about 40 ms of CPU at every cold start on
 * our bench machine, for classes nothing here uses. `require` reads no
 * export it is not asked for. function-bundle.ts aliases `http` and
 * `node:http` to this module; an import of a name not exported here fails
 * the build, never a cold start.
 */
const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');

export default http;
export const { Agent, METHODS, STATUS_CODES, createServer, get, globalAgent, request } = http;
