import { isDeepStrictEqual } from 'node:util';
import { ConfigError } from '../core/errors.js';
import { formatIssues } from './issue-format.js';
import { configSchema, type GuardrailsConfig } from './schema.js';

/**
 * Parses and validates a config given as JSON (the `GUARDRAILS_CONFIG`
 * variable outside a bundle). `location` names the source in every error,
 * with each bad path.
 */
export function validatedConfigJson(text: string, location: string): GuardrailsConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(location, 'not JSON', { cause: error });
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(location, formatIssues(result.error.issues).join('; '), { cause: result.error });
  }
  return result.data;
}

/**
 * The JSON a function bundle carries as its config (GuardrailFunction's
 * `define`). The bundle does not validate it again at cold start (that
 * would build the whole schema in every container), so it is checked here,
 * at synth: the text must validate and come back unchanged, i.e. validation
 * adds no default and changes no value that the bundle would then miss.
 */
export function configBundleText(config: GuardrailsConfig, location = 'config'): string {
  const text = JSON.stringify(config);
  const validated = validatedConfigJson(text, location);
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(validated)), JSON.parse(text))) {
    throw new ConfigError(
      location,
      'the config is not in validated form (validating it again changes it); pass the result of loadConfig or parseConfig',
    );
  }
  return text;
}
