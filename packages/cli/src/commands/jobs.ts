/** `sage list`, `sage status JOBID [--json]` and `sage cancel JOBID`: operating jobs on a cluster. */
import { Command } from 'commander';
import { DEFAULT_JOBMANAGER, JobClient, jobStatusJson } from '../cluster/job-client.js';
import { hostPort } from '../cluster/option-parsers.js';

const jobManagerOption = ['--jobmanager <host:port>', `the JobManager (default ${DEFAULT_JOBMANAGER}, or $SAGE_JOBMANAGER)`, hostPort] as const;

async function withClient<T>(address: string | undefined, use: (client: JobClient) => Promise<T>): Promise<T> {
  const client = new JobClient(address ?? DEFAULT_JOBMANAGER);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

export function listCommand(): Command {
  return new Command('list')
    .description('List the jobs of a cluster, newest first')
    .option(...jobManagerOption)
    .option('--json', 'print JSON')
    .action((options: { jobmanager?: string; json?: boolean }) =>
      withClient(options.jobmanager, async (client) => {
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
    .description("Show a job's state, its tasks and where they run")
    .argument('<job-id>', 'the JobID that `sage run` printed')
    .option(...jobManagerOption)
    .option('--json', 'print JSON (for scripts)')
    .action((jobId: string, options: { jobmanager?: string; json?: boolean }) =>
      withClient(options.jobmanager, async (client) => {
        const status = jobStatusJson(await client.get(jobId)) as ReturnType<typeof jobStatusJson> & {
          tasks: { vertex: string; subtask: number; parallelism: number; state: string; taskManager: string | null; recordsIn: number; recordsOut: number }[];
          failure: { code: string; message: string; location: string; stack: string } | null;
        };
        if (options.json) {
          process.stdout.write(JSON.stringify(status, null, 2) + '\n');
          return;
        }
        const lines = [`Job ${status.name} (${status.jobId}): ${status.state}`];
        for (const [state, at] of Object.entries(status.stateTimestamps as Record<string, number>)) {
          lines.push(`  ${state.padEnd(10)} ${new Date(at).toISOString()}`);
        }
        if (status.failure) lines.push(`Failure at ${status.failure.location}:`, indent(status.failure.stack || status.failure.message));
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

export function cancelCommand(): Command {
  return new Command('cancel')
    .description('Cancel a job: every one of its tasks stops')
    .argument('<job-id>', 'the JobID that `sage run` printed')
    .option(...jobManagerOption)
    .action((jobId: string, options: { jobmanager?: string }) =>
      withClient(options.jobmanager, async (client) => {
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

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
