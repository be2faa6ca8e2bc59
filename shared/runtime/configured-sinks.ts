import { JsonlSink } from '../adapters/file/jsonl-sink.js';
import type { GuardrailsConfig } from '../config/schema.js';
import type { Sink } from '../core/ports.js';
import type { SourceMode } from './check-registry.js';

/**
 * The sinks named in config. A local file run never writes to the real
 * incident queue: only `--source aws` adds the configured AWS sinks.
 */
export function configuredSinks(config: GuardrailsConfig, options: { mode: SourceMode }): Sink[] {
  const sinks: Sink[] = [];
  if (config.sinks.jsonl) sinks.push(new JsonlSink(config.sinks.jsonl.path));
  if (options.mode === 'aws') {
    // The SQS sink joins here once the AWS adapters land.
  }
  return sinks;
}
