import { Command, Option } from 'commander';
import { loadJobManagerConfig, runJobManagerProcess } from '@sage/jobmanager';
import { LOG_LEVELS, port } from '../cluster/option-parsers.js';
import { isDebug, requestStacks } from '../verbosity.js';

export function jobManagerCommand(): Command {
  return new Command('jobmanager')
    .description('Start a JobManager: it accepts jobs and schedules them onto TaskManagers (stops on SIGTERM or Ctrl-C)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)')
    .option('--port <port>', 'port to listen on (default 6123)', port)
    .option('--metrics-port <port>', 'serve Prometheus metrics at http://HOST:PORT/metrics (default 9249; 0 for none)', port)
    .option('--redis <url>', 'Redis for jobs, artifacts and checkpoints (default redis://127.0.0.1:6379)')
    .option('--config <file>', 'YAML file of settings: port, heartbeatTimeoutMs, slotWaitTimeoutMs, ... (flags win)')
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS))
    .action(async (options: { host?: string; port?: number; metricsPort?: number; redis?: string; config?: string; logLevel?: (typeof LOG_LEVELS)[number] }) => {
      const config = loadJobManagerConfig(options.config, {
        host: options.host,
        port: options.port,
        metricsPort: options.metricsPort,
        redis: options.redis,
        logLevel: options.logLevel,
      });
      if (isDebug(config.logLevel)) requestStacks();
      await runJobManagerProcess(config);
    });
}
