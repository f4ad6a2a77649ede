import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Unit tests run against the sources, so they never see a stale build.
    alias: {
      '@sage/core': src('core'),
      '@sage/runtime': src('runtime'),
      '@sage/connector-files': src('connector-files'),
      '@sage/connector-kafka': src('connector-kafka'),
      '@sage/cli': src('cli'),
      '@sage/rpc': src('rpc'),
      '@sage/observability': src('observability'),
      '@sage/taskmanager': src('taskmanager'),
      '@sage/jobmanager': src('jobmanager'),
      '@sage/checkpoint-redis': src('checkpoint-redis'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
