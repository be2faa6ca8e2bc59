import { build } from 'esbuild';
import { describe, expect, it, vi } from 'vitest';
import {
  functionBuildOptions,
  UNREACHED_CREDENTIAL_PROVIDERS,
} from '../../infra/constructs/function-bundle.js';
import { repoFile, SYNTH_TIMEOUT_MS } from './support/cdk.js';

// One real esbuild bundle on a shared 2-core machine: a hang guard, not a timing assertion.
vi.setConfig({ testTimeout: SYNTH_TIMEOUT_MS });

describe('the credential providers left out of the bundles', () => {
  it('are only ever imported lazily, so a bundle loads without them and Lambda never reaches them', async () => {
    // Bundled as GuardrailFunction does (function-bundle.ts); every output file, chunks included.
    const result = await build({
      ...functionBuildOptions({
        entry: repoFile('functions/probe/handler.ts'),
        outdir: 'out',
        sourcemap: false,
      }),
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles
      .filter((f) => f.path.endsWith('.mjs'))
      .map((f) => f.text)
      .join('\n');
    for (const pkg of UNREACHED_CREDENTIAL_PROVIDERS) {
      const escaped = pkg.replace(/[/.-]/g, '\\$&');
      // No static `import … from "<pkg>"`: that would load (and fail) at cold start.
      expect(code, pkg).not.toMatch(new RegExp(`\\bfrom\\s*["']${escaped}["']`));
      expect(code, pkg).not.toMatch(new RegExp(`^import\\s*["']${escaped}["']`, 'm'));
    }
    // The default chain still reaches them, lazily, when the environment holds no credentials.
    expect(code).toMatch(/import\(\s*["']@aws-sdk\/credential-provider-sso["']\s*\)/);
    // The environment provider, which Lambda's credentials go through, stays in the bundle.
    expect(code).toContain('AWS_SECRET_ACCESS_KEY');
  });
});
