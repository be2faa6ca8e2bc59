import type { ProbeResult, ProbeTarget } from '../../checks/probe/types.js';
import { createHttpProbeTransport, type ProbeRequestOptions, type ProbeTransport } from './http-transport.js';
import { toProbeError } from './probe-failure.js';

export interface ProbeAllOptions {
  /** Probes in flight at once. Defaults to 32. */
  readonly concurrency?: number;
  readonly transport?: ProbeTransport;
  readonly probeOptions?: ProbeRequestOptions;
}

/**
 * Probes every target with at most `concurrency` in flight, returning results
 * in target order. Each probe is bounded by its own timeout, so a slow target
 * holds one slot for at most its `timeoutMs` and never delays the others.
 * @example const results = await probeAll(config.probes, { concurrency: 16 });
 */
export async function probeAll(
  targets: readonly ProbeTarget[],
  options: ProbeAllOptions = {},
): Promise<ProbeResult[]> {
  const transport = options.transport ?? createHttpProbeTransport();
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 32));
  const results = new Array<ProbeResult>(targets.length);
  let next = 0;

  async function worker(): Promise<void> {
    for (let index = next++; index < targets.length; index = next++) {
      const target = targets[index];
      if (target === undefined) continue;
      results[index] = await transport.probe(target, options.probeOptions).catch((error: unknown) => ({
        // A transport bug must not lose every other result.
        target: target.name,
        url: target.url,
        startedAt: new Date().toISOString(),
        headers: {},
        body: '',
        bodyBytes: 0,
        bodyTruncated: false,
        redirects: [],
        addresses: [],
        timings: { totalMs: 0 },
        error: toProbeError(error),
      }));
    }
  }

  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, () => worker()));
  return results;
}
