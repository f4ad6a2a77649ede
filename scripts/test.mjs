#!/usr/bin/env node
// The test command (after `npm test` has installed and built): starts the services the tests need
// (Redis and the Kafka broker) when they are not running, runs the whole suite
// with vitest, stops what it started, and ends with one plain `tests: N passed, N failed` line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKafka, ensureRedis } from './test-services.mjs';

const stopRedis = await ensureRedis();
let stopKafka;
try {
  stopKafka = await ensureKafka();
} catch (error) {
  await stopRedis();
  throw error;
}
const reportDir = mkdtempSync(join(tmpdir(), 'sage-test-report-'));
const report = join(reportDir, 'vitest.json');
const vitest = spawnSync(
  'npx',
  ['--no-install', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let summary = 'tests: no report written';
try {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  summary = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed`;
  if (results.numPendingTests + results.numTodoTests > 0) summary += `, ${results.numPendingTests + results.numTodoTests} skipped`;
} catch {
  // vitest did not get as far as writing its report; its own output says why.
}
rmSync(reportDir, { recursive: true, force: true });
await stopKafka();
await stopRedis();
console.log(summary);
process.exit(vitest.status ?? 1);
