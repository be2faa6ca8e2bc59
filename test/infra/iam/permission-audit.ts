import type { GuardrailsConfig } from '../../../shared/config/schema.js';
import type { BundleCommands, SentCommand } from './bundle-commands.js';
import { resolve } from './cfn-values.js';
import {
  type DeployedFunction,
  type DeployedRole,
  type Deployment,
  findResource,
  queueArnOfUrl,
  resolveKeyArn,
} from './deployment-model.js';
import { allowedActions, evaluate, type Request, wildcardMatches } from './policy-evaluation.js';
import type {
  CommandAuthorization,
  PackageAuthorization,
  ServiceAuthorization,
} from './service-authorization.js';

/** How the deployment under audit reaches the organization. */
export interface AuditTopology {
  readonly config: GuardrailsConfig;
  /** The functions read Organizations, Cost Explorer and Budgets with their own role. */
  readonly managementWithOwnRole: boolean;
  /** The management account, where the management role and the member role stack live. */
  readonly managementAccount: string;
}

/** The findings of an audit: every line names the function, command, action and what is missing. */
export interface AuditResult {
  readonly missing: string[];
  readonly unused: string[];
  /** `service: package Command` lines, for a readable report of what was derived. */
  readonly derived: string[];
}

/**
 * Commands a bundle holds but the function never sends, by service then
 * `package Command`, each with the reason: a module shared by functions that
 * use different halves of it. Kept short; a stale entry fails the audit.
 */
export type NotSent = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** A sample secret suffix: a complete secret ARN ends in `-` and six random characters. */
const SECRET_SUFFIX = '-AbCdEf';

interface Usage {
  role: DeployedRole;
  actions: Set<string>;
}

/**
 * Checks, for every function of the deployment, that each SDK command its
 * bundle sends is authorized for the principal the code sends it with (its
 * own role, or a role it assumes that the templates create, through that
 * role's trust), on the resource it acts on, with the KMS key of that
 * resource through the service; and that no role allows an action nothing
 * sends.
 */
export function auditPermissions(
  deployment: Deployment,
  topology: AuditTopology,
  commandsByService: ReadonlyMap<string, BundleCommands>,
  authorization: ServiceAuthorization,
  notSent: NotSent = {},
): AuditResult {
  const missing: string[] = [];
  const derived: string[] = [];
  const usage = new Map<DeployedRole, Usage>();
  const use = (role: DeployedRole, action: string) => {
    const entry = usage.get(role) ?? { role, actions: new Set<string>() };
    entry.actions.add(action);
    usage.set(role, entry);
  };

  for (const fn of deployment.functions) {
    const bundle = commandsByService.get(fn.service);
    if (!bundle) {
      missing.push(`${fn.service}: no bundle was analysed for this function`);
      continue;
    }
    for (const platformAction of platformActions(fn, authorization)) use(fn.role, platformAction);
    const exceptions = notSent[fn.service] ?? {};
    for (const listed of Object.keys(exceptions)) {
      if (!bundle.commands.some((c) => `${c.package} ${c.command}` === listed))
        missing.push(`${fn.service}: the exception for ${listed} is stale, the bundle no longer holds it`);
    }
    for (const command of bundle.commands) {
      derived.push(`${fn.service}: ${command.package} ${command.command}`);
      if (exceptions[`${command.package} ${command.command}`]) continue;
      const pkg = authorization.packages[command.package];
      const auth = pkg?.commands[command.command];
      if (!pkg || !auth) {
        missing.push(
          `${fn.service} sends @aws-sdk/${command.package} ${command.command}, which test/fixtures/iam/service-authorization.json does not map to IAM actions`,
        );
        continue;
      }
      const actions = [...auth.actions, ...itemActions(auth, bundle)];
      const context = { fn, command, pkg, auth, actions, topology, deployment, missing, use };
      if (pkg.via === 'own' || pkg.via === 'own+member') checkOwn(context);
      if (pkg.via === 'management') {
        if (topology.managementWithOwnRole) checkOwn(context);
        else checkAssumed(context, rolesNamed(deployment, topology.config.organization.managementRoleName));
      }
      if (pkg.via === 'member' || pkg.via === 'own+member')
        checkAssumed(context, rolesNamed(deployment, topology.config.organization.memberRoleName));
    }
  }

  const unused: string[] = [];
  const audited = new Set([
    ...deployment.functions.map((fn) => fn.role),
    ...rolesNamed(deployment, topology.config.organization.managementRoleName),
    ...rolesNamed(deployment, topology.config.organization.memberRoleName),
  ]);
  for (const role of audited) {
    const used = usage.get(role)?.actions ?? new Set<string>();
    for (const action of allowedActions(role.statements)) {
      if (!used.has(action))
        unused.push(`${role.stack.name}/${role.logicalId} allows ${action}, which nothing sends with it`);
    }
  }
  return { missing, unused, derived };
}

interface CheckContext {
  readonly fn: DeployedFunction;
  readonly command: SentCommand;
  readonly pkg: PackageAuthorization;
  readonly auth: CommandAuthorization;
  readonly actions: readonly string[];
  readonly topology: AuditTopology;
  readonly deployment: Deployment;
  readonly missing: string[];
  readonly use: (role: DeployedRole, action: string) => void;
}

function describeCommand(context: CheckContext): string {
  return `${context.fn.service} sends ${context.command.package} ${context.command.command}`;
}

/** Transaction items the code writes, each authorized by its own action. */
function itemActions(auth: CommandAuthorization, bundle: BundleCommands): string[] {
  if (!auth.itemActions) return [];
  return bundle.transactItemKinds.flatMap((kind) => {
    const action = auth.itemActions?.[kind];
    return action ? [action] : [];
  });
}

function platformActions(fn: DeployedFunction, authorization: ServiceAuthorization): string[] {
  return [
    ...authorization.platform.logs,
    ...(fn.sqsEventSource
      ? [...authorization.platform.sqsEventSource, ...authorization.platform.sqsEventSourceKey]
      : []),
    ...(fn.tracing ? authorization.platform.tracing : []),
  ];
}

/** The resource an `own` command acts on, and the key that encrypts it. */
interface ResolvedTarget {
  readonly resources: readonly string[];
  /** Region and account of the resource. */
  readonly region: string;
  readonly account: string;
  readonly keyArn?: string;
  /** Created by this deployment (not imported by ARN). */
  readonly created?: boolean;
}

function checkOwn(context: CheckContext): void {
  const { fn, pkg, auth, actions, missing, use } = context;
  const target = resolveTarget(context);
  if (!target) return;
  const organizationId = context.topology.config.organization.organizationId;
  // What IAM knows of the caller: its ARN, and its organization when it belongs to one.
  const principalContext = {
    'aws:PrincipalArn': fn.role.arn,
    ...(organizationId && { 'aws:PrincipalOrgID': organizationId }),
  };
  for (const resource of target.resources) {
    for (const action of actions) {
      use(fn.role, action);
      const request: Request = {
        action,
        resource,
        principal: fn.role.arn,
        context: { 'aws:SecureTransport': 'true', ...principalContext },
      };
      const identity = evaluate(fn.role.statements, request);
      if (identity !== 'allow')
        missing.push(
          `${describeCommand(context)}: its role ${fn.role.logicalId} does not allow ${action} on ${resource}`,
        );
      // Another account's resource that this deployment created must allow the role too; an imported
      // one's owner grants it (`finops-guardrails queue-policy` prints what).
      const policy = resourcePolicyFor(context.deployment, resource);
      if (target.account !== fn.stack.account && (policy || target.created)) {
        if (!policy || evaluate(policy, request) !== 'allow')
          missing.push(
            `${describeCommand(context)}: ${resource} is in account ${target.account} and its resource policy does not allow ${action} to ${fn.role.arn}`,
          );
      }
    }
  }
  const keyActions = auth.keyActions ?? pkg.keyActions ?? [];
  if (!target.keyArn || keyActions.length === 0) return;
  const via = `${pkg.keyService}.${target.region}.amazonaws.com`;
  for (const action of keyActions) {
    use(fn.role, action);
    const request: Request = {
      action,
      resource: target.keyArn,
      principal: fn.role.arn,
      context: { 'kms:ViaService': via, ...principalContext },
    };
    if (evaluate(fn.role.statements, request) !== 'allow')
      missing.push(
        `${describeCommand(context)}: its role does not allow ${action} on ${target.keyArn} through ${via}`,
      );
    const keyAccount = /^arn:[\w-]+:kms:[\w-]+:(\d{12}):/.exec(target.keyArn)?.[1];
    const keyPolicy = context.deployment.resourcePolicies.find((p) => p.arn === target.keyArn);
    // A key of another account must allow the role in its key policy too; an imported key's policy is its owner's
    // (`finops-guardrails queue-policy` prints the statement they add).
    if (keyAccount !== fn.stack.account && keyPolicy && evaluate(keyPolicy.statements, request) !== 'allow')
      missing.push(
        `${describeCommand(context)}: the key policy of ${target.keyArn} does not allow ${action} to ${fn.role.arn}`,
      );
  }
}

function resourcePolicyFor(deployment: Deployment, resource: string) {
  return deployment.resourcePolicies.find((p) => p.arn === resource)?.statements;
}

function checkAssumed(context: CheckContext, roles: readonly DeployedRole[]): void {
  const { fn, actions, topology, missing, use } = context;
  if (roles.length === 0) {
    missing.push(
      `${describeCommand(context)}: no stack of this deployment creates the role it assumes for it`,
    );
    return;
  }
  const { organizationId, externalId } = topology.config.organization;
  for (const role of roles) {
    use(fn.role, 'sts:AssumeRole');
    const assume: Request = {
      action: 'sts:AssumeRole',
      resource: role.arn,
      principal: fn.role.arn,
      context: {
        ...(organizationId && { 'aws:ResourceOrgID': organizationId, 'aws:PrincipalOrgID': organizationId }),
        'aws:PrincipalArn': fn.role.arn,
        ...(externalId && { 'sts:ExternalId': externalId }),
      },
    };
    if (evaluate(fn.role.statements, assume) !== 'allow')
      missing.push(`${describeCommand(context)}: its role ${fn.role.logicalId} may not assume ${role.arn}`);
    if (evaluate(role.trust, assume) !== 'allow')
      missing.push(`${describeCommand(context)}: ${role.arn} does not trust ${fn.role.arn}`);
    for (const action of actions) {
      use(role, action);
      const resource = formatResource(
        context.auth.resource ?? '*',
        role.stack.account,
        role.stack.region,
        topology,
      );
      if (evaluate(role.statements, { action, resource, context: {} }) !== 'allow')
        missing.push(
          `${describeCommand(context)} as ${role.arn}, which does not allow ${action} on ${resource}`,
        );
    }
  }
}

function rolesNamed(deployment: Deployment, name: string): DeployedRole[] {
  return deployment.roles.filter((role) => role.arn.endsWith(`:role/${name}`));
}

function formatResource(format: string, account: string, region: string, topology: AuditTopology): string {
  return format
    .replaceAll('{partition}', 'aws')
    .replaceAll('{management}', account)
    .replaceAll('{region}', region)
    .replaceAll('{organization}', topology.config.organization.organizationId ?? 'o-exampleorgid')
    .replaceAll('{member}', '555555555555');
}

function resolveTarget(context: CheckContext): ResolvedTarget | undefined {
  const { fn, pkg, auth, deployment, topology, missing } = context;
  const env = fn.environment;
  const here = { region: fn.stack.region, account: fn.stack.account };
  const need = (value: string | undefined, what: string): value is string => {
    if (value) return true;
    missing.push(`${describeCommand(context)}, but its environment names no ${what}`);
    return false;
  };
  switch (pkg.target) {
    case 'any':
      return {
        ...here,
        resources: [formatResource(auth.resource ?? '*', fn.stack.account, fn.stack.region, topology)],
      };
    case 'assumed-roles':
      // sts:AssumeRole is checked with the roles each command assumes (checkAssumed).
      return { ...here, resources: [] };
    case 'state-table': {
      const name = env.STATE_TABLE_NAME;
      if (!need(name, 'state table')) return undefined;
      return {
        ...here,
        resources: [`arn:aws:dynamodb:${here.region}:${here.account}:table/${name}`],
        ...keyOf(tableKey(deployment, name, here.region)),
      };
    }
    case 'incident-queue': {
      const url = env.INCIDENT_QUEUE_URL;
      if (!need(url, 'incident queue')) return undefined;
      const arn = queueArnOfUrl(url);
      const [, , , region = '', account = ''] = arn.split(':');
      const found = findResource(deployment, 'AWS::SQS::Queue', (r) => r.arn === arn);
      const key = found
        ? resolveKeyArn(deployment, resolve(found.resource.Properties?.KmsMasterKeyId, found.stack))
        : topology.config.sinks.sqs.kmsKeyArn;
      return { region, account, resources: [arn], created: found !== undefined, ...keyOf(key) };
    }
    case 'paging-topic': {
      const arn = env.PAGING_TOPIC_ARN;
      if (!need(arn, 'paging topic')) return undefined;
      const found = findResource(deployment, 'AWS::SNS::Topic', (r) => r.ref === arn);
      const key = found
        ? resolveKeyArn(deployment, resolve(found.resource.Properties?.KmsMasterKeyId, found.stack))
        : undefined;
      return { ...here, resources: [arn], ...keyOf(key) };
    }
    case 'results-bucket': {
      // Fan-out intermediates (RESULTS_BUCKET) and the report (REPORTS_BUCKET) share one bucket.
      const results = env.RESULTS_BUCKET;
      const reports = env.REPORTS_BUCKET;
      const keys: string[] = [];
      if (results && auth.objectKey && (!auth.objectKeyFor || auth.objectKeyFor.includes(fn.service)))
        keys.push(`arn:aws:s3:::${results}/${auth.objectKey}`);
      if (reports && auth.reportKey) keys.push(`arn:aws:s3:::${reports}/${auth.reportKey}`);
      const name = results ?? reports;
      if (!need(keys.length > 0 ? name : undefined, 'results bucket') || name === undefined) return undefined;
      const found = findResource(deployment, 'AWS::S3::Bucket', (r) => r.ref === name);
      const rule = (
        found?.resource.Properties?.BucketEncryption as
          | {
              ServerSideEncryptionConfiguration: Array<{
                ServerSideEncryptionByDefault: { KMSMasterKeyID?: unknown };
              }>;
            }
          | undefined
      )?.ServerSideEncryptionConfiguration[0]?.ServerSideEncryptionByDefault;
      const key = found && rule ? resolve(rule.KMSMasterKeyID, found.stack) : undefined;
      return { ...here, resources: keys, ...keyOf(key) };
    }
    case 'fan-out': {
      const arn = env.FAN_OUT_STATE_MACHINE_ARN;
      if (!need(arn, 'state machine')) return undefined;
      return {
        ...here,
        resources: [auth.onExecution ? `${arn.replace(':stateMachine:', ':execution:')}:RUN-2` : arn],
      };
    }
    case 'secret': {
      const { pagerduty, slack } = topology.config.sinks;
      const arns =
        fn.service === 'probe'
          ? [env.PAGERDUTY_SECRET_ARN].filter((a): a is string => a !== undefined)
          : [pagerduty?.routingKeySecretArn, slack?.webhookSecretArn].filter(
              (a): a is string => a !== undefined,
            );
      if (arns.length === 0) {
        missing.push(`${describeCommand(context)}, but no secret is configured for it`);
        return undefined;
      }
      return {
        ...here,
        resources: arns.map((arn) => (/-[A-Za-z0-9]{6}$/.test(arn) ? arn : `${arn}${SECRET_SUFFIX}`)),
      };
    }
    case 'event-bus': {
      const bus = topology.config.sinks.eventbridge?.eventBusArn;
      if (!need(bus, 'event bus (sinks.eventbridge)')) return undefined;
      return { ...here, resources: [bus] };
    }
  }
}

function keyOf(key: string | undefined): { keyArn?: string } {
  return key ? { keyArn: key } : {};
}

/** The key of the table named `name` as the function in `region` reads it: its own table's, or its region's replica's. */
function tableKey(deployment: Deployment, name: string, region: string): string | undefined {
  const table = findResource(deployment, 'AWS::DynamoDB::Table', (r) => r.ref === name);
  if (table) {
    const sse = table.resource.Properties?.SSESpecification as { KMSMasterKeyId?: unknown } | undefined;
    return resolveKeyArn(deployment, resolve(sse?.KMSMasterKeyId, table.stack));
  }
  const global = findResource(deployment, 'AWS::DynamoDB::GlobalTable', (r) => r.ref === name);
  if (!global) return undefined;
  const replicas = (global.resource.Properties?.Replicas ?? []) as Array<{
    Region: string;
    SSESpecification?: { KMSMasterKeyId?: unknown };
  }>;
  const replica = replicas.find((r) => resolve(r.Region, global.stack) === region);
  return resolveKeyArn(deployment, resolve(replica?.SSESpecification?.KMSMasterKeyId, global.stack));
}

/** Whether `action` as written covers `wanted` (for reports of wildcard grants). */
export function covers(action: string, wanted: string): boolean {
  return wildcardMatches(action, wanted, true);
}
