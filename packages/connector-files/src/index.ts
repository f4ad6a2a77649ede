export { FileSource, type FileSourceOptions } from './source/file-source.js';
export type { FileSplit } from './source/file-splits.js';
export { FileSink, type FileSinkOptions } from './sink/file-sink.js';
export type { FileCommittable } from './sink/part-files.js';
export { FileSinkError, FileSourceError, type FileSinkErrorCode, type FileSourceErrorCode } from './errors.js';
