import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandInput,
  SFNClient,
  StartExecutionCommand,
  type StartExecutionCommandInput,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  attemptName,
  executionArnOf,
  MAX_RUN_ATTEMPTS,
  startExecution,
} from '../../../../shared/adapters/aws/step-functions-starter.js';

const MACHINE = 'arn:aws:states:us-east-1:222222222222:stateMachine:TagCoverageFanOut';
const RUN = 'tag-coverage-20261120T060000Z';
const INPUT = { runId: RUN, now: '2026-11-20T06:00:00.000Z' };

/**
 * A STANDARD state machine's name rules, as the SDK documents StartExecution
 * (@aws-sdk/client-sfn StartExecutionCommand): the same name and input as a
 * running execution answers like the original call; a closed execution's
 * name, or a running one's with another input, is `ExecutionAlreadyExists`.
 */
class FakeStateMachine {
  readonly executions = new Map<string, { status: string; input: string | undefined }>();
  started = 0;

  start(input: StartExecutionCommandInput) {
    const name = input.name ?? '';
    const executionArn = executionArnOf(MACHINE, name);
    const existing = this.executions.get(name);
    if (!existing) {
      this.executions.set(name, { status: 'RUNNING', input: input.input });
      this.started++;
      return { executionArn, startDate: new Date() };
    }
    if (existing.status === 'RUNNING' && existing.input === input.input)
      return { executionArn, startDate: new Date() };
    throw Object.assign(new Error(`Execution Already Exists: '${executionArn}'`), {
      name: 'ExecutionAlreadyExists',
    });
  }

  describe(input: DescribeExecutionCommandInput) {
    const name = input.executionArn?.split(':').pop() ?? '';
    const execution = this.executions.get(name);
    if (!execution) throw Object.assign(new Error('no such execution'), { name: 'ExecutionDoesNotExist' });
    return { executionArn: input.executionArn, status: execution.status };
  }

  /** Ends the run's latest attempt with `status`. */
  close(name: string, status: string): void {
    const execution = this.executions.get(name);
    if (execution) execution.status = status;
  }
}

describe('startExecution', () => {
  const sfn = mockClient(SFNClient);
  const client = new SFNClient({ region: 'us-east-1' });
  let machine: FakeStateMachine;
  beforeEach(() => {
    machine = new FakeStateMachine();
    sfn.on(StartExecutionCommand).callsFake((input: StartExecutionCommandInput) => machine.start(input));
    sfn
      .on(DescribeExecutionCommand)
      .callsFake((input: DescribeExecutionCommandInput) => machine.describe(input));
  });
  afterEach(() => sfn.reset());

  it('starts the run under its run id', async () => {
    const started = await startExecution({ stateMachineArn: MACHINE, client }, RUN, INPUT);
    expect(started).toEqual({ executionArn: executionArnOf(MACHINE, RUN), name: RUN, alreadyStarted: false });
    expect(sfn).toReceiveCommandWith(StartExecutionCommand, {
      stateMachineArn: MACHINE,
      name: RUN,
      input: JSON.stringify(INPUT),
    });
  });

  it('starts nothing while an execution of the run with another input is running', async () => {
    await startExecution({ stateMachineArn: MACHINE, client }, RUN, INPUT);
    const again = await startExecution({ stateMachineArn: MACHINE, client }, RUN, {
      ...INPUT,
      regions: ['x'],
    });
    expect(again).toMatchObject({ name: RUN, alreadyStarted: true, status: 'RUNNING' });
    expect(machine.started).toBe(1);
  });

  it('reruns a failed run the same day under the next name, and only once while that rerun runs', async () => {
    await startExecution({ stateMachineArn: MACHINE, client }, RUN, INPUT);
    machine.close(RUN, 'FAILED');
    const rerun = await startExecution({ stateMachineArn: MACHINE, client }, RUN, INPUT);
    expect(rerun).toEqual({
      executionArn: executionArnOf(MACHINE, `${RUN}-2`),
      name: `${RUN}-2`,
      alreadyStarted: false,
    });
    const meanwhile = await startExecution({ stateMachineArn: MACHINE, client }, RUN, { ...INPUT, other: 1 });
    expect(meanwhile).toMatchObject({ name: `${RUN}-2`, alreadyStarted: true, status: 'RUNNING' });
    expect(machine.started).toBe(2);
  });

  it.each(['TIMED_OUT', 'ABORTED'])('reruns after an execution that %s', async (status) => {
    await startExecution({ stateMachineArn: MACHINE, client }, RUN, INPUT);
    machine.close(RUN, status);
    expect(await startExecution({ stateMachineArn: MACHINE, client }, RUN, INPUT)).toMatchObject({
      name: `${RUN}-2`,
      alreadyStarted: false,
    });
  });

  it('does not rerun a run whose execution succeeded', async () => {
    await startExecution({ stateMachineArn: MACHINE, client }, RUN, INPUT);
    machine.close(RUN, 'SUCCEEDED');
    expect(await startExecution({ stateMachineArn: MACHINE, client }, RUN, INPUT)).toMatchObject({
      name: RUN,
      alreadyStarted: true,
      status: 'SUCCEEDED',
    });
    expect(machine.started).toBe(1);
  });

  it('lets two racing reruns share one execution: the second repeats the first call', async () => {
    await startExecution({ stateMachineArn: MACHINE, client }, RUN, INPUT);
    machine.close(RUN, 'FAILED');
    const [a, b] = await Promise.all([
      startExecution({ stateMachineArn: MACHINE, client }, RUN, INPUT),
      startExecution({ stateMachineArn: MACHINE, client }, RUN, INPUT),
    ]);
    expect(a?.name).toBe(`${RUN}-2`);
    expect(b?.name).toBe(`${RUN}-2`);
    expect(machine.started).toBe(2);
  });

  it('passes on other errors, such as access denied', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(startExecution({ stateMachineArn: MACHINE, client }, RUN, INPUT)).rejects.toThrow('denied');
  });

  it('gives up, naming the run, when every attempt failed', async () => {
    for (let attempt = 1; attempt <= MAX_RUN_ATTEMPTS; attempt++)
      machine.executions.set(attemptName(RUN, attempt), { status: 'FAILED', input: '' });
    await expect(startExecution({ stateMachineArn: MACHINE, client }, RUN, INPUT)).rejects.toThrow(
      `${RUN}: ${MAX_RUN_ATTEMPTS} executions of this run failed`,
    );
  });
});

describe('attemptName', () => {
  it('keeps the run id for the first attempt and stays within 80 characters after', () => {
    expect(attemptName(RUN, 1)).toBe(RUN);
    expect(attemptName(RUN, 12)).toBe(`${RUN}-12`);
    const long = 'r'.repeat(80);
    expect(attemptName(long, 3)).toHaveLength(80);
    expect(attemptName(long, 3).endsWith('-3')).toBe(true);
  });

  it('cuts an over-long run id to 80 characters on the first attempt too, where StartExecution would refuse it', () => {
    const tooLong = `tag-coverage-${'x'.repeat(90)}`;
    for (const attempt of [1, 2, 10, MAX_RUN_ATTEMPTS]) {
      expect(attemptName(tooLong, attempt).length, `attempt ${attempt}`).toBeLessThanOrEqual(80);
    }
    expect(attemptName(tooLong, 1)).toBe(tooLong.slice(0, 80));
  });
});
