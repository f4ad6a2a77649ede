/** The `sage` command: one subcommand per module under commands/. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { SageError } from '@sage/core';
import { RpcError } from '@sage/rpc';
import { clusterCommand } from './commands/cluster.js';
import { cancelCommand, listCommand, statusCommand } from './commands/jobs.js';
import { jobManagerCommand } from './commands/jobmanager.js';
import { runCommand } from './commands/run.js';
import { savepointCommand, stopCommand } from './commands/savepoint.js';
import { taskManagerCommand } from './commands/taskmanager.js';
import { CliError, PLAN_ERROR_CODES } from './errors.js';
import { stacksWanted } from './verbosity.js';

export function createProgram(): Command {
  const program = new Command('sage')
    .description('Sage: a distributed stream processor for TypeScript.')
    .version(cliVersion(), '-V, --version', "print Sage's version")
    .option('--verbose', 'print the stack trace of an error, not only its message')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const commands = [
    runCommand(),
    listCommand(),
    statusCommand(),
    savepointCommand(),
    stopCommand(),
    cancelCommand(),
    jobManagerCommand(),
    taskManagerCommand(),
    clusterCommand(),
  ];
  for (const command of commands) {
    program.addCommand(command.exitOverride().showHelpAfterError('(run with --help for usage)'));
  }
  return program;
}

/** The version of @sage/cli, read from its package.json beside dist/ (one source of truth, no copy to drift). */
export function cliVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await createProgram().parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return report(error, stacksWanted(argv));
  }
}

function report(error: unknown, withStack: boolean): number {
  if (error instanceof CommanderError) {
    // Commander already printed the message (or the help, or the version).
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof CliError) {
    process.stderr.write(`${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof SageError && PLAN_ERROR_CODES.has(error.code)) {
    process.stderr.write(`${error.code}: ${error.message}\n`);
    return 2;
  }
  if (error instanceof RpcError) {
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  if (error instanceof SageError && !withStack) {
    // Sage's own errors (Redis unreachable, a configuration typo) say what to do; their stack says nothing more to a user.
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  // Anything else comes from the job's own code (planning ran it) or is a bug: keep the stack.
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}
