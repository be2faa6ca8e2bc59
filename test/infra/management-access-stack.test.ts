import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it, vi } from 'vitest';
import { ManagementAccessStack } from '../../infra/stacks/management-access-stack.js';
import { loadConfig } from '../../shared/config/loader.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { SYNTH_TIMEOUT_MS } from './support/cdk.js';

// Synthesizing hooks and tests share a loaded 2-core machine: a hang guard, not a timing assertion.
vi.setConfig({ hookTimeout: SYNTH_TIMEOUT_MS, testTimeout: SYNTH_TIMEOUT_MS });

const repoFile = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const fixtureConfig = loadConfig(repoFile('test/fixtures/config/guardrails.config.yaml'));
const TARGET_OUS = ['ou-ab12-11111111', 'ou-ab12-22222222'];
/** The feature flags `cdk synth` runs with. */
const CDK_CONTEXT = (
  JSON.parse(readFileSync(repoFile('cdk.json'), 'utf8')) as { context: Record<string, unknown> }
).context;

function withOrganization(patch: Partial<GuardrailsConfig['organization']>): GuardrailsConfig {
  return { ...fixtureConfig, organization: { ...fixtureConfig.organization, ...patch } };
}

function synth(config: GuardrailsConfig, outdir?: string): { app: App; stack: ManagementAccessStack } {
  const app = new App({ context: CDK_CONTEXT, ...(outdir && { outdir }) });
  const stack = new ManagementAccessStack(app, 'ManagementAccessStack', {
    config,
    toolingAccountId: '222222222222',
    toolingRoleNamePattern: 'GuardrailsStack-*',
    env: { account: '111111111111', region: 'us-east-1' },
  });
  return { app, stack };
}

function roleOf(template: Template) {
  const roles = Object.values(template.findResources('AWS::IAM::Role'));
  expect(roles).toHaveLength(1);
  return roles[0]?.Properties as {
    RoleName: string;
    MaxSessionDuration: number;
    AssumeRolePolicyDocument: { Statement: Array<Record<string, unknown>> };
    Policies: Array<{ PolicyDocument: { Statement: Array<Record<string, unknown>> } }>;
  };
}

function statementsBySid(template: Template): Record<string, Record<string, unknown>> {
  const statements = roleOf(template).Policies.flatMap((p) => p.PolicyDocument.Statement);
  return Object.fromEntries(statements.map((s) => [s.Sid as string, s]));
}

describe('ManagementAccessStack read role', () => {
  const template = Template.fromStack(
    synth(withOrganization({ externalId: 'finops-ext-42', stackSetTargetOus: TARGET_OUS })).stack,
  );

  it('names the role after organization.managementRoleName and caps sessions at one hour', () => {
    const role = roleOf(template);
    expect(role.RoleName).toBe('FinopsGuardrailsManagementRead');
    expect(role.MaxSessionDuration).toBe(3600);
  });

  it('trusts only guardrails roles of the tooling account, inside the organization, with the external id', () => {
    expect(roleOf(template).AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::222222222222:root' },
        Condition: {
          ArnLike: {
            'aws:PrincipalArn': {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:role/GuardrailsStack-*'],
              ],
            },
          },
          StringEquals: { 'aws:PrincipalOrgID': 'o-test123456', 'sts:ExternalId': 'finops-ext-42' },
        },
      },
    ]);
  });

  it('grants only the read calls the checks make, with a wildcard resource only where the API has no resource type', () => {
    const statements = statementsBySid(template);
    expect(Object.keys(statements).sort()).toEqual([
      'AccountTags',
      'Budgets',
      'CostExplorer',
      'ListAccounts',
    ]);
    expect(statements.CostExplorer).toMatchObject({
      Action: ['ce:GetAnomalies', 'ce:GetCostAndUsage', 'ce:ListCostAllocationTags'],
      Resource: '*',
    });
    expect(statements.ListAccounts).toMatchObject({ Action: 'organizations:ListAccounts', Resource: '*' });
    expect(JSON.stringify(statements.Budgets)).toContain(':budget/*');
    expect(statements.Budgets?.Action).toBe('budgets:ViewBudget');
    expect(statements.AccountTags?.Action).toBe('organizations:ListTagsForResource');
    expect(JSON.stringify(statements.AccountTags?.Resource)).toContain(':account/o-test123456/*');
    for (const statement of Object.values(statements)) {
      expect(JSON.stringify(statement.Action)).not.toMatch(/"\*"|:\*"/);
    }
  });

  it('scopes account tags to any organization of the account when organizationId is unknown', () => {
    const { organizationId: _, ...withoutOrgId } = fixtureConfig.organization;
    const statements = statementsBySid(
      Template.fromStack(synth({ ...fixtureConfig, organization: withoutOrgId }).stack),
    );
    expect(JSON.stringify(statements.AccountTags?.Resource)).toContain(':account/o-*/*');
  });

  it('drops the organization and external id conditions that are not configured', () => {
    const { organizationId: _, ...withoutOrgId } = fixtureConfig.organization;
    const trust = roleOf(Template.fromStack(synth({ ...fixtureConfig, organization: withoutOrgId }).stack))
      .AssumeRolePolicyDocument.Statement[0];
    expect(trust?.Condition).not.toHaveProperty('StringEquals');
    expect(trust?.Condition).toHaveProperty('ArnLike');
  });
});

describe('ManagementAccessStack member-role StackSet', () => {
  it('deploys the member role service-managed to the target OUs in one region, and to accounts joining them', () => {
    const template = Template.fromStack(synth(withOrganization({ stackSetTargetOus: TARGET_OUS })).stack);
    template.resourceCountIs('AWS::CloudFormation::StackSet', 1);
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'finops-guardrails-member-read',
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'SELF',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Parameters: [{ ParameterKey: 'ToolingAccountId', ParameterValue: '222222222222' }],
      StackInstancesGroup: [
        { DeploymentTargets: { OrganizationalUnitIds: TARGET_OUS }, Regions: ['us-east-1'] },
      ],
    });
  });

  it('embeds the member role template, conditioned on the organization, naming no account', () => {
    const template = Template.fromStack(synth(withOrganization({ stackSetTargetOus: TARGET_OUS })).stack);
    const stackSet = Object.values(template.findResources('AWS::CloudFormation::StackSet'))[0];
    const body = JSON.parse(stackSet?.Properties.TemplateBody as string) as {
      Parameters: Record<string, unknown>;
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const roles = Object.values(body.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    expect(roles).toHaveLength(1);
    expect(roles[0]?.Properties.RoleName).toBe('FinopsGuardrailsMemberRead');
    expect(JSON.stringify(roles[0]?.Properties)).toContain('"aws:PrincipalOrgID":"o-test123456"');
    expect(body.Parameters).toHaveProperty('ToolingAccountId');
    expect(stackSet?.Properties.TemplateBody).not.toMatch(/\d{12}/);
  });

  it('creates no StackSet without target OUs and says so in an info annotation, not a warning', () => {
    const { stack } = synth(withOrganization({ stackSetTargetOus: [] }));
    Template.fromStack(stack).resourceCountIs('AWS::CloudFormation::StackSet', 0);
    Annotations.fromStack(stack).hasInfo('*', Match.stringLikeRegexp('No organization.stackSetTargetOus'));
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('ManagementAccessStack and cdk-nag AwsSolutions', () => {
  it('has no unacknowledged finding, with and without an organization id', () => {
    const { organizationId: _, ...withoutOrgId } = fixtureConfig.organization;
    for (const config of [
      withOrganization({ stackSetTargetOus: TARGET_OUS }),
      { ...fixtureConfig, organization: withoutOrgId },
    ]) {
      const outdir = mkdtempSync(join(tmpdir(), 'management-nag-'));
      const { app } = synth(config, outdir);
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      app.synth();
      const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
        pluginReports: Array<{ violations: unknown[] }>;
      };
      expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
    }
  });
});
