import type { GuardrailsConfig } from '../config/schema.js';
import { ConfigError } from '../core/errors.js';
import { CONFIG_GLOBAL } from './bundled-config.js';

/**
 * The config of a function: the bundled config, or `GUARDRAILS_CONFIG`
 * outside a bundle (tests, local runs). Both are the validated config as
 * JSON, so it is parsed as JSON: the YAML parser stays out of the bundles.
 *
 * The bundled config was validated at synth, and found unchanged by a second
 * validation (configBundleText), so a cold start only parses its JSON: the
 * config schema (and the pattern engine it compiles with) is built only when
 * the config comes from the environment, where nothing vouches for it.
 */
export async function lambdaConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<GuardrailsConfig> {
  // Written against the define itself, not through bundledConfig(), and with the import() inside the
  // branch: in a bundle with a compiled-in config the condition is a constant, so esbuild drops the
  // whole environment path, and with it the config schema and classic zod, whose core would otherwise
  // share a chunk with the cold start.
  if (typeof __GUARDRAILS_CONFIG__ !== 'string') {
    const text = env.GUARDRAILS_CONFIG;
    if (!text) throw new ConfigError('GUARDRAILS_CONFIG', 'no config in the bundle or the environment');
    const { validatedConfigJson } = await import('../config/config-json.js');
    return validatedConfigJson(text, 'GUARDRAILS_CONFIG');
  }
  try {
    return JSON.parse(__GUARDRAILS_CONFIG__) as GuardrailsConfig;
  } catch (error) {
    throw new ConfigError(CONFIG_GLOBAL, 'not JSON', { cause: error });
  }
}

declare const __GUARDRAILS_CONFIG__: string | undefined;
