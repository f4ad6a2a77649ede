export { FileSource, type FileSourceOptions } from './file-source.js';
export { FileSink, type FileCommittable, type FileSinkOptions } from './file-sink.js';
export type { FileSplit } from './file-splits.js';
export { FileConnectorError } from './errors.js';
