/** An account as the directory reports it (Organizations ListAccounts + ListTagsForResource, or accounts.json). */
export interface AccountInfo {
  readonly id: string;
  readonly name: string;
  /** ACTIVE accounts are scanned; SUSPENDED and PENDING_CLOSURE ones are skipped. */
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Set when the directory could not read this account's entry (a malformed
   * accounts.json entry): it is neither scanned nor retired, and its scopes
   * are scan gaps. `id` is then the entry's JSON path when its Id is unreadable too.
   */
  readonly unreadable?: { readonly reason: string; readonly input?: string };
}

/** A resource and its tags, attributed to the account and region it was found in. */
export interface TaggedResource {
  readonly arn: string;
  readonly accountId: string;
  readonly region: string;
  /** `service:type`, e.g. `ec2:instance`. */
  readonly resourceType: string;
  readonly tags: Readonly<Record<string, string>>;
  /**
   * The inventory sources that listed it, when several were merged
   * (`['resource-explorer', 'tagging-api']`); absent means the one source
   * that read the account.
   */
  readonly seenBy?: readonly string[];
}

/**
 * Spend of one account over the lookback window, and the part of it whose
 * line items lack each required key (Cost Explorer's empty `key$` group).
 */
export interface AccountSpend {
  readonly accountId: string;
  readonly totalUsd: number;
  readonly untaggedUsdByKey: Readonly<Record<string, number>>;
}

export interface TagObservations {
  readonly accounts: readonly AccountInfo[];
  /** Read once, in order: an aggregator may stream them rather than hold them all. */
  readonly resources: Iterable<TaggedResource>;
  /** Absent when spend could not be read; coverage is then by count only. */
  readonly spend?: readonly AccountSpend[];
  /** Cost per resource ARN over the last 30 days, where known (FOCUS ResourceId); ranks digests. */
  readonly resourceCostUsd?: ReadonlyMap<string, number>;
  /** Which inventory sources this run covered, e.g. `tagging-api`, `cost-explorer`, `focus-csv`. */
  readonly sources: readonly string[];
  /** Per account, how many resources each inventory source listed (coverage evidence). */
  readonly inventoryCounts?: ReadonlyMap<string, Readonly<Record<string, number>>>;
  /** Required tag keys Cost Explorer cannot group spend by (not active cost allocation tags). */
  readonly inactiveCostTags?: readonly InactiveCostTag[];
}

/** A required key's spelling that is not an active cost allocation tag, so its spend cannot be measured. */
export interface InactiveCostTag {
  /** The spelling in billing data (`Environment`), which may differ in case from the policy's key. */
  readonly key: string;
  /** The policy's required key it spells. */
  readonly requiredKey: string;
  /** `Inactive`: listed by ListCostAllocationTags but not activated; `absent`: not listed at all (no billing data carries it yet). */
  readonly status: 'Inactive' | 'absent';
}

/** A required key as a spend source needs it: `insensitive` keys are summed over every spelling. */
export interface SpendKey {
  readonly key: string;
  readonly keyCase: 'exact' | 'insensitive';
}

/**
 * Spend per account, and which required keys it could not be measured for.
 * `untaggedUsdByKey` holds only the keys measured.
 */
export interface TagSpend {
  readonly accounts: readonly AccountSpend[];
  readonly inactiveKeys: readonly InactiveCostTag[];
}

/** A resource's tagging problem. */
export type TagProblem =
  | { readonly kind: 'missing'; readonly key: string }
  | {
      readonly kind: 'invalid-value';
      readonly key: string;
      readonly value: string;
      readonly expected: string;
    }
  | { readonly kind: 'wrong-case-key'; readonly key: string; readonly canonical: string };
