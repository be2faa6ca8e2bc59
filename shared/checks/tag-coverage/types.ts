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
