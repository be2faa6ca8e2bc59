import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTemplateCommand } from '../../cli/commands/check-template.js';
import { memoryIo } from './memory-io.js';

/** The gate's regression templates, written for the bug classes the sample runs found (their README). */
export const CFN_GATE_FIXTURES = fileURLToPath(new URL('../fixtures/cfn-gate/', import.meta.url));

/**
 * Runs `check-template` on one fixture with a fixture config (default
 * `gate.config.yaml`), at a fixed `now`. `lines` holds one finding a line,
 * without the file name, so the expectations read as the report does.
 */
export function checkGateFixture(
  name: string,
  options: { readonly config?: string; readonly stackTags?: string } = {},
) {
  const file = join(CFN_GATE_FIXTURES, name);
  const io = memoryIo();
  const code = checkTemplateCommand(
    [file],
    {
      config: join(CFN_GATE_FIXTURES, options.config ?? 'gate.config.yaml'),
      ...(options.stackTags !== undefined && { stackTags: options.stackTags }),
      now: '2026-12-01T00:00:00Z',
    },
    io,
  );
  const lines = io
    .out()
    .trimEnd()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.slice(file.length));
  return { code, lines, err: io.err() };
}
