/** `sage list`, `sage status JOBID [--json]` and `sage cancel JOBID`: operating jobs on a cluster. */
import { Command } from 'commander';
import { describeSlotWait, jobStatusJson, withJobClient } from '../cluster/job-client.js';
import { describeException } from '../cluster/job-exceptions.js';
import { jobManagerOption } from '../cluster/option-parsers.js';
import { formatBytes, formatDuration } from './units.js';

export function listCommand(): Command {
  return new Command('list')
    .description('List the jobs of a cluster, newest first')
    .addOption(jobManagerOption())
    .option('--json', 'print JSON')
    .action((options: { jobmanager?: string; json?: boolean }) =>
      withJobClient(options.jobmanager, async (client) => {
        const jobs = await client.list();
        if (options.json) {
          process.stdout.write(JSON.stringify(jobs, null, 2) + '\n');
          return;
        }
        if (jobs.length === 0) {
          process.stdout.write('No jobs.\n');
          return;
        }
        const rows = jobs.map((j) => [
          j.jobId,
          String(j.state),
          `${j.tasksRunning}/${j.tasksFinished}/${j.tasksTotal}`,
          new Date(Number(j.submittedAt)).toISOString(),
          formatDuration((Number(j.endedAt) || Date.now()) - Number(j.submittedAt)),
          j.jobName,
        ]);
        process.stdout.write(table(['JOB ID', 'STATE', 'TASKS R/F/T', 'SUBMITTED', 'DURATION', 'NAME'], rows));
      }),
    );
}

export function statusCommand(): Command {
  return new Command('status')
    .description("Show a job's state, restarts and checkpoints, its tasks and where they run")
    .argument('<job-id>', 'the JobID that `sage run` printed')
    .addOption(jobManagerOption())
    .option('--json', 'print JSON (for scripts)')
    .action((jobId: string, options: { jobmanager?: string; json?: boolean }) =>
      withJobClient(options.jobmanager, async (client) => {
        const status = jobStatusJson(await client.get(jobId));
        if (options.json) {
          process.stdout.write(JSON.stringify(status, null, 2) + '\n');
          return;
        }
        const lines = [`Job ${status.name} (${status.jobId}): ${status.state}`];
        for (const [state, at] of Object.entries(status.stateTimestamps)) {
          lines.push(`  ${state.padEnd(10)} ${new Date(at).toISOString()}`);
        }
        if (status.waitingForSlots) {
          lines.push(`${describeSlotWait(status.waitingForSlots, client.address)} (for ${formatDuration(Math.max(0, Date.now() - status.waitingForSlots.since))})`);
        }
        lines.push(...checkpointLines(status));
        lines.push(...exceptionLines(status));
        if (status.failure) lines.push(`Failure at ${status.failure.location}:`, indent(status.failure.stack || `${status.failure.code}: ${status.failure.message}`));
        process.stdout.write(lines.join('\n') + '\n\n');
        process.stdout.write(
          table(
            ['TASK', 'STATE', 'TASKMANAGER', 'RECORDS IN', 'RECORDS OUT'],
            status.tasks.map((t) => [`${t.vertex} (${t.subtask + 1}/${t.parallelism})`, t.state, t.taskManager ?? '-', String(t.recordsIn), String(t.recordsOut)]),
          ),
        );
      }),
    );
}

/** Restarts, checkpoint counts, the last completed checkpoint and what the job restored from. */
function checkpointLines(status: ReturnType<typeof jobStatusJson>): string[] {
  const lines = [`Restarts: ${status.restarts}`];
  const { completed, failed, last } = status.checkpoints;
  if (completed > 0 || failed > 0) lines.push(`Checkpoints: ${completed} completed, ${failed} failed`);
  if (last) {
    const age = formatDuration(Math.max(0, Date.now() - last.timestamp));
    lines.push(`Last checkpoint: ${last.id}${last.savepoint ? ' (savepoint)' : ''}, ${age} ago, took ${formatDuration(last.durationMs)}, ${formatBytes(last.stateSize)}`);
  }
  if (status.restoredCheckpointId !== null) lines.push(`Restored from checkpoint ${status.restoredCheckpointId}`);
  return lines;
}

/** The newest entries of the exception history, so the latest cause of a restarting job is in sight. */
const EXCEPTIONS_SHOWN = 5;

function exceptionLines(status: ReturnType<typeof jobStatusJson>): string[] {
  const lines: string[] = [];
  if (status.restoreFallbacks > 0) {
    lines.push(`Restore fallbacks: ${status.restoreFallbacks} damaged checkpoint(s) skipped; output committed after the restored checkpoint may repeat`);
  }
  if (status.exceptions.length === 0) return lines;
  const shown = status.exceptions.slice(0, EXCEPTIONS_SHOWN);
  lines.push(`Exceptions (newest first${shown.length < status.exceptions.length ? `, ${shown.length} of ${status.exceptions.length}; all with --json` : ''}):`);
  for (const entry of shown) lines.push(`  ${new Date(entry.timestamp).toISOString()}  ${describeException(entry)}`);
  return lines;
}

export function cancelCommand(): Command {
  return new Command('cancel')
    .description('Cancel a job: every one of its tasks stops (to keep its state, use `sage stop`, which takes a savepoint first)')
    .argument('<job-id>', 'the JobID that `sage run` printed')
    .addOption(jobManagerOption())
    .action((jobId: string, options: { jobmanager?: string }) =>
      withJobClient(options.jobmanager, async (client) => {
        const state = await client.cancel(jobId);
        process.stdout.write(`Job ${jobId}: ${state === 'CANCELED' ? 'CANCELED' : 'cancelling'}\n`);
      }),
    );
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}
