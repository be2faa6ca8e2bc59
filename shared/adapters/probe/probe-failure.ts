import type { ProbeError, ProbeErrorKind } from '../../checks/probe/types.js';
import { GuardrailError } from '../../core/errors.js';

/**
 * Why one probe attempt stopped. Raised inside the transport and turned into
 * `result.error`: the transport itself never throws for a network failure.
 */
export class ProbeFailure extends GuardrailError {
  readonly kind: ProbeErrorKind;
  readonly code: string;
  constructor(kind: ProbeErrorKind, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProbeFailure';
    this.kind = kind;
    this.code = code;
  }
}

/** Maps anything caught during a probe to the result's `error` field. */
export function toProbeError(error: unknown): ProbeError {
  if (error instanceof ProbeFailure) return { kind: error.kind, code: error.code, message: error.message };
  const code = errorCode(error) ?? 'INTERNAL';
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'internal', code, message };
}

/** The `code` of a Node system error (`ECONNREFUSED`, `ENOTFOUND`...), if any. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/**
 * A promise that also settles when `signal` aborts: it rejects with the abort
 * reason and runs `cleanup` (destroying the socket of the step in flight).
 */
export function abortable<T>(
  signal: AbortSignal,
  start: (resolve: (value: T) => void, reject: (reason: unknown) => void) => (() => void) | undefined,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let cleanup: (() => void) | undefined;
    const onAbort = (): void => {
      cleanup?.();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    cleanup = start(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (reason) => {
        signal.removeEventListener('abort', onAbort);
        reject(reason);
      },
    );
  });
}
