import { createRequire } from 'node:module';
import type Sinon from 'sinon';
import { afterAll, vi } from 'vitest';

// aws-sdk-client-mock require()s sinon: its CommonJS build, a different
// instance from the ESM build an `import` would load.
const sinon = createRequire(import.meta.url)('sinon') as Sinon.SinonStatic;

/**
 * The suite runs test files one after another in each worker without a fresh
 * module registry (`isolate: false` in vitest.config.ts): re-importing the
 * SDK and CDK for each of ~170 files cost most of the suite's time. What a
 * file changes globally is undone when it ends, so the next file starts
 * clean: `aws-sdk-client-mock` stubs live in sinon's default sandbox (a
 * client mocked in one file would otherwise answer an integration test's
 * real requests), and env, globals, spies, timers and `vi.setConfig` timeouts are vitest's.
 */
afterAll(() => {
  sinon.restore();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.useRealTimers();
  vi.resetConfig();
});
