/**
 * `sage savepoint JOBID` and `sage stop JOBID`: save a running job's state (and, for stop, end the
 * job) so that `sage run --from-savepoint` can start a job from it. The savepoint id goes alone to
 * stdout, for scripts: `ID=$(sage savepoint $JOB)`; what people read goes to stderr.
 */
import { Command } from 'commander';
import { TERMINAL_JOB_STATES, withJobClient, type JobClient } from '../cluster/job-client.js';
import { jobManagerOption } from '../cluster/option-parsers.js';
import { CliError } from '../errors.js';
import { sageCommand } from '../invocation.js';
import { printFailure } from '../run/summary.js';
import { formatBytes } from './units.js';

/** How long the command waits for the savepoint (and, for stop, the job's end) before giving up. */
const SAVEPOINT_TIMEOUT_MS = 10 * 60_000;
/** The call's own deadline comes later, so that the command's timeout is the one that reports. */
const CALL_GRACE_MS = 30_000;
const POLL_INTERVAL_MS = 250;

export function savepointCommand(): Command {
  return new Command('savepoint')
    .description('Take a savepoint of a running job (one with checkpointing enabled); print its id on stdout')
    .argument('<job-id>', 'the JobID that `sage run` printed')
    .addOption(jobManagerOption())
    .addHelpText(
      'after',
      `\nWaits until the savepoint is complete (up to ${SAVEPOINT_TIMEOUT_MS / 60_000} minutes); Ctrl-C stops waiting.\n` +
        'Only the savepoint id goes to stdout, so a script can keep it:\n' +
        '  ID=$(sage savepoint $JOB)\n' +
        '  sage run job.ts -p 4 --jobmanager 127.0.0.1:6123 --from-savepoint $ID',
    )
    .action(async (jobId: string, options: { jobmanager?: string }) => {
      process.exitCode = await withJobClient(options.jobmanager, (client) => takeSavepoint(client, jobId, false));
    });
}

export function stopCommand(): Command {
  return new Command('stop')
    .description("Stop a job with a savepoint: take a savepoint, commit the sinks, then end the job; print the savepoint's id on stdout")
    .argument('<job-id>', 'the JobID that `sage run` printed')
    .option('--savepoint', 'take a savepoint before stopping (always done; the flag may be given for clarity)')
    .addOption(jobManagerOption())
    .addHelpText(
      'after',
      `\nWaits until the savepoint is complete and the job has ended (up to ${SAVEPOINT_TIMEOUT_MS / 60_000} minutes); Ctrl-C stops waiting.\n` +
        'To end a job without a savepoint, use `sage cancel`. Resume a stopped job with:\n' +
        '  sage run job.ts -p 4 --jobmanager 127.0.0.1:6123 --from-savepoint "$(sage stop $JOB)"',
    )
    .action(async (jobId: string, options: { jobmanager?: string }) => {
      process.exitCode = await withJobClient(options.jobmanager, (client) => takeSavepoint(client, jobId, true));
    });
}

/** Takes the savepoint and, with `stop`, waits for the job to end; resolves with the exit code. */
async function takeSavepoint(client: JobClient, jobId: string, stop: boolean): Promise<number> {
  const deadline = Date.now() + SAVEPOINT_TIMEOUT_MS;
  const where = `--jobmanager ${client.address}`;
  process.stderr.write(`Triggering a savepoint of job ${jobId}${stop ? ', then stopping it' : ''}; waiting for it to complete.\n`);
  const taken = await untilDone(client.triggerSavepoint(jobId, stop, SAVEPOINT_TIMEOUT_MS + CALL_GRACE_MS), deadline);
  if (taken === 'interrupted') {
    process.stderr.write(
      `Stopped waiting. The JobManager may still complete the savepoint${stop ? ' and stop the job' : ''}: see ${sageCommand()} status ${jobId} ${where}\n`,
    );
    return 130;
  }
  if (taken === 'timed out') {
    throw new CliError(
      'SavepointTimeout',
      `The savepoint of job ${jobId} did not complete within ${SAVEPOINT_TIMEOUT_MS / 60_000} minutes; the JobManager may still complete it: see ${sageCommand()} status ${jobId} ${where}`,
      1,
    );
  }
  const { savepointId, checkpointId, stateSize } = taken.value;
  process.stdout.write(`${savepointId}\n`);
  process.stderr.write(`Savepoint ${savepointId} complete: checkpoint ${checkpointId}, ${formatBytes(stateSize)} of state.\n`);
  if (!stop) {
    process.stderr.write(`Start a job from it with: ${sageCommand()} run <job> ${where} --from-savepoint ${savepointId}\n`);
    return 0;
  }

  const ended = await untilDone(jobEnd(client, jobId), deadline);
  if (ended === 'interrupted') {
    process.stderr.write(`Stopped waiting for job ${jobId} to end: see ${sageCommand()} status ${jobId} ${where}\n`);
    return 130;
  }
  if (ended === 'timed out') {
    throw new CliError('StopTimeout', `Job ${jobId} did not end within ${SAVEPOINT_TIMEOUT_MS / 60_000} minutes of the stop: see ${sageCommand()} status ${jobId} ${where}`, 1);
  }
  const details = ended.value;
  const state = String(details.summary!.state);
  process.stderr.write(`Job ${jobId} ${state}\n`);
  if (state !== 'FAILED') return 0;
  if (details.failure) printFailure(details.failure.location, details.failure.stack || `${details.failure.code}: ${details.failure.message}`);
  return 1;
}

/** Polls the job until it reaches a terminal state. */
async function jobEnd(client: JobClient, jobId: string): ReturnType<JobClient['get']> {
  for (;;) {
    const details = await client.get(jobId);
    if (TERMINAL_JOB_STATES.has(String(details.summary?.state))) return details;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/**
 * Waits for `work`, Ctrl-C or the deadline, whichever comes first. On Ctrl-C or the deadline the work
 * is left to the JobManager: the command returns and the process exits.
 */
async function untilDone<T>(work: Promise<T>, deadline: number): Promise<{ value: T } | 'interrupted' | 'timed out'> {
  let onInterrupt = () => {};
  let timer: NodeJS.Timeout | undefined;
  const interrupted = new Promise<'interrupted'>((resolve) => {
    onInterrupt = () => resolve('interrupted');
    process.once('SIGINT', onInterrupt);
  });
  const timedOut = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work.then((value) => ({ value })), interrupted, timedOut]);
  } finally {
    process.off('SIGINT', onInterrupt);
    clearTimeout(timer);
  }
}
