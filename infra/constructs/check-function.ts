import type { Acknowledgment, Duration } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import type { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { chartLibraryFiles } from '../../shared/report/html/chart-library.js';
import { pascalCase } from '../logical-id.js';
import { GuardrailFunction } from './guardrail-function.js';
import { ALARM_PERIOD, type GuardrailsAlarms } from './guardrails-alarms.js';

/**
 * One scheduled check function of the GuardrailsStack: where its code
 * is, when it runs and what it may do beyond the stack's common grants (state
 * table, incident queue, sink secrets). Like a Cloud Custodian policy, a check
 * declares its permissions, and the cdk-nag findings they knowingly cause.
 */
export interface CheckFunctionSpec {
  /** Check name such as `tag-coverage`; also the Powertools service name. */
  readonly name: string;
  /** Absolute path of the handler file. */
  readonly entry: string;
  /** EventBridge Scheduler expression, `rate(...)` or `cron(...)`. Without one, nothing schedules the function. */
  readonly schedule?: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly policyStatements?: readonly PolicyStatement[];
  /** cdk-nag findings on the function's role that `policyStatements` knowingly cause, each with its reason. */
  readonly acknowledgements?: readonly Acknowledgment[];
  readonly memorySize?: number;
  readonly timeout?: Duration;
}

/** What every function of the tooling stack shares. */
export interface CheckFunctionContext {
  /** Compiled into every bundle. */
  readonly config: GuardrailsConfig;
  /** Active X-Ray tracing. */
  readonly tracing: boolean;
  /** Receives the function's error alarm. */
  readonly alarms: GuardrailsAlarms;
}

/**
 * A function of the tooling stack, `<PascalName>` in `scope`: bundled with
 * the config, granted its spec's statements with their acknowledgements,
 * and watched by an alarm on its errors.
 */
export function checkFunction(
  scope: Construct,
  spec: CheckFunctionSpec,
  environment: Readonly<Record<string, string>>,
  context: CheckFunctionContext,
): GuardrailFunction {
  const fn = new GuardrailFunction(scope, pascalCase(spec.name), {
    entry: spec.entry,
    serviceName: spec.name,
    config: context.config,
    logRetentionDays: context.config.deployment.logRetentionDays,
    environment,
    tracing: context.tracing,
    ...(spec.memorySize ? { memorySize: spec.memorySize } : {}),
    ...(spec.timeout ? { timeout: spec.timeout } : {}),
    // A function that writes the HTML report carries its chart library (no node_modules in Lambda).
    ...(environment.REPORTS_BUCKET && { assetFiles: chartLibraryFiles() }),
  });
  for (const statement of spec.policyStatements ?? []) fn.addToRolePolicy(statement);
  acknowledgeFunctionFindings(fn, spec, context.tracing);
  context.alarms.whenPositive(`${pascalCase(spec.name)}Errors`, fn.metricErrors({ period: ALARM_PERIOD }), {
    description: `The ${spec.name} guardrail function failed; its findings may be stale.`,
    statistic: 'Sum',
  });
  return fn;
}

function acknowledgeFunctionFindings(fn: GuardrailFunction, spec: CheckFunctionSpec, tracing: boolean): void {
  const acknowledgements: Acknowledgment[] = [...(spec.acknowledgements ?? [])];
  if (tracing) {
    acknowledgements.push({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
    });
  }
  Validations.of(fn.executionRole).acknowledge(...acknowledgements);
}
