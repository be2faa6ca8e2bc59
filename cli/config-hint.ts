import { loadConfig } from '../shared/config/loader.js';
import type { GuardrailsConfig } from '../shared/config/schema.js';
import { ConfigError } from '../shared/core/errors.js';

/**
 * {@link loadConfig}, with the way forward when the file does not exist: a
 * fresh clone has no `guardrails.config.yaml`, and "file not found" alone
 * does not say that `--config`, `demo` and `init` are there.
 */
export function loadCliConfig(file: string): GuardrailsConfig {
  try {
    return loadConfig(file);
  } catch (error) {
    if (error instanceof ConfigError && (error.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
      throw new ConfigError(file, `file not found. ${MISSING_CONFIG_ADVICE}`, { cause: error.cause });
    throw error;
  }
}

/** What to do without a config file. */
export const MISSING_CONFIG_ADVICE =
  'Point to yours with --config FILE, write a commented starter with `finops-guardrails init`, or try the example organization with `finops-guardrails demo`.';
