import type { ProbeRequestOptions, ProbeTransport } from '../../adapters/probe/http-transport.js';
import { probeAll } from '../../adapters/probe/probe-all.js';
import { whileLoadingPatterns } from '../../config/pattern-compiler.js';
import { mapSettled } from '../../core/concurrency.js';
import type { Check, ScopeFailure } from '../../core/ports.js';
import type { Severity } from '../../core/severity.js';
import { judgeProbe } from './assertions.js';
import {
  evaluateProbes,
  type ProbeCheckTarget,
  type ProbeObservation,
  type ProbeObservations,
  verdictDetail,
} from './evaluate.js';
import { resolveProbeSecrets, type SecretReader } from './header-secrets.js';
import { probeScope } from './probe-finding.js';
import { latestPerLocation, previousQuorumMinute, type QuorumStore, quorumMinute } from './quorum.js';

export interface ProbeCheckPorts {
  readonly transport: ProbeTransport;
  /** Shares verdicts between locations; without it every target is judged from this location alone. */
  readonly quorum?: QuorumStore;
  /** Where this observer runs, e.g. its region. */
  readonly location: string;
  /** Passed to every probe: a private CA for the demo and tests. */
  readonly transportOptions?: ProbeRequestOptions;
  /** Reads the Secrets Manager values of `{secretArn}` headers; a target that needs one without it is a scan gap. */
  readonly secrets?: SecretReader;
}

/** Default probes in flight at once: every target of any realistic config, all at once. */
export const PROBE_CONCURRENCY = 256;

export interface ProbeCheckOptions {
  /**
   * Probes in flight at once; default {@link PROBE_CONCURRENCY}. Probing waits on the network, not the
   * CPU, so the bound is high: at 16, 200 targets that each time out at 5 s would take over a minute.
   */
  readonly concurrency?: number;
  /** Severity of a page when the target does not set one; default critical. */
  readonly severity?: Severity;
  /**
   * Probe every target from this location even when its `regions` does not
   * list it: local mode, where one machine stands in for every location.
   */
  readonly ignoreRegions?: boolean;
  /** Targets instead of `config.probes` (ad-hoc runs). */
  readonly targets?: readonly ProbeCheckTarget[];
}

/**
 * The out-of-band probe check. collect probes every target concurrently
 * (bounded, each under its own hard timeout), judges it and, under quorum,
 * shares its verdict and reads the other locations'. Every target that
 * produced a result completes its scope `probe/<name>`: a failing target is
 * an observation, not a scan gap. Only a quorum store that cannot answer
 * leaves a scope incomplete, so a page is never resolved on a partial view.
 *
 * @example
 * const check = probeCheck({ transport: createHttpProbeTransport(), location: 'us-west-2' });
 * await runCheck(check, { config, state, sinks, now: new Date(), log });
 */
export function probeCheck(
  ports: ProbeCheckPorts,
  options: ProbeCheckOptions = {},
): Check<ProbeObservations> {
  return {
    name: 'probe',
    async collect(ctx) {
      const configured = options.targets ?? (ctx.config.probes as readonly ProbeCheckTarget[]);
      const wanted = configured.filter(
        (t) => options.ignoreRegions || t.regions === undefined || t.regions.includes(ports.location),
      );
      // Secret headers are read now, never stored: a target whose secret cannot be read is not probed.
      const { resolved, unresolved } = await resolveProbeSecrets(wanted, ports.secrets);
      const targets = resolved as ProbeCheckTarget[];
      // judgeProbe compiles bodyMatches patterns: the engine loads while the targets answer.
      const results = await whileLoadingPatterns(
        targets.some((t) => t.expect.bodyMatches !== undefined),
        () =>
          probeAll(targets, {
            transport: ports.transport,
            concurrency: options.concurrency ?? PROBE_CONCURRENCY,
            ...(ports.transportOptions && { probeOptions: ports.transportOptions }),
          }),
      );
      const minute = quorumMinute(ctx.now);
      const settled = await mapSettled(targets, 16, async (target, i): Promise<ProbeObservation> => {
        const result = results[i];
        if (!result) throw new Error(`no probe result for ${target.name}`);
        const verdict = judgeProbe(target, result);
        const withSeverity =
          options.severity && !target.severity ? { ...target, severity: options.severity } : target;
        if (target.quorum === undefined || !ports.quorum) return { target: withSeverity, result, verdict };
        await ports.quorum.record(
          target.name,
          ports.location,
          minute,
          !verdict.passed,
          verdictDetail(verdict),
        );
        const [current, previous] = await Promise.all([
          ports.quorum.results(target.name, minute),
          ports.quorum.results(target.name, previousQuorumMinute(minute)),
        ]);
        return { target: withSeverity, result, verdict, locations: latestPerLocation(current, previous) };
      });

      const observed: ProbeObservation[] = [];
      const completed: string[] = [];
      const failed: ScopeFailure[] = unresolved.map(({ target, reason }) => ({
        scope: probeScope(target.name),
        reason,
        errorName: 'SecretUnavailable',
      }));
      settled.forEach((outcome, i) => {
        const scope = probeScope(targets[i]?.name ?? `#${i}`);
        if (outcome.status === 'fulfilled') {
          observed.push(outcome.value);
          completed.push(scope);
        } else {
          const error = outcome.reason;
          const reason = `quorum store: ${error instanceof Error ? error.message : String(error)}`;
          failed.push({ scope, reason, errorName: error instanceof Error ? error.name : 'Error' });
        }
      });
      const down = observed.filter((o) => !o.verdict.passed).length;
      ctx.log.info(`probe: ${observed.length} probed from ${ports.location}, ${down} failed`);
      if (!ports.quorum && targets.some((t) => t.quorum !== undefined))
        ctx.log.warn(
          'probe: targets set a quorum but no quorum store is configured; judged from this location',
        );
      return {
        observations: { location: ports.location, observed, configured: configured.map((t) => t.name) },
        // A location's state is its own: a probe no longer run here (removed, or no longer listing this
        // region) is retired here, whatever other locations do.
        scope: { completed, failed, retired: retiredProbes(wanted, ports.location) },
      };
    },
    evaluate: evaluateProbes,
  };
}

/** A probe this location no longer runs: its open page here resolves, saying why. */
export function retiredProbes(
  probed: readonly { readonly name: string }[],
  location: string,
): (scope: string) => string | undefined {
  const names = new Set(probed.map((t) => probeScope(t.name)));
  return (scope) =>
    scope.startsWith('probe/') && !names.has(scope)
      ? `probe ${scope.slice('probe/'.length)} is no longer run from ${location}`
      : undefined;
}
