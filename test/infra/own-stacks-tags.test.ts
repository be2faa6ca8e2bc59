import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { checkTemplateCommand } from '../../cli/commands/check-template.js';
import { buildApp, deploymentTags } from '../../infra/build-app.js';
import { defaultCheckFunctions } from '../../infra/stacks/guardrails-stack.js';
import { loadConfig } from '../../shared/config/loader.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { memoryIo } from '../support/memory-io.js';
import { SYNTH_TIMEOUT_MS } from './support/cdk.js';

// Synthesizing hooks and tests share a loaded 2-core machine: a hang guard, not a timing assertion.
vi.setConfig({ hookTimeout: SYNTH_TIMEOUT_MS, testTimeout: SYNTH_TIMEOUT_MS });

const repoFile = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const FIXTURE_HANDLER = repoFile('test/fixtures/infra/handler.ts');
const EXAMPLE_CONFIG = repoFile('examples/demo-org/guardrails.config.yaml');
/** The feature flags `cdk synth` runs with, without bundling: tags do not depend on bundles. */
const CDK_CONTEXT = {
  ...(JSON.parse(readFileSync(repoFile('cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context,
  'aws:cdk:bundling-stacks': [],
};

/** The app as `cdk synth` builds it, without bundling: buildApp applies deployment.tags and the tag-policy gate. */
function synthesize(config: GuardrailsConfig, outdir: string): CloudAssembly {
  const { app } = buildApp(config, {
    outdir,
    context: CDK_CONTEXT,
    functions: defaultCheckFunctions(config).map((spec) => ({ ...spec, entry: FIXTURE_HANDLER })),
    nag: false,
  });
  return app.synth();
}

describe("the project's own stacks against the example tag policy", () => {
  const outdir = mkdtempSync(join(tmpdir(), 'guardrails-own-tags-'));
  let assembly: CloudAssembly;
  beforeAll(() => {
    assembly = synthesize(loadConfig(EXAMPLE_CONFIG), outdir);
  });

  it('pass check-template on their cdk.out', () => {
    // Act
    const io = memoryIo();
    const code = checkTemplateCommand([outdir], { config: EXAMPLE_CONFIG }, io);
    // Assess: the only line is the example waiver, whose resource is not in these stacks.
    expect(io.out()).toMatch(
      /^[^\n]*costPolicy\.waivers\[0\]: [^\n]*: no resource matches LegacyReportsVolume\n$/,
    );
    expect(code).toBe(0);
    expect(io.err()).toMatch(
      /^4 templates, [1-9]\d* resources: 0 blocking violations, 0 informational, 0 unresolved at synth/,
    );
  });

  it('carry deployment.tags and application=finops-guardrails', () => {
    const config = loadConfig(EXAMPLE_CONFIG);
    expect(deploymentTags(config)).toEqual({ ...config.deployment.tags, application: 'finops-guardrails' });
    const guardrails = assembly.stacks.find((s) => s.stackName === 'GuardrailsStack');
    const template = guardrails?.template as
      | { Resources: Record<string, { Properties: { Tags?: unknown } }> }
      | undefined;
    const table = template?.Resources.StateTable;
    expect(table?.Properties.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'application', Value: 'finops-guardrails' },
        { Key: 'cost-center', Value: 'cc-0100' },
      ]),
    );
  });

  it('fail synth when deployment.tags no longer meets the policy', () => {
    const config = loadConfig(EXAMPLE_CONFIG);
    const { 'cost-center': _, ...withoutCostCenter } = config.deployment.tags;
    const broken = { ...config, deployment: { ...config.deployment, tags: withoutCostCenter } };
    expect(() => synthesize(broken, mkdtempSync(join(tmpdir(), 'guardrails-own-tags-')))).toThrow(
      /missing cost-center/,
    );
  });

  it('pass the RequiredTagsAspect at synth', () => {
    const errors = assembly.stacks.flatMap((stack) =>
      stack.messages.filter((m) => m.level === 'error').map((m) => `${m.id}: ${String(m.entry.data)}`),
    );
    expect(errors).toEqual([]);
  });
});
