/**
 * Typed error family. Every error the project raises on purpose extends
 * {@link GuardrailError}, so callers can tell our failures from bugs and
 * keep the original cause for logs.
 */
export class GuardrailError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GuardrailError';
  }
}

/** Bad input: a config file, a CSV line, a JSON document. `location` names the file, line or field. */
export class InputError extends GuardrailError {
  readonly location: string;
  constructor(location: string, message: string, options?: { cause?: unknown }) {
    super(`${location}: ${message}`, options);
    this.name = 'InputError';
    this.location = location;
  }
}

/** The config is invalid. Exit code 2 in the CLI. */
export class ConfigError extends InputError {
  constructor(location: string, message: string, options?: { cause?: unknown }) {
    super(location, message, options);
    this.name = 'ConfigError';
  }
}

/** A scope (account, region, target) could not be observed completely. */
export class ScanError extends GuardrailError {
  readonly scope: string;
  readonly reason: string;
  constructor(scope: string, reason: string, options?: { cause?: unknown }) {
    super(`${scope}: ${reason}`, options);
    this.name = 'ScanError';
    this.scope = scope;
    this.reason = reason;
  }
}

/** A sink could not deliver every event. State must not be committed. */
export class DeliveryError extends GuardrailError {
  readonly undelivered: readonly string[];
  constructor(message: string, undelivered: readonly string[], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeliveryError';
    this.undelivered = undelivered;
  }
}

/** A conditional state write lost a race with another run. */
export class StateConflictError extends GuardrailError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StateConflictError';
  }
}

/** Another run holds the check's state lease; this run stopped before delivering anything. */
export class LeaseHeldError extends GuardrailError {
  readonly holder: string;
  readonly expiresAt: Date | undefined;
  constructor(message: string, holder: string, expiresAt?: Date, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LeaseHeldError';
    this.holder = holder;
    this.expiresAt = expiresAt;
  }
}
