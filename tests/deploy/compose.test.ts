/**
 * docker-compose.yml and the image, checked without a Docker engine (there is none where the tests
 * run): the compose file parsed as YAML, its services' healthchecks, start order and restart policies,
 * the jobs its examples name, and what .dockerignore keeps out of the build context.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/sage-cli.js';

// The YAML parser the JobManager reads its config with, from its own dependencies.
const { parse } = createRequire(join(repoRoot, 'packages/jobmanager/package.json'))('yaml') as { parse(text: string): unknown };

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  restart?: string;
  profiles?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }> | string[];
}

const composeText = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText) as { services: Record<string, Service> };
const services = compose.services;

describe('docker-compose.yml', () => {
  it('has a healthcheck for Redis, Kafka and the JobManager, and starts each service after what it needs is healthy', () => {
    for (const name of ['redis', 'kafka', 'jobmanager']) expect(services[name]!.healthcheck?.test.length, name).toBeGreaterThan(1);
    expect(services.jobmanager!.depends_on).toEqual({ redis: { condition: 'service_healthy' }, kafka: { condition: 'service_healthy' } });
    expect(services.taskmanager!.depends_on).toEqual({ jobmanager: { condition: 'service_healthy' } });
    expect(services.client!.depends_on).toEqual({ jobmanager: { condition: 'service_healthy' } });
  });

  it('restarts every long-running service, and not the one-shot client', () => {
    for (const name of ['redis', 'kafka', 'jobmanager', 'taskmanager']) expect(services[name]!.restart, name).toBe('unless-stopped');
    expect(services.client!.restart).toBeUndefined();
  });

  it('names only jobs that exist where the client mounts them, in its header and in the README', () => {
    const mount = services.client!.volumes!.map((v) => v.split(':')).find(([, target]) => target === '/jobs');
    expect(mount).toBeDefined();
    const host = join(repoRoot, mount![0]!);
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const named = [...`${composeText}\n${readme}`.matchAll(/\/jobs\/([\w.-]+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(1);
    for (const file of named) expect(existsSync(join(host, file)), `/jobs/${file}`).toBe(true);
  });

  it('builds every Sage service from deploy/Dockerfile with a context that .dockerignore trims to the sources', () => {
    const built = Object.entries(services).filter(([, s]) => s.build);
    expect(built.map(([name]) => name).sort()).toEqual(['client', 'jobmanager', 'taskmanager']);
    for (const [, service] of built) {
      expect(service.build).toEqual({ context: '.', dockerfile: 'deploy/Dockerfile' });
    }
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    for (const entry of ['**/node_modules', '**/dist', '.git', 'deploy/kafka/dist']) expect(ignored).toContain(entry);
    const dockerfile = readFileSync(join(repoRoot, 'deploy/Dockerfile'), 'utf8');
    // The image builds what the ENTRYPOINT runs.
    expect(dockerfile).toMatch(/pnpm@10 run build/);
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "\/opt\/sage\/packages\/cli\/dist\/bin\.js"\]/);
  });
});
