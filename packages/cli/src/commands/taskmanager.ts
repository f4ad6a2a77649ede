import { Command, Option } from 'commander';
import { parseTaskManagerConfig, runTaskManagerProcess } from '@sage/taskmanager';
import { DEFAULT_JOBMANAGER } from '../cluster/job-client.js';
import { LOG_LEVELS, hostPort, port, positiveInteger } from '../cluster/option-parsers.js';

export function taskManagerCommand(): Command {
  return new Command('taskmanager')
    .description('Start a TaskManager: it registers with the JobManager and runs the subtasks it is sent (stops on SIGTERM or Ctrl-C)')
    .option('--jobmanager <host:port>', `the JobManager to register with (default ${DEFAULT_JOBMANAGER}, or $SAGE_JOBMANAGER)`, hostPort)
    .option('--slots <n>', 'subtasks of each vertex this TaskManager runs at once (default 1)', positiveInteger)
    .option('--host <host>', 'address to listen on for deployments and record exchange (default 127.0.0.1)')
    .option('--advertised-host <host>', 'address other processes reach this one at (default: --host, or the hostname with 0.0.0.0)')
    .option('--port <port>', 'port to listen on (default: any free port)', port)
    .option('--id <id>', 'a stable name for this TaskManager (default tm-<host>-<port>)')
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS))
    .action(async (options: { jobmanager?: string; slots?: number; host?: string; advertisedHost?: string; port?: number; id?: string; logLevel?: (typeof LOG_LEVELS)[number] }) => {
      const config = parseTaskManagerConfig({
        jobManagerAddress: options.jobmanager ?? DEFAULT_JOBMANAGER,
        slots: options.slots,
        host: options.host,
        advertisedHost: options.advertisedHost,
        port: options.port,
        id: options.id,
        logLevel: options.logLevel,
      });
      await runTaskManagerProcess(config);
    });
}
