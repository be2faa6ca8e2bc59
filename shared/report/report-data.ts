/**
 * The report's model: what `finops-guardrails report` renders in every
 * format. Built from a state (open incidents and the checks' report memory)
 * or from an events file (the lifecycle); rendering is pure.
 */
import type { CostSeriesEntry } from '../checks/cost-anomaly/report-snapshot.js';
import type { WaiverEntry } from '../checks/cost-policy/runtime/report-snapshot.js';
import type { ProbeEntry, ProbeRoundValue } from '../checks/probe/report-snapshot.js';
import type { CoverageEntry, OwnerCoverageEntry } from '../checks/tag-coverage/report-snapshot.js';
import type { CheckName } from '../core/constants.js';
import type { Severity } from '../core/severity.js';

/** One open finding, as a row. */
export interface OpenFinding {
  readonly dedupkey: string;
  readonly check: CheckName;
  readonly type: string;
  readonly severity: Severity;
  /** The owner team; for a probe without one, `on-call`; for a scan gap, `guardrails`. */
  readonly owner: string;
  readonly account?: string;
  readonly usdPerMonth?: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** Tag digests: the earliest deadline of its resources. */
  readonly deadline?: string;
  /** Whole days since first seen, as of the report's `asOf`. */
  readonly ageDays: number;
  readonly subject: string;
  readonly summary: string;
  readonly console?: string;
}

/** A coverage figure on one day. */
export interface CoverageDay {
  readonly day: string;
  readonly byCount: number | null;
  readonly bySpend: number | null;
  readonly untaggedUsd: number;
}

export interface CoverageSection {
  readonly objective: number;
  readonly requiredKeys: readonly string[];
  readonly org?: CoverageEntry;
  /** Worst by count first. */
  readonly accounts: readonly CoverageEntry[];
  readonly owners: readonly OwnerCoverageEntry[];
  readonly history: {
    readonly org: readonly CoverageDay[];
    readonly accounts: ReadonlyArray<{
      readonly accountId: string;
      readonly name: string;
      readonly days: readonly CoverageDay[];
    }>;
  };
}

/** A probe round with its time. */
export type ProbeRound = ProbeRoundValue & { readonly at: string };

export interface ProbeSection {
  readonly probe: ProbeEntry;
  /** Oldest first. */
  readonly rounds: readonly ProbeRound[];
}

export interface ReportData {
  /** The time ages are counted to. */
  readonly asOf: string;
  /** Where it came from, e.g. `state file ./state.json`. */
  readonly source: string;
  /** Worst first, then largest $/month. */
  readonly findings: readonly OpenFinding[];
  readonly coverage?: CoverageSection;
  /** Series with an anomaly first (largest impact first), then the other workloads. */
  readonly costs: readonly CostSeriesEntry[];
  readonly probes: readonly ProbeSection[];
  /** Every `costPolicy` waiver with what it did in the last run that judged every rule; absent without one. */
  readonly waivers?: readonly WaiverEntry[];
  /** What the report could not show, and why (e.g. no history in an events file). */
  readonly notes: readonly string[];
}
