/**
 * Runs a JobManager as the main thing in this process: starts it, and on SIGTERM or SIGINT cancels
 * its jobs, stops serving and resolves, so the process exits with nothing left running.
 */
import { JobManager } from './job-manager.js';
import type { JobManagerConfig } from './config.js';

export async function runJobManagerProcess(config: JobManagerConfig, onStarted?: (jobManager: JobManager) => void): Promise<void> {
  const jobManager = new JobManager(config);
  await jobManager.start();
  onStarted?.(jobManager);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      jobManager.log.info({ signal }, 'Shutting down');
      jobManager.stop().then(resolve, (error: unknown) => {
        jobManager.log.error({ err: error }, 'Shutdown failed');
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
