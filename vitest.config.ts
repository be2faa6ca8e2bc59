import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Child-process tests run the CLI bundle: rebuild it when its sources changed.
    globalSetup: ['test/support/build-cli-bundle.ts'],
    // Files share a worker's module registry: importing the SDK and CDK once per
    // worker instead of once per file halves the suite's time. The setup file
    // undoes each file's global changes (mocked clients, env, timers).
    isolate: false,
    setupFiles: ['test/support/restore-between-files.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Infra tests synthesize stacks and bundle with esbuild; two workers match the 2-core CI machine.
    maxWorkers: 2,
    coverage: {
      provider: 'v8',
      include: ['shared/**/*.ts', 'functions/**/*.ts', 'cli/**/*.ts', 'infra/**/*.ts'],
      exclude: ['**/*.d.ts'],
      reporter: ['text-summary', 'json-summary'],
      thresholds: { lines: 80, functions: 80, statements: 80, branches: 70 },
    },
  },
});
