import { readFileSync } from 'node:fs';
import { repoFile } from '../support/cdk.js';

/** Whose credentials the code sends a package's commands with. */
export type Via = 'own' | 'management' | 'member' | 'own+member';

/** What an `own` command acts on, found from the function's environment and the config. */
export type Target =
  | 'state-table'
  | 'incident-queue'
  | 'paging-topic'
  | 'results-bucket'
  | 'fan-out'
  | 'secret'
  | 'event-bus'
  | 'assumed-roles'
  | 'any';

export interface CommandAuthorization {
  readonly actions: readonly string[];
  readonly itemActions?: Readonly<Record<string, string>>;
  readonly keyActions?: readonly string[];
  readonly resource?: string;
  /** An object the command acts on in the fan-out's RESULTS_BUCKET… */
  readonly objectKey?: string;
  /** …for these functions only (default: every function with RESULTS_BUCKET). */
  readonly objectKeyFor?: readonly string[];
  /** The report object the command writes in REPORTS_BUCKET. */
  readonly reportKey?: string;
  readonly onExecution?: boolean;
  readonly note?: string;
}

export interface PackageAuthorization {
  readonly source: string;
  readonly keySource?: string;
  readonly via: Via;
  readonly target: Target;
  readonly keyActions?: readonly string[];
  readonly keyService?: string;
  readonly commands: Readonly<Record<string, CommandAuthorization>>;
}

export interface ServiceAuthorization {
  readonly documentCommands: Readonly<Record<string, string>>;
  readonly packages: Readonly<Record<string, PackageAuthorization>>;
  readonly platform: {
    readonly logs: readonly string[];
    readonly sqsEventSource: readonly string[];
    readonly sqsEventSourceKey: readonly string[];
    readonly tracing: readonly string[];
  };
}

/** test/fixtures/iam/service-authorization.json, the Service Authorization Reference facts the test relies on. */
export function loadServiceAuthorization(): ServiceAuthorization {
  return JSON.parse(
    readFileSync(repoFile('test/fixtures/iam/service-authorization.json'), 'utf8'),
  ) as ServiceAuthorization;
}
