import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoProbeTargets } from '../../examples/demo-org/probe-targets.js';
import { MemoryStateStore } from '../../shared/adapters/memory/memory-state.js';
import { createHttpProbeTransport } from '../../shared/adapters/probe/http-transport.js';
import { probeCheck } from '../../shared/checks/probe/check.js';
import { probeTargetSchema } from '../../shared/checks/probe/types.js';
import { configSchema } from '../../shared/config/schema.js';
import { runCheck } from '../../shared/core/pipeline.js';

let demo: Awaited<ReturnType<typeof startDemoProbeTargets>>;
beforeAll(async () => {
  demo = await startDemoProbeTargets();
});
afterAll(async () => {
  await demo.close();
});

describe('startDemoProbeTargets', () => {
  it('serves one healthy, one failing and one expiring-certificate target on 127.0.0.1', async () => {
    // Prepare
    const config = configSchema.parse({ version: 1, probes: demo.targets });
    const check = probeCheck({
      transport: createHttpProbeTransport(),
      location: 'local',
      transportOptions: { ca: demo.ca },
    });
    // Act
    const report = await runCheck(check, {
      config,
      state: new MemoryStateStore(),
      sinks: [],
      now: new Date(),
      log: { info: () => {}, warn: () => {} },
    });
    // Assess
    expect(demo.targets.every((t) => new URL(t.url).hostname === '127.0.0.1')).toBe(true);
    const byProbe = Object.fromEntries(report.findings.map((f) => [f.identity[0], f]));
    expect(Object.keys(byProbe).sort()).toEqual(['demo-cert-expiring', 'demo-failing']);
    expect(byProbe['demo-failing']?.summary).toMatch(/^demo-failing DOWN from local: status 503/);
    expect(byProbe['demo-cert-expiring']?.evidence).toMatchObject({
      failures: [{ assertion: 'cert-days-left', expected: 14 }],
    });
    expect(byProbe['demo-cert-expiring']?.summary).toMatch(/certificate expires in 5 days \(minimum 14\)/);
  });

  it('fails on trust, not days left, without the demo CA', async () => {
    const [, , expiring] = demo.targets;
    const result = await createHttpProbeTransport().probe(probeTargetSchema.parse(expiring));
    expect(result.error?.kind).toBe('tls');
  });
});
