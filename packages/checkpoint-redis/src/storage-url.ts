/**
 * Opens the CheckpointStorage a URL names: `redis://host:port[/db]` (keys namespaced by cluster) or
 * `file:///absolute/dir` (one machine, or a file system every process mounts). The JobManager tells
 * its TaskManagers this URL when they register, so it is configured in one place.
 */
import { fileURLToPath } from 'node:url';
import { FileCheckpointStorage, type CheckpointStorage } from '@sage/runtime';
import { UnsupportedCheckpointStorage } from './errors.js';
import { RedisCheckpointStorage } from './redis-checkpoint-storage.js';

export function openCheckpointStorage(url: string, clusterId: string): CheckpointStorage {
  if (url.startsWith('redis://') || url.startsWith('rediss://')) return new RedisCheckpointStorage({ redis: url, clusterId });
  if (url.startsWith('file://')) return new FileCheckpointStorage(fileURLToPath(url));
  throw new UnsupportedCheckpointStorage(`Checkpoint storage '${url}' is not supported: use redis://host:port or file:///absolute/dir`);
}
