export { JobManager } from './job-manager.js';
export { loadJobManagerConfig, JobManagerConfigSchema, InvalidConfiguration, type JobManagerConfig, type JobManagerConfigInput } from './config.js';
export type { JobStatus } from './jobmaster/job-master.js';
export { runJobManagerProcess } from './process.js';
