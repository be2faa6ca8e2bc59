import { App, type Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { GuardrailsConfig } from '../shared/config/schema.js';
import { type CheckFunctionSpec, GuardrailsStack } from './stacks/guardrails-stack.js';

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
  /** Run cdk-nag AwsSolutions at synth. @default true */
  readonly nag?: boolean;
}

/** The app and its stacks, for `infra/app.ts` and the infra tests. */
export interface GuardrailsApp {
  readonly app: App;
  readonly guardrails: GuardrailsStack;
}

/**
 * Builds the finops-guardrails CDK app from a validated config. It reads no
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
  const guardrails = new GuardrailsStack(app, 'GuardrailsStack', {
    config,
    description:
      'finops-guardrails: scheduled FinOps checks, their state and the incident queue (tooling account)',
    env: {
      // The config names the tooling account when it knows it; otherwise "the account you deploy to".
      account: config.organization.toolingAccountId ?? options.defaultEnv?.account,
      region: config.deployment.toolingRegion,
    },
    ...(options.functions ? { functions: options.functions } : {}),
  });
  Tags.of(app).add('application', 'finops-guardrails');
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, guardrails };
}
