import { createHash } from 'node:crypto';
import { DEDUPKEY_MAX } from './constants.js';
import type { Finding } from './finding.js';

// Characters SQS allows in MessageGroupId / MessageDeduplicationId; anything else is replaced.
const UNSAFE = /[^A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The dedup key of a problem: `check:rule:identity…`. It stays readable when
 * it fits in 128 characters (the SQS FIFO limit); otherwise a readable prefix
 * is kept and the rest replaced by a hash of the whole key, so two problems
 * never share a key and the same problem always gets the same one.
 */
export function dedupKeyOf(finding: Pick<Finding, 'check' | 'rule' | 'identity'>): string {
  const raw = [finding.check, finding.rule, ...finding.identity].join(':').replace(UNSAFE, '_');
  if (raw.length <= DEDUPKEY_MAX) return raw;
  const digest = sha256(raw).slice(0, 32);
  return `${raw.slice(0, DEDUPKEY_MAX - digest.length - 1)}~${digest}`;
}

/** The CloudEvents id: the same for a retried delivery of the same event, different for every new one. */
export function eventIdOf(dedupkey: string, sequence: number): string {
  const hex = sha256(`${dedupkey}#${sequence}`);
  // Shaped like a UUID for consumers that expect one.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
