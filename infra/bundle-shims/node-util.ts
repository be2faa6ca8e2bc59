import { createRequire } from 'node:module';

/**
 * `node:util` for the function bundles, loaded with `require`. An ESM import
 * of `node:util` builds the module's ESM facade, which reads every export,
 * including lazy getters (`parseArgs`, `diff`, …) that load about a dozen
 * internal modules, `worker_threads` among them, which nothing here uses:
 * about 4 ms of CPU at every cold start on our bench machine (median of 41
 * fresh processes). function-bundle.ts aliases `util` and `node:util` here;
 * importing a name not exported here fails the build.
 */
const util = createRequire(import.meta.url)('node:util') as typeof import('node:util');

export default util;
// Plain functions and data (no lazy getter among them): what the bundled code imports, and the usual others.
export const {
  callbackify,
  deprecate,
  format,
  inherits,
  inspect,
  isDeepStrictEqual,
  promisify,
  types,
  TextDecoder,
  TextEncoder,
} = util;
