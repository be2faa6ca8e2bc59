/** Counts and spend behind one coverage figure. */
export interface CoverageTally {
  taggable: number;
  compliant: number;
  spendUsd: number;
  /** Spend lacking each required key. */
  untaggedUsdByKey: Record<string, number>;
}

export interface CoverageFigures {
  readonly byCount: number | null;
  /**
   * Share of spend carrying every required key, as far as per-key data
   * allows: 1 − the largest per-key untagged share. Cost Explorer groups by
   * one tag key at a time, so this is an upper bound on joint coverage; the
   * per-key shares are reported beside it.
   */
  readonly bySpend: number | null;
  readonly bySpendPerKey: Readonly<Record<string, number>>;
  readonly untaggedUsd: number;
}

export function emptyTally(): CoverageTally {
  return { taggable: 0, compliant: 0, spendUsd: 0, untaggedUsdByKey: {} };
}

/** Adds `from` into `into` (for per-owner and org-wide roll-ups). */
export function addTally(into: CoverageTally, from: CoverageTally): void {
  into.taggable += from.taggable;
  into.compliant += from.compliant;
  into.spendUsd += from.spendUsd;
  for (const [key, usd] of Object.entries(from.untaggedUsdByKey)) {
    into.untaggedUsdByKey[key] = (into.untaggedUsdByKey[key] ?? 0) + usd;
  }
}

/** Coverage ratios from a tally; null where there is nothing to measure. */
export function coverageOf(tally: CoverageTally, requiredKeys: readonly string[]): CoverageFigures {
  const byCount = tally.taggable === 0 ? null : tally.compliant / tally.taggable;
  // No spend, or no key whose spend could be measured: coverage by spend is unknown, not 100%.
  if (tally.spendUsd <= 0 || requiredKeys.length === 0)
    return { byCount, bySpend: null, bySpendPerKey: {}, untaggedUsd: 0 };
  const bySpendPerKey: Record<string, number> = {};
  let worstUntagged = 0;
  for (const key of requiredKeys) {
    const untagged = Math.min(tally.untaggedUsdByKey[key] ?? 0, tally.spendUsd);
    bySpendPerKey[key] = 1 - untagged / tally.spendUsd;
    worstUntagged = Math.max(worstUntagged, untagged);
  }
  return { byCount, bySpend: 1 - worstUntagged / tally.spendUsd, bySpendPerKey, untaggedUsd: worstUntagged };
}
