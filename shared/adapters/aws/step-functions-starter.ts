import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { type AwsClientOptions, awsClient } from './clients.js';

export interface StepFunctionsStarterOptions {
  readonly stateMachineArn: string;
  /** Default: {@link awsClient}(SFNClient) in the state machine's region. */
  readonly client?: SFNClient;
  readonly clientOptions?: AwsClientOptions;
}

/**
 * Starts one execution of a state machine under a deterministic name. A
 * name already used (`ExecutionAlreadyExists`: a retried schedule for the
 * same run) means the run is under way, so it counts as started.
 *
 * @example
 * const started = await startExecution({ stateMachineArn }, 'tag-coverage-20261120T060000Z', input);
 */
export async function startExecution(
  options: StepFunctionsStarterOptions,
  name: string,
  input: unknown,
): Promise<{ readonly executionArn?: string; readonly alreadyStarted: boolean }> {
  const region = /^arn:[\w-]+:states:([\w-]+):/.exec(options.stateMachineArn)?.[1];
  const client =
    options.client ?? awsClient(SFNClient, { ...options.clientOptions, ...(region && { region }) });
  try {
    const output = await client.send(
      new StartExecutionCommand({
        stateMachineArn: options.stateMachineArn,
        name,
        input: JSON.stringify(input),
      }),
    );
    return { ...(output.executionArn && { executionArn: output.executionArn }), alreadyStarted: false };
  } catch (error) {
    if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return { alreadyStarted: true };
    throw error;
  }
}
