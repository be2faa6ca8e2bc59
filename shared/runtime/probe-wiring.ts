import { awsSecretReader } from '../adapters/aws/secrets.js';
import { MemoryQuorumStore } from '../adapters/memory/memory-quorum-store.js';
import { createHttpProbeTransport } from '../adapters/probe/http-transport.js';
import { probeCheck } from '../checks/probe/check.js';
import { cachedSecretReader } from '../checks/probe/header-secrets.js';
import type { CheckFactory } from './check-registry.js';

/**
 * The probe check for the CLI: probes for real from this machine, which
 * stands in for every location (quorum is judged across deployed observers
 * only). `--source` does not matter to a probe: it always reaches the target.
 */
export const probeFactory: CheckFactory = ({ probe }) =>
  probeCheck(
    {
      transport: createHttpProbeTransport(),
      location: 'local',
      quorum: new MemoryQuorumStore(),
      // Secret headers are read with the caller's credentials, once per run.
      secrets: cachedSecretReader(awsSecretReader()),
      ...(probe?.ca && { transportOptions: { ca: probe.ca } }),
    },
    { ignoreRegions: true, ...(probe?.targets && { targets: probe.targets }) },
  ) as ReturnType<CheckFactory>;
