import { type Stack, Token } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { type CfnResource, type Json, resolve, roleName, type StackTemplate } from './cfn-values.js';
import { type ResolvedStatement, resolveStatements } from './policy-evaluation.js';

/** A role of the deployment: a function's execution role or a role the functions assume. */
export interface DeployedRole {
  readonly stack: StackTemplate;
  readonly logicalId: string;
  readonly arn: string;
  /** Its identity policies (inline and attached AWS::IAM::Policy). */
  readonly statements: readonly ResolvedStatement[];
  /** Its trust policy. */
  readonly trust: readonly ResolvedStatement[];
}

/** A deployed Lambda function of the project, found by its Powertools service name. */
export interface DeployedFunction {
  /** `tag-coverage`, `probe`, …: POWERTOOLS_SERVICE_NAME, also the handler's directory. */
  readonly service: string;
  readonly stack: StackTemplate;
  readonly logicalId: string;
  readonly role: DeployedRole;
  /** Its environment, resolved. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** An SQS event source mapping polls with its role. */
  readonly sqsEventSource: boolean;
  readonly tracing: boolean;
}

/** A resource policy (queue policy, key policy) by the ARN of the resource it guards. */
export interface ResourcePolicy {
  readonly arn: string;
  readonly statements: readonly ResolvedStatement[];
}

/** Everything the IAM test reads of a synthesized deployment. */
export interface Deployment {
  readonly stacks: readonly StackTemplate[];
  readonly functions: readonly DeployedFunction[];
  readonly roles: readonly DeployedRole[];
  readonly resourcePolicies: readonly ResourcePolicy[];
}

/** Where stacks with an unresolved account or region (environment-agnostic) are deployed. */
export interface DeployDefaults {
  readonly account: string;
  readonly region: string;
}

/** A member account that joins the organization after deploy, to instantiate the StackSet template in. */
export const SAMPLE_MEMBER_ACCOUNT = '555555555555';

/** Reads every stack of a synthesized app, and the member template of its StackSet in a sample member account. */
export function deploymentOf(
  assembly: CloudAssembly,
  stacks: readonly Stack[],
  defaults: DeployDefaults,
): Deployment {
  const templates: StackTemplate[] = stacks.map((stack) => ({
    name: stack.stackName,
    account: Token.isUnresolved(stack.account) ? defaults.account : stack.account,
    region: Token.isUnresolved(stack.region) ? defaults.region : stack.region,
    partition: 'aws',
    resources: (
      assembly.getStackByName(stack.stackName).template as { Resources: Record<string, CfnResource> }
    ).Resources,
  }));
  for (const template of [...templates]) templates.push(...stackSetInstances(template));
  const roles = templates.flatMap(rolesOf);
  return {
    stacks: templates,
    roles,
    functions: templates.flatMap((stack) => functionsOf(stack, roles)),
    resourcePolicies: templates.flatMap(resourcePoliciesOf),
  };
}

/** The StackSet's template as deployed in {@link SAMPLE_MEMBER_ACCOUNT}, in its first region. */
function stackSetInstances(stack: StackTemplate): StackTemplate[] {
  return Object.entries(stack.resources)
    .filter(([, r]) => r.Type === 'AWS::CloudFormation::StackSet')
    .map(([id, r]) => {
      const props = r.Properties ?? {};
      const body = JSON.parse(String(props.TemplateBody)) as { Resources: Record<string, CfnResource> };
      const parameters = Object.fromEntries(
        (props.Parameters as Array<{ ParameterKey: string; ParameterValue: unknown }>).map((p) => [
          p.ParameterKey,
          resolve(p.ParameterValue, stack) ?? '',
        ]),
      );
      const regions = (props.StackInstancesGroup as Array<{ Regions: string[] }>)[0]?.Regions ?? [
        stack.region,
      ];
      return {
        name: `${stack.name}/${id}@${SAMPLE_MEMBER_ACCOUNT}`,
        account: SAMPLE_MEMBER_ACCOUNT,
        region: regions[0] ?? stack.region,
        partition: stack.partition,
        resources: body.Resources,
        parameters,
      };
    });
}

function rolesOf(stack: StackTemplate): DeployedRole[] {
  const attached = new Map<string, ResolvedStatement[]>();
  for (const [id, r] of Object.entries(stack.resources)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    for (const role of (r.Properties?.Roles ?? []) as Array<{ Ref: string }>) {
      attached.set(role.Ref, [
        ...(attached.get(role.Ref) ?? []),
        ...resolveStatements(r.Properties?.PolicyDocument, stack, `${stack.name}/${id}`),
      ]);
    }
  }
  return Object.entries(stack.resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::Role')
    .map(([id, r]) => {
      const inline = ((r.Properties?.Policies ?? []) as Array<{ PolicyDocument: unknown }>).flatMap((p) =>
        resolveStatements(p.PolicyDocument, stack, `${stack.name}/${id}`),
      );
      return {
        stack,
        logicalId: id,
        arn: `arn:${stack.partition}:iam::${stack.account}:role/${roleName(id, stack)}`,
        statements: [...inline, ...(attached.get(id) ?? [])],
        trust: resolveStatements(r.Properties?.AssumeRolePolicyDocument, stack, `${stack.name}/${id} trust`),
      };
    });
}

function functionsOf(stack: StackTemplate, roles: readonly DeployedRole[]): DeployedFunction[] {
  const mapped = new Set(
    Object.values(stack.resources)
      .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')
      .map((r) => JSON.stringify(r.Properties?.FunctionName)),
  );
  return Object.entries(stack.resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .flatMap(([id, r]) => {
      const props = r.Properties ?? {};
      const variables = ((props.Environment as Json | undefined)?.Variables ?? {}) as Json;
      const service = resolve(variables.POWERTOOLS_SERVICE_NAME, stack);
      const roleId = (props.Role as { 'Fn::GetAtt': [string, string] } | undefined)?.['Fn::GetAtt'][0];
      const role = roles.find((candidate) => candidate.stack === stack && candidate.logicalId === roleId);
      if (!service || !role) return [];
      return [
        {
          service,
          stack,
          logicalId: id,
          role,
          environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, resolve(v, stack)])),
          sqsEventSource: mapped.has(JSON.stringify({ Ref: id })),
          tracing: (props.TracingConfig as Json | undefined)?.Mode === 'Active',
        },
      ];
    });
}

function resourcePoliciesOf(stack: StackTemplate): ResourcePolicy[] {
  return Object.entries(stack.resources).flatMap(([id, r]) => {
    const where = `${stack.name}/${id}`;
    if (r.Type === 'AWS::SQS::QueuePolicy') {
      const statements = resolveStatements(r.Properties?.PolicyDocument, stack, where);
      return ((r.Properties?.Queues ?? []) as unknown[]).map((queue) => ({
        arn: queueArnOfUrl(resolve(queue, stack) ?? ''),
        statements,
      }));
    }
    if (r.Type === 'AWS::KMS::Key') {
      return [
        {
          arn: resolve({ 'Fn::GetAtt': [id, 'Arn'] }, stack) ?? where,
          statements: resolveStatements(r.Properties?.KeyPolicy, stack, where),
        },
      ];
    }
    return [];
  });
}

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` → `arn:aws:sqs:<region>:<account>:<name>`. */
export function queueArnOfUrl(url: string): string {
  const match = /^https:\/\/sqs\.([\w-]+)\.[\w.]+\/(\d{12})\/([\w.-]+)$/.exec(url);
  return match ? `arn:aws:sqs:${match[1]}:${match[2]}:${match[3]}` : url;
}

/** The resource of a stack whose physical name or ARN resolves to `name`. */
export function findResource(
  deployment: Deployment,
  type: string,
  matches: (resolved: { ref: string | undefined; arn: string | undefined }) => boolean,
): { stack: StackTemplate; id: string; resource: CfnResource } | undefined {
  for (const stack of deployment.stacks) {
    for (const [id, resource] of Object.entries(stack.resources)) {
      if (resource.Type !== type) continue;
      const ref = resolve({ Ref: id }, stack);
      const arn = resolve({ 'Fn::GetAtt': [id, 'Arn'] }, stack);
      if (matches({ ref, arn })) return { stack, id, resource };
    }
  }
  return undefined;
}

/** A KMS key named by ARN, by alias ARN (resolved through the alias in that region), or by a GetAtt. */
export function resolveKeyArn(deployment: Deployment, key: string | undefined): string | undefined {
  if (!key) return undefined;
  const alias = /^arn:([\w-]+):kms:([\w-]+):(\d{12}):(alias\/.+)$/.exec(key);
  if (!alias) return key;
  const [, , region, account, name] = alias;
  for (const stack of deployment.stacks) {
    if (stack.region !== region || stack.account !== account) continue;
    for (const resource of Object.values(stack.resources)) {
      if (resource.Type !== 'AWS::KMS::Alias' || resolve(resource.Properties?.AliasName, stack) !== name)
        continue;
      // CDK points an alias at its key with Fn::GetAtt [key, Arn] or Ref key.
      const target = resource.Properties?.TargetKeyId as
        | { 'Fn::GetAtt'?: [string]; Ref?: string }
        | undefined;
      const keyId = target?.['Fn::GetAtt']?.[0] ?? target?.Ref;
      return keyId ? resolve({ 'Fn::GetAtt': [keyId, 'Arn'] }, stack) : undefined;
    }
  }
  return undefined;
}
