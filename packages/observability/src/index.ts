export { createLogger, type Logger, type LoggerOptions } from './logging.js';
