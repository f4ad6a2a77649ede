/**
 * `sage cluster start`: a JobManager and N TaskManagers as child processes of this one, for
 * development. Ctrl-C (or SIGTERM) stops them all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Command } from 'commander';
import { port, positiveInteger } from '../cluster/option-parsers.js';
import { sageCommand } from '../invocation.js';

export function clusterCommand(): Command {
  const cluster = new Command('cluster').description('Run a local development cluster');
  cluster
    .command('start')
    .description('Start a JobManager and TaskManagers on this machine as child processes; Ctrl-C stops them all')
    .option('--taskmanagers <n>', 'how many TaskManagers (default 2)', positiveInteger, 2)
    .option('--slots <n>', 'slots per TaskManager (default 2)', positiveInteger, 2)
    .option('--port <port>', "the JobManager's port (default 6123)", port, 6123)
    .option('--config <file>', "the JobManager's YAML settings, as for `sage jobmanager --config` (clusterId, redis, ...)")
    .action(async (options: { taskmanagers: number; slots: number; port: number; config?: string }) => {
      const bin = process.argv[1]!;
      const address = `127.0.0.1:${options.port}`;
      const children: ChildProcess[] = [];
      const start = (args: string[]) => {
        const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
        children.push(child);
        return child;
      };
      start(['jobmanager', '--port', String(options.port), ...(options.config ? ['--config', options.config] : [])]);
      for (let i = 1; i <= options.taskmanagers; i++) {
        start(['taskmanager', '--jobmanager', address, '--slots', String(options.slots), '--id', `tm-${i}`]);
      }
      process.stderr.write(
        `Local cluster: JobManager at ${address}, ${options.taskmanagers} TaskManager(s) with ${options.slots} slot(s) each.\n` +
          `Submit a job with: ${sageCommand()} run job.ts -p ${options.taskmanagers * options.slots} --jobmanager ${address}\n` +
          "Records that jobs print() appear here, on the TaskManagers' stdout. Ctrl-C stops the cluster.\n",
      );
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = () => {
          if (stopping) return;
          stopping = true;
          for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        let exited = 0;
        for (const child of children) {
          child.on('exit', (code, signal) => {
            if (!stopping) {
              process.stderr.write(`A cluster process exited (${signal ?? `code ${code}`}); stopping the others.\n`);
              stop();
            }
            if (++exited === children.length) resolve();
          });
        }
      });
    });
  return cluster;
}
