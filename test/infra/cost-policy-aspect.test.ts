import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, AspectPriority, Aspects, CfnResource, Fn, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { CfnNatGateway, CfnSecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { CostPolicyAspect } from '../../infra/aspects/cost-policy-aspect.js';
import { buildApp } from '../../infra/build-app.js';
import { defaultCheckFunctions } from '../../infra/stacks/guardrails-stack.js';
import { type CostPolicy, costPolicySchema } from '../../shared/config/cost-policy-schema.js';
import { loadConfig } from '../../shared/config/loader.js';

const policy: CostPolicy = costPolicySchema.parse({
  rules: [
    { id: 'log-retention', kind: 'log-retention', maxDays: 90 },
    { id: 'bucket-lifecycle', kind: 's3-lifecycle' },
    {
      id: 'no-nat-in-dev',
      kind: 'resource-limit',
      resourceType: 'AWS::EC2::NatGateway',
      max: 0,
      environments: ['dev'],
    },
    { id: 'egress', kind: 'egress', allowedEnvironments: ['prod'] },
  ],
  waivers: [
    { rule: 'bucket-lifecycle', resource: 'Legacy*', reason: 'archived in Q1', expires: '2027-01-31' },
  ],
});

/** A stack checked by the aspect; Tags.of runs after the aspect is added, as in a real app. */
function stackWith(build: (stack: Stack) => void, environment = 'dev'): Stack {
  const app = new App();
  const stack = new Stack(app, 'Checked');
  Aspects.of(app).add(new CostPolicyAspect(policy, { now: new Date('2026-11-20T00:00:00Z') }), {
    priority: AspectPriority.READONLY,
  });
  build(stack);
  Tags.of(app).add('environment', environment);
  return stack;
}

// Synthesis on a loaded 2-core machine can take tens of seconds: a generous budget, not a timed assertion.
describe('CostPolicyAspect', { timeout: 120_000 }, () => {
  it('adds an error per violation on the resource, with the rule id and the fix', () => {
    // Prepare
    const stack = stackWith((s) => {
      new LogGroup(s, 'Logs', { retention: RetentionDays.INFINITE });
      new CfnBucket(s, 'Exports');
      new CfnNatGateway(s, 'Nat', { subnetId: 'subnet-1' });
    });
    // Act
    const annotations = Annotations.fromStack(stack);
    // Assess
    annotations.hasError(
      '/Checked/Logs/Resource',
      Match.stringLikeRegexp(
        '^Logs[0-9A-F]{8} \\(AWS::Logs::LogGroup\\): log-retention: this log group never expires \\(fix: ',
      ),
    );
    annotations.hasError(
      '/Checked/Exports',
      Match.stringLikeRegexp('bucket-lifecycle: has no lifecycle configuration'),
    );
    annotations.hasError(
      '/Checked/Nat',
      Match.stringLikeRegexp('no-nat-in-dev: AWS::EC2::NatGateway is not allowed in dev'),
    );
    annotations.hasError('/Checked/Nat', Match.stringLikeRegexp('egress: a public NAT gateway in dev'));
  });

  it('judges the stack after every aspect ran: tags added later decide the environment', () => {
    const stack = stackWith((s) => {
      new CfnNatGateway(s, 'Nat', { subnetId: 'subnet-1' });
      new CfnSecurityGroup(s, 'Sg', { groupDescription: 'x' });
    }, 'prod');
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  it('accepts compliant resources, and warns on waived and unresolved ones', () => {
    const stack = stackWith((s) => {
      new LogGroup(s, 'Logs', { retention: RetentionDays.ONE_MONTH });
      new CfnResource(s, 'LegacyBucket', { type: 'AWS::S3::Bucket' }).overrideLogicalId('LegacyBucket');
      new CfnResource(s, 'Maybe', {
        type: 'AWS::Logs::LogGroup',
        properties: { RetentionInDays: Fn.conditionIf('Long', 3653, 30) },
      }).overrideLogicalId('Maybe');
    });
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    annotations.hasWarning(
      '/Checked/LegacyBucket',
      Match.stringLikeRegexp(
        '^LegacyBucket \\(AWS::S3::Bucket\\): bucket-lifecycle: waived until 2027-01-31 \\(archived in Q1\\)',
      ),
    );
    annotations.hasWarning(
      '/Checked/Maybe',
      Match.stringLikeRegexp(
        'log-retention: unresolved at synth: depends on Fn::If Long.*3653 days non-compliant; 30 days compliant',
      ),
    );
  });
});

// That they synthesize with no error is in own-stacks-tags.test.ts (every error annotation, cost rules included).
describe("the project's own stacks against the example cost policy", { timeout: 120_000 }, () => {
  const repoFile = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
  const example = loadConfig(repoFile('examples/demo-org/guardrails.config.yaml'));
  const context = {
    ...(JSON.parse(readFileSync(repoFile('cdk.json'), 'utf8')) as { context: Record<string, unknown> })
      .context,
    'aws:cdk:bundling-stacks': [],
  };
  const synth = (config: typeof example) =>
    buildApp(config, {
      outdir: mkdtempSync(join(tmpdir(), 'guardrails-own-cost-')),
      context,
      functions: defaultCheckFunctions(config).map((spec) => ({
        ...spec,
        entry: repoFile('test/fixtures/infra/handler.ts'),
      })),
      nag: false,
    }).app.synth();

  it('fail synth when their log retention exceeds the policy', () => {
    const longLogs = { ...example, deployment: { ...example.deployment, logRetentionDays: 3653 } };
    expect(() => synth(longLogs)).toThrow(
      /log-retention: its log group .* keeps logs 3653 days, more than 400/,
    );
  });
});
