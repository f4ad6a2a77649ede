/**
 * Bundles a job module into one ES module, the job artifact: TypeScript is compiled, the job's own
 * imports (relative files, npm packages from its folder, Sage's connectors) are inlined, and only
 * `@sage/core` and `@sage/runtime` stay imports, so the job shares the running process's Sage. The
 * same bytes are planned locally and shipped to TaskManagers.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { ARTIFACT_EXTERNALS, artifactHash } from '@sage/runtime';
import { CliError } from '../errors.js';

export interface JobArtifact {
  readonly file: string;
  readonly content: Uint8Array;
  readonly hash: string;
}

/** Resolves `@sage/*` from the CLI's own installation, so a job in any folder finds Sage. */
const sagePackages: esbuild.Plugin = {
  name: 'sage-packages',
  setup(build) {
    build.onResolve({ filter: /^@sage\// }, (args) => {
      const name = args.path.split('/').slice(0, 2).join('/');
      if ((ARTIFACT_EXTERNALS as readonly string[]).includes(name)) return { path: args.path, external: true };
      try {
        return { path: fileURLToPath(import.meta.resolve(args.path)) };
      } catch {
        return { errors: [{ text: `Cannot find Sage package '${args.path}': is it a Sage package this CLI ships (@sage/core, @sage/runtime, @sage/connector-files, @sage/connector-kafka)?` }] };
      }
    });
  },
};

export async function bundleJob(path: string): Promise<JobArtifact> {
  const file = resolvePath(path);
  if (!existsSync(file)) throw new CliError('JobFileNotFound', `Job file ${file} does not exist: give the path of a job module (job.ts)`);
  let result: esbuild.BuildResult<{ write: false }>;
  try {
    result = await esbuild.build({
      entryPoints: [file],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      // Stack traces then name the job's own files where they are, not where the artifact is cached.
      sourceRoot: `${dirname(file)}/`,
      absWorkingDir: dirname(file),
      write: false,
      logLevel: 'silent',
      plugins: [sagePackages],
      // CommonJS dependencies bundled into an ES module still call require() for Node's built-ins.
      banner: { js: "import { createRequire as __sageCreateRequire } from 'node:module'; const require = __sageCreateRequire(import.meta.url);" },
    });
  } catch (error) {
    const failure = error as esbuild.BuildFailure;
    const messages = (failure.errors ?? []).map((m) =>
      m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}: ${m.text}` : m.text,
    );
    throw new CliError('JobBundleFailed', `Cannot build job ${file}:\n${messages.join('\n') || String(error)}`);
  }
  const content = result.outputFiles[0]!.contents;
  return { file, content, hash: artifactHash(content) };
}
