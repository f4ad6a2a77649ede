export { TaskExecutor } from './task-executor.js';
export { parseTaskManagerConfig, TaskManagerConfigSchema, type TaskManagerConfig, type TaskManagerConfigInput } from './config.js';
export { encodeBatch, decodeBatch } from './network/buffer-codec.js';
export { runTaskManagerProcess } from './process.js';
