import { Command } from 'commander';
import { hostPort, positiveInteger, savepointId } from '../cluster/option-parsers.js';
import { CliError } from '../errors.js';
import { printsRecords, refuseRelativePaths } from '../run/cluster-checks.js';
import { runOnCluster } from '../run/cluster-run.js';
import { runLocally } from '../run/local-run.js';
import { planJobFile } from '../run/plan.js';

interface RunFlags {
  parallelism: number;
  maxParallelism?: number;
  jobName?: string;
  local?: boolean;
  jobmanager?: string;
  detached?: boolean;
  fromSavepoint?: string;
  allowNonRestoredState?: boolean;
}

export function runCommand(): Command {
  return new Command('run')
    .description('Run a job module (TypeScript or JavaScript): in this process with --local (the default), or on a cluster with --jobmanager')
    .argument('<job>', 'the job module, e.g. job.ts, whose default export is defineJob((env, args) => { ... })')
    .argument('[args...]', 'arguments for the job, after --')
    .option('-p, --parallelism <n>', 'default parallelism of the job\'s operators', positiveInteger, 1)
    .option('--max-parallelism <n>', 'number of key groups, the upper bound of keyed parallelism (default 128)', positiveInteger)
    .option('--job-name <name>', 'the job\'s name (default: the file name)')
    .option('--local', 'run the whole job in this process (the default without --jobmanager)')
    .option('--jobmanager <host:port>', 'submit to the JobManager at this address', hostPort)
    .option('--detached', 'with --jobmanager: print the JobID and return at once')
    .option('--from-savepoint <id>', 'with --jobmanager: start from the state of this savepoint (the id `sage savepoint` or `sage stop` printed)', savepointId)
    .option(
      '--allow-non-restored-state',
      'with --from-savepoint: start even if the savepoint holds state of operators (uids) the job no longer has; that state is dropped',
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  sage run job.ts                        run locally at parallelism 1\n' +
        '  sage run job.ts -p 4 -- input.txt out/  run locally at parallelism 4 with two job arguments\n' +
        '  sage run job.ts -p 4 --jobmanager 127.0.0.1:6123 --detached\n' +
        '  sage run job.ts -p 8 --jobmanager 127.0.0.1:6123 --from-savepoint "$(sage stop $JOB --jobmanager 127.0.0.1:6123)"',
    )
    .action(async (job: string, args: string[], flags: RunFlags) => {
      checkFlags(flags);
      const planned = await planJobFile(job, args, flags);
      if (flags.jobmanager) {
        refuseRelativePaths(planned);
        if (printsRecords(planned)) {
          process.stderr.write("This job print()s records: on a cluster they appear on the TaskManagers' stdout (the terminal of `sage cluster start`), not here.\n");
        }
      }
      process.exitCode = flags.jobmanager
        ? await runOnCluster(planned, flags.jobmanager, {
            detached: flags.detached === true,
            fromSavepoint: flags.fromSavepoint,
            allowNonRestoredState: flags.allowNonRestoredState === true,
          })
        : await runLocally(planned);
    });
}

/** Combinations of flags that cannot work, refused before the job is bundled. */
function checkFlags(flags: RunFlags): void {
  if (flags.local && flags.jobmanager) throw new CliError('UsageError', 'Give either --local or --jobmanager, not both');
  if (flags.detached && !flags.jobmanager) throw new CliError('UsageError', '--detached needs --jobmanager: a local run lives in this process');
  if (flags.fromSavepoint && !flags.jobmanager) {
    throw new CliError(
      'UsageError',
      '--from-savepoint needs --jobmanager: savepoints belong to a cluster, and a local run restores only from its own checkpoints',
    );
  }
  if (flags.allowNonRestoredState && !flags.fromSavepoint) {
    throw new CliError('UsageError', '--allow-non-restored-state goes with --from-savepoint: without a savepoint there is no state to leave out');
  }
}
