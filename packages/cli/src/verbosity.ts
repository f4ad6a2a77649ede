/**
 * Whether an error is reported with its stack trace: asked for with --verbose or --log-level
 * debug|trace on the command line, or by a process whose configuration file sets logLevel to one of
 * them (known only once that file is read, hence a flag the commands can raise).
 */
let stacksRequested = false;

export function requestStacks(): void {
  stacksRequested = true;
}

export function stacksWanted(argv: readonly string[]): boolean {
  const level = argv.indexOf('--log-level');
  return stacksRequested || argv.includes('--verbose') || (level !== -1 && isDebug(argv[level + 1]));
}

export function isDebug(level: string | undefined): boolean {
  return level === 'debug' || level === 'trace';
}
