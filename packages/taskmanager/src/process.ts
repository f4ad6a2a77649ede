/**
 * Runs a TaskManager as the main thing in this process: starts it, and on SIGTERM or SIGINT cancels
 * its tasks, stops serving and resolves, so the process exits with nothing left running.
 */
import { TaskExecutor } from './task-executor.js';
import type { TaskManagerConfig } from './config.js';

export async function runTaskManagerProcess(config: TaskManagerConfig, onStarted?: (taskManager: TaskExecutor) => void): Promise<void> {
  const taskManager = new TaskExecutor(config);
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= taskManager.stop());
  const signalled = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      taskManager.log.info({ signal }, 'Shutting down');
      stop().then(resolve, resolve);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  try {
    await taskManager.start();
  } catch (error) {
    await stop();
    throw error;
  }
  onStarted?.(taskManager);
  await signalled;
}
