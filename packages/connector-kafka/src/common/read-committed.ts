/**
 * Test support for the Kafka connector's tests (not exported from the package): what a
 * read_committed reader sees in a topic, read by Kafka's own Java consumer (ReadCommitted.java, run
 * with the broker's jars from deploy/kafka). kafkajs's consumer is no judge of that: kafkajs 2.2.4
 * shows records of aborted transactions when a fetch lists aborted transactions out of first-offset
 * order, which happens whenever transactions on a partition end in another order than they began.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface CommittedRecord {
  readonly partition: number;
  readonly offset: number;
  /** The record's timestamp, epoch milliseconds. */
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export interface CommittedView {
  /** Every record a read_committed reader reads, partition by partition in offset order. */
  readonly records: readonly CommittedRecord[];
  /** Per partition: where a read_committed reader stops, the first offset of the oldest open transaction. */
  readonly lastStable: ReadonlyMap<number, number>;
  readonly highWatermark: ReadonlyMap<number, number>;
}

const JAVA_SOURCE = fileURLToPath(new URL('./ReadCommitted.java', import.meta.url));

/** True when no transaction is open on any partition: read_committed readers see up to the end. */
export function settled(view: CommittedView): boolean {
  return [...view.highWatermark].every(([partition, high]) => view.lastStable.get(partition) === high);
}

/** Values as UTF-8 strings. */
export function committedValues(view: CommittedView): string[] {
  return view.records.map((r) => r.value?.toString('utf8') ?? '<null>');
}

export async function readCommitted(brokers: readonly string[], topic: string): Promise<CommittedView> {
  const libs = join(process.env.SAGE_KAFKA_HOME ?? fileURLToPath(new URL('../../../../deploy/kafka/dist', import.meta.url)), 'libs');
  if (!existsSync(libs)) throw new Error(`readCommitted needs the Kafka jars in ${libs}: run deploy/kafka/kafka.sh start once`);
  const classes = await compiled(libs);
  const { stdout } = await promisify(execFile)('java', ['-cp', `${classes}:${libs}/*`, 'ReadCommitted', brokers[0]!, topic], { maxBuffer: 256 * 1024 * 1024, timeout: 90_000 });
  const records: CommittedRecord[] = [];
  let end: { lastStable: Record<string, number>; highWatermark: Record<string, number> } | undefined;
  for (const line of stdout.split('\n')) {
    if (line.length === 0) continue;
    const parsed = JSON.parse(line) as Record<string, unknown>;
    if ('lastStable' in parsed) {
      end = parsed as unknown as typeof end;
      continue;
    }
    const { partition, offset, timestamp, key, value } = parsed as { partition: number; offset: number; timestamp: number; key: string | null; value: string | null };
    records.push({ partition, offset, timestamp, key: key === null ? null : Buffer.from(key, 'base64'), value: value === null ? null : Buffer.from(value, 'base64') });
  }
  if (end === undefined) throw new Error(`ReadCommitted.java printed no end offsets for '${topic}'`);
  const toMap = (offsets: Record<string, number>) => new Map(Object.entries(offsets).map(([p, o]) => [Number(p), o]));
  return { records, lastStable: toMap(end.lastStable), highWatermark: toMap(end.highWatermark) };
}

/** ReadCommitted.java compiled once (per version of the source) into the temp directory: a run then takes about 2 s instead of 4. */
async function compiled(libs: string): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(JAVA_SOURCE)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `sage-read-committed-${hash}`);
  if (existsSync(join(dir, 'ReadCommitted.class'))) return dir;
  const scratch = mkdtempSync(join(tmpdir(), 'sage-read-committed-build-'));
  await promisify(execFile)('javac', ['-cp', `${libs}/*`, '-d', scratch, JAVA_SOURCE], { timeout: 90_000 });
  try {
    renameSync(scratch, dir);
  } catch {
    // Another test process put its build there first.
    rmSync(scratch, { recursive: true, force: true });
  }
  return dir;
}
