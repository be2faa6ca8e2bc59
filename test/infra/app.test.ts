import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type BuildAppOptions,
  buildApp,
  type GuardrailsApp,
  resolvePlacement,
} from '../../infra/build-app.js';
import { defaultCheckFunctions } from '../../infra/stacks/guardrails-stack.js';
import { loadConfig } from '../../shared/config/loader.js';
import { configSchema, type GuardrailsConfig } from '../../shared/config/schema.js';
import { ConfigError } from '../../shared/core/errors.js';
import { SYNTH_TIMEOUT_MS } from './support/cdk.js';

// Synthesizing hooks and tests share a loaded 2-core machine: a hang guard, not a timing assertion.
vi.setConfig({ hookTimeout: SYNTH_TIMEOUT_MS, testTimeout: SYNTH_TIMEOUT_MS });

const repoFile = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const FIXTURE_HANDLER = repoFile('test/fixtures/infra/handler.ts');
const CDK_CONTEXT = (
  JSON.parse(readFileSync(repoFile('cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;
const NO_BUNDLING = { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] };
const exampleConfig = loadConfig(repoFile('examples/demo-org/guardrails.config.yaml'));
/** Single-account mode: no account id anywhere, everything in the account the CLI deploys to. */
const singleAccountConfig = configSchema.parse({ version: 1 });
const DEPLOYING_ACCOUNT = '999999999999';

/** `cdk synth` of the app, with the fixture handler in place of every real one. */
function build(config: GuardrailsConfig, options: BuildAppOptions = {}): GuardrailsApp {
  return buildApp(config, {
    context: NO_BUNDLING,
    functions: defaultCheckFunctions(config).map((spec) => ({ ...spec, entry: FIXTURE_HANDLER })),
    probeEntry: FIXTURE_HANDLER,
    supportEntry: FIXTURE_HANDLER,
    ...options,
  });
}

function stacksOf(built: GuardrailsApp): Stack[] {
  return [built.guardrails, built.managementAccess, built.memberReadRole, built.probe].filter(
    (stack): stack is Stack => stack !== undefined,
  );
}

function violationsIn(outdir: string): string[] {
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: Array<{ pluginName: string; violations: Array<{ ruleName: string }> }>;
  };
  return report.pluginReports.flatMap((r) => r.violations.map((v) => `${r.pluginName}: ${v.ruleName}`));
}

/** The template with asset hashes (bundle contents, esbuild version) replaced, so snapshots show intent only. */
function normalisedTemplate(stack: Stack): unknown {
  const text = JSON.stringify(Template.fromStack(stack).toJSON());
  return JSON.parse(text.replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}

describe('the app built from the example config', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'guardrails-app-'));
  let built: GuardrailsApp;
  beforeAll(() => {
    // Bundled for real, as `cdk synth` does; synth throws on an unacknowledged cdk-nag error.
    built = build(exampleConfig, { outdir, context: CDK_CONTEXT });
    built.app.synth();
  });

  it('synthesizes the four stacks of the topology, each in its account and region', () => {
    const placed = Object.fromEntries(
      stacksOf(built).map((s) => [s.stackName, `${s.account}/${s.region}`] as const),
    );
    expect(placed).toEqual({
      GuardrailsStack: '100000000002/us-east-1',
      ManagementAccessStack: '100000000001/us-east-1',
      MemberReadRole: '100000000001/us-east-1',
      // No observer account in the example: the probe follows the tooling account, in its own region.
      ProbeStack: '100000000002/us-west-2',
    });
  });

  it('leaves nothing unacknowledged by cdk-nag, not even a warning', () => {
    expect(violationsIn(outdir)).toEqual([]);
  });

  it('shares no CloudFormation export between stacks, which live in different accounts', () => {
    for (const stack of stacksOf(built)) {
      const template = JSON.stringify(Template.fromStack(stack).toJSON());
      expect(template).not.toContain('Fn::ImportValue');
      expect(template).not.toContain('"Export"');
    }
  });

  it('points the probe at the queue GuardrailsStack creates under its fixed name', () => {
    const guardrails = Template.fromStack(built.guardrails);
    guardrails.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'finops-guardrails-incidents' });
    const probe = JSON.stringify(Template.fromStack(built.probe).toJSON());
    expect(probe).toContain(':sqs:us-east-1:100000000002:finops-guardrails-incidents');
    expect(probe).toContain('/100000000002/finops-guardrails-incidents');
  });

  it("lets only the probe's role send to the incident queue and use the data key for it", () => {
    const template = JSON.stringify(Template.fromStack(built.guardrails).toJSON());
    expect(template).toContain(':iam::100000000002:role/ProbeStack-ProbeRole*');
    const queuePolicy = Object.values(
      Template.fromStack(built.guardrails).findResources('AWS::SQS::QueuePolicy'),
    )
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>)
      .find((s) => s.Effect === 'Allow');
    expect(queuePolicy).toMatchObject({
      Action: 'sqs:SendMessage',
      Principal: { AWS: 'arn:aws:iam::100000000002:root' },
      Condition: { ArnLike: { 'aws:PrincipalArn': expect.anything() } },
    });
  });

  it('alarms in the tooling account when nobody drains the incident queue', () => {
    Template.fromStack(built.guardrails).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 900,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmTopic') }],
    });
  });

  it.each(['GuardrailsStack', 'ManagementAccessStack', 'MemberReadRole', 'ProbeStack'])(
    'matches the %s snapshot',
    (name) => {
      const stack = stacksOf(built).find((s) => s.stackName === name);
      expect(stack).toBeDefined();
      if (stack) expect(normalisedTemplate(stack)).toMatchSnapshot();
    },
  );
});

describe('the app in single-account mode', () => {
  it('puts every stack in the deploying account, still as separate stacks, cdk-nag clean', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'guardrails-single-'));
    const built = build(singleAccountConfig, {
      outdir,
      defaultEnv: { account: DEPLOYING_ACCOUNT, region: 'eu-central-1' },
    });
    built.app.synth();
    expect(stacksOf(built).map((s) => `${s.stackName} ${s.account}/${s.region}`)).toEqual([
      `GuardrailsStack ${DEPLOYING_ACCOUNT}/us-east-1`,
      `MemberReadRole ${DEPLOYING_ACCOUNT}/us-east-1`,
      `ProbeStack ${DEPLOYING_ACCOUNT}/us-west-2`,
    ]);
    expect(violationsIn(outdir)).toEqual([]);
    const probe = JSON.stringify(Template.fromStack(built.probe).toJSON());
    expect(probe).toContain(`:${DEPLOYING_ACCOUNT}:finops-guardrails-incidents`);
  });

  it('deploys no management account stack: the checks read Organizations, Cost Explorer and Budgets with their own roles', () => {
    const built = build(singleAccountConfig, { nag: false });
    expect(built.managementAccess).toBeUndefined();
    const guardrails = JSON.stringify(Template.fromStack(built.guardrails).toJSON());
    // No tag policy in this config, so no tag-coverage and no Organizations read.
    for (const action of ['ce:GetCostAndUsage', 'ce:GetAnomalies', 'budgets:ViewBudget'])
      expect(guardrails).toContain(action);
    expect(guardrails).not.toContain('FinopsGuardrailsManagementRead');
  });

  it('synthesizes environment-agnostic stacks that resolve every account to their own, without credentials', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'guardrails-agnostic-'));
    const built = build(singleAccountConfig, { outdir });
    built.app.synth();
    expect(violationsIn(outdir)).toEqual([]);
    const member = JSON.stringify(Template.fromStack(built.memberReadRole).toJSON());
    expect(member).not.toMatch(/\d{12}/);
    expect(member).toContain('{"Ref":"AWS::AccountId"}');
  });
});

describe('the app with more than one observer region', () => {
  const config: GuardrailsConfig = {
    ...exampleConfig,
    deployment: {
      ...exampleConfig.deployment,
      observer: { region: 'us-west-2', regions: ['eu-central-1'] },
    },
  };
  const outdir = mkdtempSync(join(tmpdir(), 'guardrails-regions-'));
  let built: GuardrailsApp;
  beforeAll(() => {
    built = build(config, { outdir });
    built.app.synth();
  });

  it('deploys a probe stack in each observer region, the primary keeping the ProbeStack name', () => {
    expect(built.probes.map((s) => `${s.stackName} ${s.account}/${s.region}`)).toEqual([
      'ProbeStack 100000000002/us-west-2',
      'ProbeStack-eu-central-1 100000000002/eu-central-1',
    ]);
    expect(built.probe).toBe(built.probes[0]);
  });

  it('replicates the probe state table to the other region, and points each probe at it from its own region', () => {
    const [primary, replica] = built.probes.map((s) => Template.fromStack(s));
    if (!primary || !replica) throw new Error('expected two probe stacks');
    primary.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'finops-guardrails-probe-state',
      Replicas: Match.arrayWith([Match.objectLike({ Region: 'eu-central-1' })]),
    });
    const environment = (template: Template) =>
      Object.values(template.findResources('AWS::Lambda::Function'))[0]?.Properties.Environment.Variables;
    expect(environment(primary)).toMatchObject({
      PROBE_LOCATION: 'us-west-2',
      STATE_TABLE_NAME: { Ref: 'GlobalStateTable' },
    });
    expect(environment(replica)).toMatchObject({
      PROBE_LOCATION: 'eu-central-1',
      STATE_TABLE_NAME: 'finops-guardrails-probe-state',
    });
  });

  it('deploys the other regions first, since their keys encrypt the replicas the primary creates', () => {
    const [primary, replica] = built.probes;
    expect(primary?.dependencies).toContain(replica);
    expect(replica?.dependencies).not.toContain(primary);
  });

  it("lets every region's probe role send to the incident queue, sharing no export between stacks", () => {
    const guardrails = JSON.stringify(Template.fromStack(built.guardrails).toJSON());
    expect(guardrails).toContain(':iam::100000000002:role/ProbeStack-ProbeRole*');
    expect(guardrails).toContain(':iam::100000000002:role/ProbeStack-eu-central-1-ProbeRole*');
    for (const stack of built.probes) {
      const template = JSON.stringify(Template.fromStack(stack).toJSON());
      expect(template).not.toContain('Fn::ImportValue');
      expect(template).not.toContain('"Export"');
    }
  });

  it('leaves nothing unacknowledged by cdk-nag', () => {
    expect(violationsIn(outdir)).toEqual([]);
  });
});

describe('the app with StackSet targets', () => {
  it('deploys the member role through a StackSet from the management account stack', () => {
    const config: GuardrailsConfig = {
      ...exampleConfig,
      organization: { ...exampleConfig.organization, stackSetTargetOus: ['r-ab12'] },
    };
    const built = build(config, { nag: false });
    if (!built.managementAccess) throw new Error('expected the management account stack');
    Template.fromStack(built.managementAccess).hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      Parameters: [{ ParameterKey: 'ToolingAccountId', ParameterValue: '100000000002' }],
      StackInstancesGroup: [
        { DeploymentTargets: { OrganizationalUnitIds: ['r-ab12'] }, Regions: ['us-east-1'] },
      ],
    });
  });
});

describe('resolvePlacement', () => {
  it('sends a missing observer account to the tooling account', () => {
    expect(resolvePlacement(exampleConfig)).toEqual({
      tooling: '100000000002',
      management: '100000000001',
      observer: '100000000002',
    });
  });

  it('keeps a named observer account', () => {
    const config: GuardrailsConfig = {
      ...exampleConfig,
      deployment: {
        ...exampleConfig.deployment,
        observer: { accountId: '100000000003', region: 'us-west-2' },
      },
    };
    expect(resolvePlacement(config).observer).toBe('100000000003');
  });

  it('refuses a named management account when the tooling account cannot be known', () => {
    const { toolingAccountId: _, ...organization } = exampleConfig.organization;
    expect(() => resolvePlacement({ ...exampleConfig, organization })).toThrow(ConfigError);
    expect(() =>
      resolvePlacement({ ...exampleConfig, organization }, { account: DEPLOYING_ACCOUNT }),
    ).not.toThrow();
  });

  it('leaves every account undefined without ids or credentials: the account you deploy to', () => {
    expect(resolvePlacement(singleAccountConfig)).toEqual({});
  });
});
