export { createProgram, main } from './program.js';
export { bundleJob, type JobArtifact } from './artifact/bundle.js';
export { JobClient } from './cluster/job-client.js';
export { planJobFile, type PlannedJob } from './run/plan.js';
