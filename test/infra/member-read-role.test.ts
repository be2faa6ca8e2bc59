import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it, vi } from 'vitest';
import {
  MemberReadRoleStack,
  type MemberReadRoleStackProps,
  memberReadRoleTemplate,
} from '../../infra/stacks/member-read-role.js';
import { SYNTH_TIMEOUT_MS } from './support/cdk.js';

// Synthesizing hooks and tests share a loaded 2-core machine: a hang guard, not a timing assertion.
vi.setConfig({ hookTimeout: SYNTH_TIMEOUT_MS, testTimeout: SYNTH_TIMEOUT_MS });

const repoFile = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const CDK_CONTEXT = (
  JSON.parse(readFileSync(repoFile('cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;
const TRUST = {
  toolingAccountId: '222222222222',
  toolingRoleNamePattern: 'GuardrailsStack-*',
  organizationId: 'o-test123456',
};

type RoleProperties = {
  RoleName: string;
  MaxSessionDuration: number;
  AssumeRolePolicyDocument: { Statement: Array<Record<string, unknown>> };
  Policies: Array<{ PolicyDocument: { Statement: Array<Record<string, unknown>> } }>;
};

function synth(props: Partial<MemberReadRoleStackProps> = {}, outdir?: string) {
  const app = new App({ context: CDK_CONTEXT, ...(outdir && { outdir }) });
  const stack = new MemberReadRoleStack(app, 'MemberReadRole', {
    roleName: 'FinopsGuardrailsMemberRead',
    trust: TRUST,
    env: { account: '111111111111', region: 'us-east-1' },
    ...props,
  });
  return { app, stack };
}

function roleOf(template: {
  Resources: Record<string, { Type: string; Properties: unknown }>;
}): RoleProperties {
  const roles = Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
  expect(roles).toHaveLength(1);
  return roles[0]?.Properties as RoleProperties;
}

describe('MemberReadRoleStack', () => {
  const role = roleOf(Template.fromStack(synth().stack).toJSON() as never);

  it('grants tag:GetResources, cloudwatch:GetMetricData and logs:DescribeLogGroups, read-only, and nothing else', () => {
    const statements = role.Policies.flatMap((p) => p.PolicyDocument.Statement);
    expect(statements).toEqual([
      { Sid: 'TagInventory', Effect: 'Allow', Action: 'tag:GetResources', Resource: '*' },
      { Sid: 'WorkloadMetrics', Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' },
      { Sid: 'LogGroupRetention', Effect: 'Allow', Action: 'logs:DescribeLogGroups', Resource: '*' },
    ]);
  });

  it('trusts the guardrails roles of the tooling account within the organization, for one-hour sessions', () => {
    expect(role.RoleName).toBe('FinopsGuardrailsMemberRead');
    expect(role.MaxSessionDuration).toBe(3600);
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Action: 'sts:AssumeRole',
        Principal: { AWS: 'arn:aws:iam::222222222222:root' },
        Condition: {
          ArnLike: { 'aws:PrincipalArn': expect.anything() },
          StringEquals: { 'aws:PrincipalOrgID': 'o-test123456' },
        },
      }),
    ]);
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain(
      ':iam::222222222222:role/GuardrailsStack-*',
    );
  });

  it('requires the external id when one is configured', () => {
    const withExternalId = roleOf(
      Template.fromStack(synth({ trust: { ...TRUST, externalId: 'finops-ext-42' } }).stack).toJSON() as never,
    );
    expect(withExternalId.AssumeRolePolicyDocument.Statement[0]?.Condition).toMatchObject({
      StringEquals: { 'aws:PrincipalOrgID': 'o-test123456', 'sts:ExternalId': 'finops-ext-42' },
    });
  });

  it('trusts its own account in single-account mode, when no tooling account is known', () => {
    const { toolingAccountId: _, ...withoutAccount } = TRUST;
    const single = roleOf(
      Template.fromStack(synth({ trust: withoutAccount, env: {} }).stack).toJSON() as never,
    );
    expect(JSON.stringify(single.AssumeRolePolicyDocument)).toContain('{"Ref":"AWS::AccountId"}');
  });

  it('has no unacknowledged cdk-nag finding', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'member-nag-'));
    const { app } = synth({}, outdir);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth();
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ violations: unknown[] }>;
    };
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  });
});

describe('memberReadRoleTemplate', () => {
  const { toolingAccountId: _, ...trust } = TRUST;
  const body = memberReadRoleTemplate('FinopsGuardrailsMemberRead', trust, {
    application: 'finops-guardrails',
  });
  const template = JSON.parse(body) as {
    Parameters: Record<string, { Type: string; AllowedPattern?: string; Default?: string }>;
    Resources: Record<string, { Type: string; Properties: unknown }>;
    Rules?: unknown;
  };

  it('is a template with the member role, taking the tooling account as the ToolingAccountId parameter', () => {
    const role = roleOf(template);
    expect(role.RoleName).toBe('FinopsGuardrailsMemberRead');
    expect(template.Parameters.ToolingAccountId).toMatchObject({
      Type: 'String',
      AllowedPattern: '^\\d{12}$',
    });
    expect(template.Parameters.ToolingAccountId).not.toHaveProperty('Default');
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain('{"Ref":"ToolingAccountId"}');
    expect(body).not.toMatch(/\d{12}/);
  });

  it('needs no CDK bootstrap in the member accounts and carries no CDK metadata', () => {
    expect(template.Parameters).not.toHaveProperty('BootstrapVersion');
    expect(template.Rules).toBeUndefined();
    expect(Object.values(template.Resources).map((r) => r.Type)).toEqual(['AWS::IAM::Role']);
  });

  it('tags the role', () => {
    expect(JSON.stringify(roleOf(template))).toContain('"Key":"application","Value":"finops-guardrails"');
  });

  it('fits a StackSet TemplateBody (51,200 bytes)', () => {
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThan(51_200);
  });
});
