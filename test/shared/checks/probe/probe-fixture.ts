import type { ProbeTargetInput } from '../../../../shared/checks/probe/types.js';
import { configSchema, type GuardrailsConfig } from '../../../../shared/config/schema.js';
import type { Envelope } from '../../../../shared/core/envelope.js';
import type { Sink } from '../../../../shared/core/ports.js';
import { startHttpServer, type TestServer } from '../../adapters/probe/test-servers.js';

/** A real server on 127.0.0.1 answering with whatever status the test sets. */
export interface ScriptedTarget {
  readonly server: TestServer;
  status: number;
}

export async function startScriptedTarget(initial = 200): Promise<ScriptedTarget> {
  const target = { status: initial } as ScriptedTarget;
  const server = await startHttpServer((_request, response) => {
    response.writeHead(target.status, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  Object.assign(target, { server });
  return target;
}

/** A config whose observer regions are the probes' regions, so every listed location is deployable. */
export function probeConfig(probes: ProbeTargetInput[]): GuardrailsConfig {
  const [region = 'us-west-2', ...regions] = new Set(probes.flatMap((p) => p.regions ?? []));
  const observer = { region, ...(regions.length > 0 && { regions }) };
  return configSchema.parse({ version: 1, probes, deployment: { observer } });
}

export function target(name: string, url: string, extra: Partial<ProbeTargetInput> = {}): ProbeTargetInput {
  return { name, url, allowPrivateAddresses: true, timeoutMs: 2_000, ...extra };
}

/** Keeps every delivered event. */
export class RecordingSink implements Sink {
  readonly name = 'recording';
  readonly events: Envelope[] = [];
  async deliver(events: readonly Envelope[]): Promise<void> {
    this.events.push(...events);
  }
}

export { silentLog } from '../../../support/fake-check.js';
