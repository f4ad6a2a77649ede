export { createLogger, type Logger, type LoggerOptions } from './logging.js';
export { Counter, createMetricsRegistry, DEFAULT_METRICS_PORT, MetricsPortUnavailable, Registry, serveMetrics, type MetricsEndpoint } from './metrics.js';
