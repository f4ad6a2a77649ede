/**
 * Loads a job artifact: the job module bundled into one ES module, with `@sage/core` and
 * `@sage/runtime` left as imports so the job shares this process's Sage (its classes and symbols).
 * The file is written inside this package, where Node resolves those two names (a dependency and a
 * self-reference), whatever folder the job came from.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SageError } from '@sage/core';
import { sha256 } from '../checksum.js';

/** The packages a job artifact imports instead of bundling. */
export const ARTIFACT_EXTERNALS = ['@sage/core', '@sage/runtime'] as const;

export class ArtifactMismatch extends SageError {
  constructor(expected: string, actual: string) {
    super('ArtifactMismatch', `Job artifact has hash ${actual}, expected ${expected}: the artifact was corrupted in transit or storage — resubmit the job`);
  }
}

/** An artifact is named by the sha-256 of its bytes. */
export const artifactHash = sha256;

const cacheDirectory = fileURLToPath(new URL('../../.artifacts/', import.meta.url));

/** Imports an artifact and returns the module's exports; the same hash is written and imported once. */
export async function loadJobArtifact(content: Uint8Array, expectedHash?: string): Promise<Record<string, unknown>> {
  const hash = artifactHash(content);
  if (expectedHash !== undefined && expectedHash !== hash) throw new ArtifactMismatch(expectedHash, hash);
  const file = `${cacheDirectory}${hash}.mjs`;
  if (!existsSync(file)) {
    await mkdir(cacheDirectory, { recursive: true });
    // Write then rename, so a concurrent loader never imports a half-written file.
    const partial = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(partial, content);
    await rename(partial, file);
  }
  // Stack traces of user code then point at the job's own source lines (the bundle has inline maps).
  process.setSourceMapsEnabled(true);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}
