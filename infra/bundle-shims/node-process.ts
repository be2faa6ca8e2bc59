/**
 * `node:process` for the function bundles: the global `process`, which needs
 * no import. An ESM import of `node:process` builds the module's ESM facade,
 * which reads every property, including the lazy `report` getter that loads
 * Node's diagnostic report module: about 10 ms of CPU at every cold start on
 * our bench machine. function-bundle.ts aliases `process` and
 * `node:process` here; importing a name not exported here fails the build.
 */
export default process;
export const { argv, env, exit, nextTick, platform, version, versions } = process;
