import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { configBundleText } from '../../shared/config/config-json.js';
import type { GuardrailsConfig } from '../../shared/config/schema.js';
import { CONFIG_GLOBAL } from '../../shared/runtime/bundled-config.js';

/** Lambda's limit on the total size of all environment variable keys and values. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/**
 * What an unresolved token (a table name, a queue URL) is counted as when the
 * environment is measured at synth. CloudFormation names them
 * `<stack>-<logicalId>-<12 random>`: a queue URL is about 80 bytes plus the
 * stack name, so 128 holds for stack names up to about 45 characters.
 */
const UNRESOLVED_TOKEN_BYTES = 128;

/**
 * Lets CommonJS dependencies call `require` inside the ESM bundle: esbuild
 * leaves `require` calls of external or dynamic modules as they are, and ESM
 * has no `require` of its own.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * Credential providers Lambda never reaches: a function's credentials are in
 * its environment (AWS_ACCESS_KEY_ID…), which the SDK's default chain reads
 * first, and the chain imports these (and the STS/SSO clients they carry)
 * only when the environment has none. Left out of the bundle, they stay
 * dynamic `import()`s that the runtime's own SDK would answer; about 90 KB
 * less to load at every cold start. The container (`-http`) and instance
 * metadata (`imds`) providers stay in.
 */
export const UNREACHED_CREDENTIAL_PROVIDERS: readonly string[] = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/token-providers',
  '@aws-sdk/nested-clients',
];

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
 * an ESM bundle built by the local esbuild (minified, with source maps), an
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

    super(scope, id, {
      entry: props.entry,
      handler: 'handler',
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
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        ...(props.config && {
          define: { [CONFIG_GLOBAL]: JSON.stringify(configBundleText(props.config, id)) },
        }),
        ...(props.assetFiles?.length && {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (_input: string, output: string) =>
              (props.assetFiles ?? []).map((f) => `cp "${f.source}" "${output}/${f.target}"`),
          },
        }),
        // Bundle the AWS SDK too: the handlers are tested against the SDK versions in the lock file,
        // not whichever version the Lambda runtime happens to ship.
        bundleAwsSDK: true,
        externalModules: [...UNREACHED_CREDENTIAL_PROVIDERS],
      },
    });
    this.executionRole = role;
    this.functionLogGroup = logGroup;
  }
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
