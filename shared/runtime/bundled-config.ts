/**
 * The name esbuild replaces with the config's JSON at synth (GuardrailFunction's
 * `define`). Outside a bundle (tests, local runs) it is undefined and the
 * `GUARDRAILS_CONFIG` environment variable is read instead. A module of its
 * own, so the CDK app and tiny test handlers need nothing else of the runtime.
 */
export const CONFIG_GLOBAL = '__GUARDRAILS_CONFIG__';
declare const __GUARDRAILS_CONFIG__: string | undefined;

/** The config compiled into this bundle, if any. */
export function bundledConfig(): string | undefined {
  return typeof __GUARDRAILS_CONFIG__ === 'string' ? __GUARDRAILS_CONFIG__ : undefined;
}
