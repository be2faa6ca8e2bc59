import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Vitest global setup: tests that start `bin/finops-guardrails.mjs` in a
 * child process run the bundle in dist/cli, so it is rebuilt first when any
 * of its sources changed (`npm ci` built it; an edit since would go untested).
 */
export default async function buildCliBundle(): Promise<void> {
  const root = join(import.meta.dirname, '..', '..');
  await promisify(execFile)(process.execPath, ['scripts/build-cli.mjs', '--if-stale'], { cwd: root });
}
