import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { configBundleText } from '../../shared/config/config-json.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { CONFIG_GLOBAL } from '../../shared/runtime/bundled-config.js';
import { bundleFunction } from './function-bundle.js';

export { UNREACHED_CREDENTIAL_PROVIDERS } from './function-bundle.js';

/** Lambda's limit on the total size of all environment variable keys and values. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/**
 * What an unresolved token (a table name, a queue URL) is counted as when the
 * environment is measured at synth. CloudFormation names them
 * `<stack>-<logicalId>-<12 random>`: a queue URL is about 80 bytes plus the
 * stack name, so 128 holds for stack names up to about 45 characters.
 */
const UNRESOLVED_TOKEN_BYTES = 128;

/** Props of a {@link GuardrailFunction}. */
export interface GuardrailFunctionProps {
  /** Absolute path of the handler's TypeScript file. Its export must be named `handler`. */
  readonly entry: string;
  /** `POWERTOOLS_SERVICE_NAME`: the service dimension of logs and metrics. */
  readonly serviceName: string;
  /** Days the function's log group keeps events (`deployment.logRetentionDays`); one of the values CloudWatch accepts. */
  readonly logRetentionDays: number;
  /**
   * The validated config, compiled into the bundle as a constant. Lambda's
   * 4 KB environment limit would not hold a real config, and a fetch from
   * SSM or S3 would add a call to every cold start; a config change
   * redeploys the functions like any code change.
   */
  readonly config?: GuardrailsConfig;
  /** Extra environment, merged over the defaults. */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 1024 — arm64 CPU scales with memory; the checks parse large API pages. */
  readonly memorySize?: number;
  /** @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /** Active X-Ray tracing. @default false */
  readonly tracing?: boolean;
  /** @default - none: the function shares the account's unreserved concurrency */
  readonly reservedConcurrentExecutions?: number;
  /** Files copied next to the bundle (e.g. the report's chart library, see shared/report/html/chart-library.ts). */
  readonly assetFiles?: ReadonlyArray<{ readonly source: string; readonly target: string }>;
  /** @default - a one-line description naming the service */
  readonly description?: string;
}

/**
 * The one way this project deploys a Lambda function: Node.js 24 on arm64,
 * an ESM bundle built in-process by the local esbuild as
 * {@link bundleFunction} builds it (minified, code-split so that a cold start
 * loads only the paths every invocation takes, with source maps), an
 * explicit log group with retention, and a role that may only write to that
 * log group until the caller grants more.
 *
 * The log group and the role are created as siblings (`<id>LogGroup`,
 * `<id>Role`) because a subclass cannot create children before `super()`,
 * and both must exist when the function is defined. Owning the role avoids
 * the AWS managed `AWSLambdaBasicExecutionRole`, which cdk-nag flags (IAM4)
 * and which lets a function write to every log group of the account.
 *
 * @example
 * const fn = new GuardrailFunction(this, 'TagCoverage', {
 *   entry: fileURLToPath(new URL('../../functions/tag-coverage/handler.ts', import.meta.url)),
 *   serviceName: 'tag-coverage',
 *   logRetentionDays: 30,
 *   environment: { STATE_TABLE_NAME: table.tableName },
 * });
 */
export class GuardrailFunction extends NodejsFunction {
  /** The execution role. Unlike the inherited `role`, never undefined; acknowledge its cdk-nag findings here. */
  readonly executionRole: Role;
  /** The function's log group, with the configured retention. */
  readonly functionLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: GuardrailFunctionProps) {
    const environment: Record<string, string> = {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: props.serviceName,
      ...props.environment,
    };
    assertEnvironmentFits(id, environment);

    const logGroup = new LogGroup(scope, `${id}LogGroup`, {
      retention: toRetentionDays(id, props.logRetentionDays),
      // Logs are evidence of what a guardrail did; they expire by retention, not with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${props.serviceName} guardrail function`,
    });
    logGroup.grantWrite(role);
    // Validated here, whether or not this synth bundles: the bundle will not validate it again.
    const define = props.config && { [CONFIG_GLOBAL]: JSON.stringify(configBundleText(props.config, id)) };

    super(scope, id, {
      description: props.description ?? `finops-guardrails: ${props.serviceName}`,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.minutes(5),
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      logGroup,
      role,
      environment,
      // NodejsFunction's own bundling writes one file (`--outfile`), which rules out esbuild's code
      // splitting; the bundle is built in-process instead, with the same esbuild options everywhere.
      handler: 'index.handler',
      code: Code.fromAsset(dirname(props.entry), {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: local bundling always answers (esbuild is a dependency of the CDK app).
          image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
          // Not read by the bundler: CDK caches a bundle by the JSON of these options, which drops
          // `local`, so what makes this bundle differ from another function's must be spelled here.
          environment: bundleInputs(props.entry, define, props.assetFiles),
          local: {
            tryBundle: (outputDir) => {
              bundleFunction(
                {
                  entry: props.entry,
                  outdir: outputDir,
                  ...(define && { define }),
                },
                props.assetFiles,
              );
              return true;
            },
          },
        },
      }),
    });
    this.executionRole = role;
    this.functionLogGroup = logGroup;
  }
}

/** Names what a function's bundle is built from, for CDK's bundling cache key (see its use). */
function bundleInputs(
  entry: string,
  define: Readonly<Record<string, string>> | undefined,
  assetFiles: GuardrailFunctionProps['assetFiles'],
): Record<string, string> {
  const inputs = JSON.stringify({ define: define ?? {}, assetFiles: assetFiles ?? [] });
  return {
    FUNCTION_ENTRY: entry,
    FUNCTION_INPUTS_SHA256: createHash('sha256').update(inputs).digest('hex'),
  };
}

/**
 * CloudWatch Logs accepts only certain retention periods (1, 3, 5, 7, 14, 30,
 * 60, 90, … days). Another number would fail at deploy, so it fails at synth.
 */
export function toRetentionDays(functionId: string, days: number): RetentionDays {
  const allowed = Object.values(RetentionDays).filter(
    (v): v is number => typeof v === 'number' && v !== RetentionDays.INFINITE,
  );
  const match = allowed.find((v) => v === days);
  if (match === undefined) {
    throw new Error(
      `${functionId}: log retention of ${days} days is not one CloudWatch Logs accepts; use one of ${allowed.join(', ')}.`,
    );
  }
  return match;
}

/**
 * Throws at synth when the environment would exceed Lambda's 4 KB limit, which
 * CloudFormation would otherwise only report at deploy time. Unresolved tokens
 * are counted at {@link UNRESOLVED_TOKEN_BYTES}.
 */
export function assertEnvironmentFits(
  functionId: string,
  environment: Readonly<Record<string, string>>,
): void {
  const bytes = environmentBytes(environment);
  if (bytes <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return;
  const largest = Object.entries(environment)
    .map(([key, value]) => ({ key, bytes: valueBytes(value) }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3)
    .map((e) => `${e.key} (${e.bytes} B)`)
    .join(', ');
  throw new Error(
    `${functionId}: the Lambda environment would be about ${bytes} bytes, over the ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}-byte limit. ` +
      `Largest: ${largest}. Pass large values through the bundle, as the config is, not the environment.`,
  );
}

/** Size of an environment as Lambda counts it: every key and value, in UTF-8 bytes. */
export function environmentBytes(environment: Readonly<Record<string, string>>): number {
  return Object.entries(environment).reduce(
    (total, [key, value]) => total + Buffer.byteLength(key, 'utf8') + valueBytes(value),
    0,
  );
}

function valueBytes(value: string): number {
  return Token.isUnresolved(value) ? UNRESOLVED_TOKEN_BYTES : Buffer.byteLength(value, 'utf8');
}
