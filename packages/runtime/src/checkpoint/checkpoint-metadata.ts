/**
 * A checkpoint's metadata as storage holds it: the JSON that completeCheckpoint wrote. Storage can hand
 * back anything (a damaged value, a hand edit, another version's layout), so what is read is checked
 * field by field where it arrives, and a bad entry is reported with what is wrong instead of surfacing
 * later as a JSON parser's message or a TypeError in the middle of a restore.
 */
import type { CompletedCheckpoint } from './checkpoint-storage.js';

/** Serialises a checkpoint's metadata for storage. */
export function encodeCheckpointMetadata(checkpoint: CompletedCheckpoint): string {
  return JSON.stringify(checkpoint);
}

/**
 * The checkpoint the stored metadata describes, or what is wrong with it. `checkpointId` is the id the
 * storage filed it under: metadata of another checkpoint (or job) in its place is as unusable as garbage.
 */
export function decodeCheckpointMetadata(
  text: string,
  jobId: string,
  checkpointId: number,
): { readonly checkpoint: CompletedCheckpoint } | { readonly problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `its metadata is not valid JSON (${(error as Error).message})` };
  }
  const problem = metadataProblem(value, jobId, checkpointId);
  return problem === undefined ? { checkpoint: value as CompletedCheckpoint } : { problem: `its metadata is malformed: ${problem}` };
}

function metadataProblem(value: unknown, jobId: string, checkpointId: number): string | undefined {
  if (!isObject(value)) return 'not an object';
  if (value.jobId !== jobId) return `jobId is ${JSON.stringify(value.jobId)}, expected "${jobId}"`;
  if (value.checkpointId !== checkpointId) return `checkpointId is ${JSON.stringify(value.checkpointId)}, expected ${checkpointId}`;
  if (!isCount(value.timestamp)) return `timestamp is ${JSON.stringify(value.timestamp)}, not epoch milliseconds`;
  if (typeof value.savepoint !== 'boolean') return `savepoint is ${JSON.stringify(value.savepoint)}, not true or false`;
  if (!isObject(value.operators)) return 'operators is missing or not an object';
  for (const [uid, operator] of Object.entries(value.operators)) {
    const where = `operators["${uid}"]`;
    if (!isObject(operator)) return `${where} is not an object`;
    if (!isCount(operator.parallelism) || operator.parallelism < 1) return `${where}.parallelism is ${JSON.stringify(operator.parallelism)}`;
    if (!isCount(operator.maxParallelism) || operator.maxParallelism < 1) return `${where}.maxParallelism is ${JSON.stringify(operator.maxParallelism)}`;
    if (!isObject(operator.subtasks)) return `${where}.subtasks is missing or not an object`;
    for (const [index, handle] of Object.entries(operator.subtasks)) {
      const at = `${where}.subtasks["${index}"]`;
      if (!/^\d+$/.test(index)) return `${at} is not a subtask index`;
      if (!isObject(handle)) return `${at} is not a state handle`;
      if (typeof handle.uri !== 'string' || handle.uri.length === 0) return `${at}.uri is missing`;
      if (!isCount(handle.bytes)) return `${at}.bytes is ${JSON.stringify(handle.bytes)}`;
      if (typeof handle.checksum !== 'string' || !/^[0-9a-f]{64}$/.test(handle.checksum)) return `${at}.checksum is not a sha-256`;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
