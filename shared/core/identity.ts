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
 * that spelling is exact: it fits in 128 characters (the SQS FIFO limit),
 * uses only the characters SQS allows, and no identity part holds a `:` or
 * `~` that would blur where one part ends. Otherwise a readable prefix is
 * kept and a hash of the exact parts is appended, so two problems never
 * share a key (`data team` and `data_team` differ) and the same problem
 * always gets the same one.
 */
export function dedupKeyOf(finding: Pick<Finding, 'check' | 'rule' | 'identity'>): string {
  const parts = [finding.check, finding.rule, ...finding.identity];
  const readable = parts.join(':').replace(UNSAFE, '_');
  const exact = finding.identity.every((part) => !/[:~]/.test(part) && !new RegExp(UNSAFE.source).test(part));
  if (exact && readable.length <= DEDUPKEY_MAX) return readable;
  const digest = sha256(JSON.stringify(parts)).slice(0, 24);
  return `${readable.slice(0, DEDUPKEY_MAX - digest.length - 1)}~${digest}`;
}

/** The CloudEvents id: the same for a retried delivery of the same event, different for every new one. */
export function eventIdOf(dedupkey: string, sequence: number): string {
  const hex = sha256(`${dedupkey}#${sequence}`);
  // Shaped like a UUID for consumers that expect one.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
