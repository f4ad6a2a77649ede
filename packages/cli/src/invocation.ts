/**
 * How the user runs `sage`, for messages that name a command to type next. The repository's `./sage`
 * script sets SAGE_COMMAND to the way it was called (`./sage`, `sage` when linked onto PATH); run
 * any other way, the command is this process's own `node …/bin.js`, which works from any folder.
 */
export function sageCommand(): string {
  const named = process.env['SAGE_COMMAND'];
  if (named) return named;
  return `node ${process.argv[1] ?? 'packages/cli/dist/bin.js'}`;
}
