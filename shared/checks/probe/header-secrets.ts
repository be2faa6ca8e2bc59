import type { ProbeTarget, SecretRef } from './types.js';

/** Reads a secret's string value (Secrets Manager GetSecretValue in AWS). */
export interface SecretReader {
  read(secretArn: string): Promise<string>;
}

/** A {@link SecretReader} that reads each secret once until {@link clear} (once per invocation). */
export interface CachedSecretReader extends SecretReader {
  /** Forgets every value: called at the start of each invocation, so a rotated key is picked up. */
  clear(): void;
}

/**
 * Caches a reader's values until `clear()`. A failed read is not cached, so
 * the next round of the same invocation tries again.
 *
 * @example
 * const secrets = cachedSecretReader(awsSecretReader()); // at cold start
 * secrets.clear(); // at the start of each invocation
 */
export function cachedSecretReader(reader: SecretReader): CachedSecretReader {
  const cache = new Map<string, Promise<string>>();
  return {
    read(secretArn) {
      const cached = cache.get(secretArn);
      if (cached) return cached;
      const pending = reader.read(secretArn);
      cache.set(secretArn, pending);
      pending.catch(() => cache.delete(secretArn));
      return pending;
    },
    clear: () => cache.clear(),
  };
}

/** A target whose secret headers could not be resolved, and why (never the value). */
export interface UnresolvedTarget {
  readonly target: ProbeTarget;
  readonly reason: string;
}

/**
 * The targets with every `{secretArn, jsonKey?}` header replaced by its value.
 * A target whose secret cannot be read (no reader, access denied, a missing
 * JSON key) is returned apart: it is not probed, since a request without its
 * key would page for the wrong reason.
 *
 * @example
 * const { resolved, unresolved } = await resolveProbeSecrets(targets, secrets);
 */
export async function resolveProbeSecrets(
  targets: readonly ProbeTarget[],
  reader: SecretReader | undefined,
): Promise<{ resolved: ProbeTarget[]; unresolved: UnresolvedTarget[] }> {
  const outcomes = await Promise.all(
    targets.map(async (target): Promise<{ target: ProbeTarget; reason?: string }> => {
      const refs = Object.entries(target.headers).filter(
        (entry): entry is [string, SecretRef] => typeof entry[1] !== 'string',
      );
      if (refs.length === 0) return { target };
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(target.headers)) {
        if (typeof value === 'string') {
          headers[name] = value;
          continue;
        }
        try {
          headers[name] = await secretHeaderValue(value, reader);
        } catch (error) {
          return {
            target,
            reason: `header ${name}: ${error instanceof Error ? error.message : String(error)}`,
          };
        }
      }
      return { target: { ...target, headers } };
    }),
  );
  return {
    resolved: outcomes.filter((o) => o.reason === undefined).map((o) => o.target),
    unresolved: outcomes.flatMap((o) =>
      o.reason === undefined ? [] : [{ target: o.target, reason: o.reason }],
    ),
  };
}

async function secretHeaderValue(ref: SecretRef, reader: SecretReader | undefined): Promise<string> {
  if (!reader) throw new Error(`secret ${ref.secretArn} cannot be read here (no Secrets Manager access)`);
  const text = await reader.read(ref.secretArn);
  if (ref.jsonKey === undefined) return text;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // The parse error would quote the secret: say only what is wrong.
    throw new Error(`secret ${ref.secretArn} is not a JSON object, so it has no key ${ref.jsonKey}`);
  }
  const value =
    document !== null && typeof document === 'object' && Object.hasOwn(document, ref.jsonKey)
      ? (document as Record<string, unknown>)[ref.jsonKey]
      : undefined;
  if (typeof value !== 'string' || value === '') {
    throw new Error(`secret ${ref.secretArn} has no string value at key ${ref.jsonKey}`);
  }
  return value;
}
