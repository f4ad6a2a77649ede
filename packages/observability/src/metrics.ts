/**
 * Prometheus metrics: a registry per process (prom-client) and the HTTP endpoint that serves it at
 * `GET /metrics`, as Flink's PrometheusReporter does (default port 9249). A process registers its
 * own metrics on the registry; the default Node.js process metrics come with it.
 */
import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';

export { Counter, Registry };

/** Flink's PrometheusReporter port. */
export const DEFAULT_METRICS_PORT = 9249;

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The metrics port cannot be bound: the process must not start half-observable. */
export class MetricsPortUnavailable extends Error {
  readonly code = 'MetricsPortUnavailable';
}

export interface MetricsEndpoint {
  /** The port bound (the one asked for, or the one the OS chose for 0 in tests). */
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `registry` at http://host:port/metrics; rejects with MetricsPortUnavailable when the port is taken. */
export function serveMetrics(registry: Registry, host: string, port: number): Promise<MetricsEndpoint> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Metrics are at GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`Could not collect metrics: ${error.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const what = error.code === 'EADDRINUSE' ? 'is in use by another process' : `cannot be bound (${error.message})`;
      reject(
        new MetricsPortUnavailable(`The metrics port ${host}:${port} ${what} — choose another with --metrics-port (or metricsPort in the config file), or 0 to serve no metrics`, {
          cause: error,
        }),
      );
    });
    server.listen(port, host, () => {
      const bound = (server.address() as { port: number }).port;
      resolve({
        port: bound,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
