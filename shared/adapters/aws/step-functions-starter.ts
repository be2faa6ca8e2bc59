import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GuardrailError } from '../../core/errors.js';
import { type AwsClientOptions, awsClient } from './clients.js';

/** Attempts of one run before it gives up: each failed attempt keeps its name for 90 days. */
export const MAX_RUN_ATTEMPTS = 20;
/** Closed without success: a new attempt may start (ExecutionStatus). */
const RERUN_AFTER: ReadonlySet<string> = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);
/** Execution names are at most 80 characters (StartExecution `name`). */
const MAX_NAME_LENGTH = 80;

export interface StepFunctionsStarterOptions {
  readonly stateMachineArn: string;
  /** Default: {@link awsClient}(SFNClient) in the state machine's region. */
  readonly client?: SFNClient;
  readonly clientOptions?: AwsClientOptions;
}

/** What starting a run did. */
export interface StartedRun {
  /** The execution of the run now under way or done: started here, or found. */
  readonly executionArn?: string;
  /** The execution name used: the run's name, or `<name>-<attempt>` for a rerun. */
  readonly name: string;
  /** True when no execution was started here: one of the run is running, or one succeeded. */
  readonly alreadyStarted: boolean;
  /** `RUNNING`, `SUCCEEDED`, … of the execution found; absent when this call started one. */
  readonly status?: string;
}

/**
 * The name of a run's attempt: the run id first, `<runId>-2`, `<runId>-3`, …
 * for reruns, each cut to StartExecution's 80 characters (API reference,
 * StartExecution `name`: length 1–80), the first one too.
 */
export function attemptName(runId: string, attempt: number): string {
  if (attempt <= 1) return runId.slice(0, MAX_NAME_LENGTH);
  const suffix = `-${attempt}`;
  return `${runId.slice(0, MAX_NAME_LENGTH - suffix.length)}${suffix}`;
}

/** `arn:…:stateMachine:<machine>` → `arn:…:execution:<machine>:<name>`. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * Starts a run of a STANDARD state machine under a deterministic name, at
 * most one execution of the run at a time, and again after a failure.
 *
 * StartExecution is idempotent per name for a running execution with the same
 * input, and answers `ExecutionAlreadyExists` for a name taken by a closed
 * execution (or by a running one with another input); a name can be reused
 * 90 days after its execution closes. So each attempt takes the next name,
 * and a taken name is looked up (DescribeExecution) before moving on:
 * - failed, timed out or aborted: the next name starts a rerun;
 * - running, pending a redrive or succeeded: the run is under way or done,
 *   and nothing is started.
 *
 * Two callers racing for the same next name start one execution: the second
 * StartExecution with the same name and input gets the first one's answer.
 *
 * @example
 * const started = await startExecution({ stateMachineArn }, 'tag-coverage-20261120T060000Z', input);
 */
export async function startExecution(
  options: StepFunctionsStarterOptions,
  runId: string,
  input: unknown,
): Promise<StartedRun> {
  const region = /^arn:[\w-]+:states:([\w-]+):/.exec(options.stateMachineArn)?.[1];
  const client =
    options.client ?? awsClient(SFNClient, { ...options.clientOptions, ...(region && { region }) });
  const body = JSON.stringify(input);
  for (let attempt = 1; attempt <= MAX_RUN_ATTEMPTS; attempt++) {
    const name = attemptName(runId, attempt);
    try {
      const output = await client.send(
        new StartExecutionCommand({ stateMachineArn: options.stateMachineArn, name, input: body }),
      );
      return {
        ...(output.executionArn && { executionArn: output.executionArn }),
        name,
        alreadyStarted: false,
      };
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ExecutionAlreadyExists') throw error;
    }
    const executionArn = executionArnOf(options.stateMachineArn, name);
    const { status } = await client.send(new DescribeExecutionCommand({ executionArn }));
    // Only an attempt known to have ended without success makes way for the next one.
    if (!status || !RERUN_AFTER.has(status)) {
      return { executionArn, name, alreadyStarted: true, ...(status && { status }) };
    }
  }
  throw new GuardrailError(
    `${runId}: ${MAX_RUN_ATTEMPTS} executions of this run failed; start it under a new run id (a new scheduled time)`,
  );
}
