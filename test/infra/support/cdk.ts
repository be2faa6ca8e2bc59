import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Template } from 'aws-cdk-lib/assertions';

/**
 * Time a synthesizing hook or test may take before it counts as hung. A
 * synth takes 1-2 s alone, but this 2-core machine runs several suites at
 * once; a guard against hangs, never a performance assertion.
 */
export const SYNTH_TIMEOUT_MS = 180_000;

/** An absolute path in the repository. */
export const repoFile = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** A real, small handler for infra tests; bundling it for real is still about a second. */
export const FIXTURE_HANDLER = repoFile('test/fixtures/infra/handler.ts');

/** The feature flags `cdk synth` runs with (cdk.json), so the tests build what the CLI builds. */
export const CDK_CONTEXT: Readonly<Record<string, unknown>> = (
  JSON.parse(readFileSync(repoFile('cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

/**
 * The same, with bundling skipped (`aws:cdk:bundling-stacks` empty, what
 * `cdk synth --exclusively` uses): assets keep a hash and a path, esbuild is
 * not run. Templates are otherwise identical; only tests of the bundles
 * themselves need real bundling.
 */
export const NO_BUNDLING: Readonly<Record<string, unknown>> = {
  ...CDK_CONTEXT,
  'aws:cdk:bundling-stacks': [],
};

/**
 * Synthesizes once per key and file: tests of one file share the template
 * instead of each describe block synthesizing (and, with bundling, running
 * esbuild) again.
 */
export function memoized<T>(build: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = build(key);
      cache.set(key, value);
    }
    return value;
  };
}

/** Every statement of the identity policies attached to the role whose logical id starts with `rolePrefix`. */
export function statementsOf(template: Template, rolePrefix: string): Array<Record<string, unknown>> {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) =>
      (policy.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref.startsWith(rolePrefix)),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>);
}
