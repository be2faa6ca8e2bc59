import type { ProbeTarget } from '../checks/probe/types.js';
import type { GuardrailsConfig } from '../config/schema.js';
import type { CheckName } from '../core/constants.js';
import type { Check, ProgressLog } from '../core/ports.js';
import { costAnomalyFactory } from './cost-anomaly-wiring.js';
import { costPolicyFactory } from './cost-policy-wiring.js';
import { probeFactory } from './probe-wiring.js';
import { tagCoverageFactory } from './tag-coverage-wiring.js';

/** Where a check reads the world from: files (local mode) or AWS (CLI `--source aws` and Lambda). */
export type SourceMode = 'file' | 'aws';

export interface CheckBuildOptions {
  readonly mode: SourceMode;
  readonly config: GuardrailsConfig;
  /** Directory of the local files (accounts.json, resources.json, costs.csv, metrics.csv). */
  readonly dataDir: string;
  readonly log: ProgressLog;
  /** AWS mode: the region of STS and of metric queries without one (CLI `--region`, else the SDK's, else `deployment.toolingRegion`). */
  readonly region?: string;
  /** Probe targets and a trusted CA that replace the config's: ad-hoc runs and the demo's loopback targets. */
  readonly probe?: { readonly targets?: readonly ProbeTarget[]; readonly ca?: string };
}

export type CheckFactory = (options: CheckBuildOptions) => Check<unknown>;

/** Names users type after `--only`, mapped to checks. */
export const CHECK_ALIASES: Readonly<Record<string, CheckName>> = {
  tags: 'tag-coverage',
  'tag-coverage': 'tag-coverage',
  costs: 'cost-anomaly',
  'cost-anomaly': 'cost-anomaly',
  probes: 'probe',
  probe: 'probe',
  policy: 'cost-policy',
  'cost-policy': 'cost-policy',
};

/**
 * Every check the CLI can run, in run order. Lambda handlers import their
 * own check's factory directly instead, so a bundle carries only its check.
 */
export const CHECK_FACTORIES: Partial<Record<CheckName, CheckFactory>> = {
  'tag-coverage': tagCoverageFactory,
  'cost-anomaly': costAnomalyFactory,
  'cost-policy': costPolicyFactory,
  probe: probeFactory,
};
