// The services the tests need, started by the test command when they are not already running, and
// stopped again afterwards: only what this script started is stopped.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

const REDIS_PORT = 6379;
const REDIS_PIDFILE = '/tmp/sage-test-redis.pid';

function reachable(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** Starts Redis on 127.0.0.1:6379 unless one answers there; returns a function that undoes it. */
export async function ensureRedis() {
  if (await reachable(REDIS_PORT)) return async () => {};
  if (!onPath('redis-server')) {
    if (onPath('apt-get') && process.getuid?.() === 0) {
      console.log('test services: installing redis-server with apt-get');
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
      execFileSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } else {
      throw new Error('The tests need Redis on 127.0.0.1:6379: install redis-server (e.g. apt-get install redis-server) or start one');
    }
  }
  console.log(`test services: starting redis-server on 127.0.0.1:${REDIS_PORT}`);
  execFileSync('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes', '--pidfile', REDIS_PIDFILE, '--logfile', '/tmp/sage-test-redis.log']);
  for (let i = 0; i < 50 && !(await reachable(REDIS_PORT)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await reachable(REDIS_PORT))) throw new Error('redis-server did not start: see /tmp/sage-test-redis.log');
  return async () => {
    if (existsSync(REDIS_PIDFILE)) {
      try {
        process.kill(Number(readFileSync(REDIS_PIDFILE, 'utf8').trim()), 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    console.log('test services: stopped the redis-server they started');
  };
}

const KAFKA_PORT = Number(process.env.SAGE_KAFKA_PORT ?? 19092);
const KAFKA_SCRIPT = new URL('../deploy/kafka/kafka.sh', import.meta.url).pathname;

/**
 * Starts the local Kafka broker (deploy/kafka/kafka.sh: Maven Central jars, KRaft, 127.0.0.1:19092)
 * unless one answers there; returns a function that stops it again if this started it. Point the
 * tests at another broker by starting it on SAGE_KAFKA_PORT first.
 */
export async function ensureKafka() {
  if (await reachable(KAFKA_PORT)) {
    // A broker started elsewhere: the tests still read read_committed with Kafka's Java client, from these jars.
    execFileSync(KAFKA_SCRIPT, ['fetch'], { stdio: 'inherit' });
    return async () => {};
  }
  for (const [tool, hint] of [
    ['java', 'a JDK 17 (e.g. apt-get install openjdk-17-jdk-headless)'],
    ['mvn', 'Maven (e.g. apt-get install maven)'],
  ]) {
    if (!onPath(tool)) throw new Error(`The Kafka tests need ${hint}: deploy/kafka/kafka.sh runs a broker from Kafka's Maven Central jars`);
  }
  console.log(`test services: starting the Kafka broker on 127.0.0.1:${KAFKA_PORT} (deploy/kafka/kafka.sh)`);
  execFileSync(KAFKA_SCRIPT, ['start'], { stdio: 'inherit' });
  return async () => {
    execFileSync(KAFKA_SCRIPT, ['stop'], { stdio: 'inherit' });
    console.log('test services: stopped the Kafka broker they started');
  };
}
