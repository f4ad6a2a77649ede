export { RedisCheckpointStorage, type RedisCheckpointStorageOptions } from './redis-checkpoint-storage.js';
export { RedisJobStore, type StoredJob, type StoredJobEntry } from './redis-job-store.js';
export { RedisUnreachable, UnsupportedCheckpointStorage } from './errors.js';
export { openCheckpointStorage } from './storage-url.js';
