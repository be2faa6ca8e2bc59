import { fileURLToPath } from 'node:url';
import { App, AspectPriority, Aspects, Aws, type Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type GuardrailsConfig, observerRegions } from '../shared/config/schema.js';
import { ConfigError } from '../shared/core/errors.js';
import { CostPolicyAspect } from './aspects/cost-policy-aspect.js';
import { RequiredTagsAspect } from './aspects/required-tags-aspect.js';
import { readsManagementWithOwnRole } from './iam/management-reads.js';
import { probeStackName, STACK_NAMES } from './stack-names.js';
import {
  type CheckFunctionSpec,
  GuardrailsStack,
  incidentQueueName,
  type SupportFunctionName,
} from './stacks/guardrails-stack.js';
import { ManagementAccessStack } from './stacks/management-access-stack.js';
import { MemberReadRoleStack } from './stacks/member-read-role.js';
import {
  type ProbeGlobalStateTable,
  type ProbeIncidentQueue,
  ProbeStack,
  probeRoleArnPattern,
} from './stacks/probe-stack.js';

/** Options of {@link buildApp}; everything here would otherwise come from the environment or CDK context. */
export interface BuildAppOptions {
  /** An app to build into; `infra/app.ts` passes the one whose context it read. @default a new App */
  readonly app?: App;
  /** Cloud assembly directory of a new app. @default CDK's default (`cdk.out`, or a temp dir outside the CLI) */
  readonly outdir?: string;
  /** CDK context of a new app, such as the feature flags of `cdk.json`. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** The account and region the CLI resolved (`CDK_DEFAULT_ACCOUNT`/`REGION`); config placement wins over them. */
  readonly defaultEnv?: Environment;
  /** Replaces the default check functions, so tests can bundle a tiny handler. */
  readonly functions?: readonly CheckFunctionSpec[];
  /** The probe handler, so tests can bundle a tiny one. @default functions/probe/handler.ts */
  readonly probeEntry?: string;
  /** Replaces the scan-account, aggregate and forwarder handlers, so tests can bundle a tiny one. */
  readonly supportEntry?: string;
  /** Run cdk-nag AwsSolutions at synth. @default true */
  readonly nag?: boolean;
  /**
   * Gate the app's own resources with `config.tagPolicy` (RequiredTagsAspect):
   * synth fails on a resource that lacks a required tag. @default true
   */
  readonly enforceTagPolicy?: boolean;
  /**
   * Gate the app's own resources with `config.costPolicy` (CostPolicyAspect):
   * synth fails on a cost-rule violation. @default true
   */
  readonly enforceCostPolicy?: boolean;
  /** When the cost policy's waivers are judged. @default the time buildApp runs */
  readonly now?: Date;
}

/** The app and its stacks, for `infra/app.ts` and the infra tests. */
export interface GuardrailsApp {
  readonly app: App;
  readonly guardrails: GuardrailsStack;
  /**
   * Absent when there is nothing to deploy in the management account: the
   * checks read it with their own role (no other management account named)
   * and no StackSet targets are listed.
   */
  readonly managementAccess?: ManagementAccessStack;
  readonly memberReadRole: MemberReadRoleStack;
  /** The probe of the primary observer region (`deployment.observer.region`). */
  readonly probe: ProbeStack;
  /** Every observer region's probe, the primary first. */
  readonly probes: readonly ProbeStack[];
}

export { probeStackName, STACK_NAMES };

/** The fixed name of the probe state table when it is a global table: every observer region names it alike. */
export const PROBE_GLOBAL_TABLE_NAME = 'finops-guardrails-probe-state';
/** The alias of each replica region's probe key, which encrypts that region's replica. */
export const PROBE_REPLICA_KEY_ALIAS = 'alias/finops-guardrails-probe-state';

/** Cost Explorer, Organizations and Budgets are global services answered from us-east-1. */
const MANAGEMENT_REGION = 'us-east-1';
const APPLICATION_TAGS = { application: 'finops-guardrails' } as const;

/** The tags every resource of every stack gets: `deployment.tags`, then `application=finops-guardrails`. */
export function deploymentTags(config: GuardrailsConfig): Readonly<Record<string, string>> {
  return { ...config.deployment.tags, ...APPLICATION_TAGS };
}

/**
 * Where each stack goes. `undefined` is "the account you deploy to": stacks
 * with an undefined account are environment-agnostic and must share that one
 * account, which is single-account mode (DESIGN §4, "One account").
 */
export interface Placement {
  readonly tooling?: string;
  readonly management?: string;
  readonly observer?: string;
}

/**
 * Resolves the accounts of the stacks: the config's ids first, then the
 * account the CLI deploys to. A missing observer account follows the tooling
 * account, so the probe never points at an unknown queue owner.
 *
 * @throws ConfigError when another account is named but the tooling account,
 * which the other stacks' trust and queue ARN name, cannot be known.
 */
export function resolvePlacement(config: GuardrailsConfig, defaultEnv?: Environment): Placement {
  const { toolingAccountId, managementAccountId } = config.organization;
  const observerAccountId = config.deployment.observer.accountId;
  const tooling = toolingAccountId ?? defaultEnv?.account;
  if (!tooling && (managementAccountId || observerAccountId)) {
    throw new ConfigError(
      'organization.toolingAccountId',
      'required when organization.managementAccountId or deployment.observer.accountId is set: ' +
        'the other stacks trust the tooling account and send to its queue, so its id must be known at synth',
    );
  }
  return {
    ...(tooling && { tooling }),
    ...((managementAccountId ?? defaultEnv?.account) && {
      management: managementAccountId ?? defaultEnv?.account,
    }),
    ...((observerAccountId ?? tooling) && { observer: observerAccountId ?? tooling }),
  };
}

/**
 * The incident queue as the probe sees it: the imported ARN, or the ARN of
 * the queue GuardrailsStack creates under its fixed name, built from config.
 */
export function probeIncidentQueue(config: GuardrailsConfig, placement: Placement): ProbeIncidentQueue {
  const imported = config.sinks.sqs.queueArn;
  if (imported) {
    const { kmsKeyArn } = config.sinks.sqs;
    return {
      queueArn: imported,
      region: imported.split(':')[3] ?? config.deployment.toolingRegion,
      ...(kmsKeyArn && { kmsKeyArn }),
    };
  }
  const region = config.deployment.toolingRegion;
  // Undefined tooling account: single-account mode, so the probe's own account is the queue's.
  const account = placement.tooling ?? Aws.ACCOUNT_ID;
  return {
    queueArn: `arn:${Aws.PARTITION}:sqs:${region}:${account}:${incidentQueueName(config.sinks.sqs.fifo)}`,
    region,
    kmsKeyArn: `arn:${Aws.PARTITION}:kms:${region}:${account}:key/*`,
  };
}

/**
 * The probe pages PagerDuty from the observer account. A secret in the
 * tooling account would need a resource policy and a customer-managed key
 * to be read from there, and would tie paging to the tooling account's
 * region; the observer keeps its own copy instead.
 *
 * @throws ConfigError when PagerDuty is configured, the observer is another
 * account, and no `observerSecretName` names the observer's copy.
 */
export function assertProbeCanPage(config: GuardrailsConfig, placement: Placement): void {
  const pagerduty = config.sinks.pagerduty;
  if (!pagerduty || pagerduty.observerSecretName) return;
  if (placement.observer && placement.tooling && placement.observer !== placement.tooling) {
    throw new ConfigError(
      'sinks.pagerduty.observerSecretName',
      `required: the probe runs in account ${placement.observer} and cannot read ${pagerduty.routingKeySecretArn} in the tooling account; ` +
        'store the routing key in a secret of the observer account, under one name in every observer region, and name it here',
    );
  }
}

/**
 * Builds the finops-guardrails CDK app from a validated config: the tooling
 * stack, the management account's access (with the member-role StackSet),
 * the member read role for the management account itself (a service-managed
 * StackSet never deploys there), and the observer's probe in each observer
 * region (sharing one global state table when there are several). It reads no
 * environment and no context, so tests build exactly what `cdk synth` builds.
 *
 * @example
 * const { app } = buildApp(loadConfig('guardrails.config.yaml'), { defaultEnv: { region: 'us-east-1' } });
 * app.synth();
 */
export function buildApp(config: GuardrailsConfig, options: BuildAppOptions = {}): GuardrailsApp {
  const app =
    options.app ??
    new App({
      ...(options.outdir ? { outdir: options.outdir } : {}),
      ...(options.context ? { context: { ...options.context } } : {}),
    });
  const placement = resolvePlacement(config, options.defaultEnv);
  assertProbeCanPage(config, placement);
  const { organization } = config;
  const toolingRoleNamePattern = `${STACK_NAMES.guardrails}-*`;
  const tags = deploymentTags(config);
  const regions = observerRegions(config.deployment);
  const observerAt = `${placement.observer ?? 'the tooling account'}/${regions.join(', ')}`;

  const guardrails = new GuardrailsStack(app, STACK_NAMES.guardrails, {
    config,
    description:
      'finops-guardrails: scheduled FinOps checks, their state and the incident queue (tooling account)',
    env: { account: placement.tooling, region: config.deployment.toolingRegion },
    ...(options.functions ? { functions: options.functions } : {}),
    ...(options.supportEntry && {
      supportEntries: Object.fromEntries(
        (['scan-account', 'aggregate', 'forwarder'] as const).map((n) => [n, options.supportEntry]),
      ) as Record<SupportFunctionName, string>,
    }),
    probeDashboardNote:
      `Probe availability and latency are on the **${STACK_NAMES.probe}** dashboard in the observer account (${observerAt}): ` +
      'a widget reads only its own account and region without CloudWatch cross-account observability.',
    incidentQueueSenders: regions.map((region) => ({
      ...(placement.observer && { accountId: placement.observer }),
      roleArnPattern: probeRoleArnPattern(
        probeStackName(config, region),
        placement.observer ?? Aws.ACCOUNT_ID,
      ),
    })),
  });

  const managementAccess =
    !readsManagementWithOwnRole(config) || organization.stackSetTargetOus.length > 0
      ? new ManagementAccessStack(app, STACK_NAMES.managementAccess, {
          config,
          description:
            'finops-guardrails: read-only Cost Explorer, Budgets and Organizations role, and the member-role StackSet (management account)',
          env: { account: placement.management, region: MANAGEMENT_REGION },
          ...(placement.tooling && { toolingAccountId: placement.tooling }),
          toolingRoleNamePattern,
          memberTags: tags,
        })
      : undefined;

  const memberReadRole = new MemberReadRoleStack(app, STACK_NAMES.memberReadRole, {
    description:
      'finops-guardrails: read-only tags and metrics role (management account, or the single account)',
    env: { account: placement.management, region: MANAGEMENT_REGION },
    roleName: organization.memberRoleName,
    trust: {
      toolingRoleNamePattern,
      ...(placement.tooling && { toolingAccountId: placement.tooling }),
      ...(organization.organizationId && { organizationId: organization.organizationId }),
      ...(organization.externalId && { externalId: organization.externalId }),
    },
  });

  const [primaryRegion = config.deployment.observer.region, ...replicaRegions] = regions;
  // With more than one observer region, one global table carries every location's verdicts (quorum).
  const globalStateTable: ProbeGlobalStateTable | undefined =
    replicaRegions.length > 0
      ? {
          tableName: PROBE_GLOBAL_TABLE_NAME,
          primaryRegion,
          replicaRegions,
          replicaKeyAlias: PROBE_REPLICA_KEY_ALIAS,
        }
      : undefined;
  const probes = regions.map(
    (region) =>
      new ProbeStack(app, probeStackName(config, region), {
        config,
        description:
          region === primaryRegion
            ? 'finops-guardrails: out-of-band probe, its schedule, state and paging (observer account)'
            : `finops-guardrails: out-of-band probe, its schedule and paging, and its key for the state table's replica (observer account, ${region})`,
        env: { account: placement.observer, region },
        entry: options.probeEntry ?? fileURLToPath(new URL('../functions/probe/handler.ts', import.meta.url)),
        incidentQueue: probeIncidentQueue(config, placement),
        ...(globalStateTable && { globalStateTable }),
      }),
  );
  const [probe, ...replicaProbes] = probes;
  if (!probe) throw new ConfigError('deployment.observer.region', 'no observer region');
  // The primary creates each replica with its region's key, which that region's stack creates: those deploy first.
  for (const replica of replicaProbes)
    probe.addStackDependency(replica, 'its key encrypts the state table replica');

  for (const [key, value] of Object.entries(tags)) Tags.of(app).add(key, value);
  // The project's own resources meet the policy it enforces; read-only, so it sees the tags above.
  if (config.tagPolicy && (options.enforceTagPolicy ?? true)) {
    Aspects.of(app).add(new RequiredTagsAspect(config.tagPolicy), { priority: AspectPriority.READONLY });
  }
  if (config.costPolicy && (options.enforceCostPolicy ?? true)) {
    Aspects.of(app).add(
      new CostPolicyAspect(config.costPolicy, { stackTags: tags, now: options.now ?? new Date() }),
      {
        priority: AspectPriority.READONLY,
      },
    );
  }
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, guardrails, ...(managementAccess && { managementAccess }), memberReadRole, probe, probes };
}
