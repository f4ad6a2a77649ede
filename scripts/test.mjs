#!/usr/bin/env node
// The test command: runs the whole suite. Later issues add the services the tests need (Redis, the
// Kafka broker) here, started before vitest and stopped after it, whatever the outcome.
import { spawnSync } from 'node:child_process';

const vitest = spawnSync('npx', ['--no-install', 'vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(vitest.status ?? 1);
