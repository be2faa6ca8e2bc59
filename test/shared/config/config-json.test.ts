import { describe, expect, it } from 'vitest';
import { configBundleText, validatedConfigJson } from '../../../shared/config/config-json.js';
import { loadConfig, parseConfig } from '../../../shared/config/loader.js';
import type { GuardrailsConfig } from '../../../shared/config/schema.js';

describe('configBundleText', () => {
  it('passes a validated config through as its JSON, which validates to itself', () => {
    const config = loadConfig('examples/demo-org/guardrails.config.yaml');
    const text = configBundleText(config);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(config)));
    expect(validatedConfigJson(text, 'bundle')).toEqual(JSON.parse(text));
  });

  it('refuses a config that validation would still change: the bundle would miss its defaults', () => {
    const unvalidated = { version: 1 } as unknown as GuardrailsConfig;
    expect(() => configBundleText(unvalidated, 'TagCoverage')).toThrow(
      /TagCoverage: the config is not in validated form/,
    );
  });

  it('refuses an invalid config, naming the function and the bad path', () => {
    const config = parseConfig('version: 1\n');
    const broken = {
      ...config,
      sinks: { ...config.sinks, sqs: { fifo: 'yes' } },
    } as unknown as GuardrailsConfig;
    expect(() => configBundleText(broken, 'Forwarder')).toThrow(/Forwarder: sinks\.sqs\.fifo/);
  });
});
