/**
 * Transactional ids of the exactly-once KafkaSink, what a checkpoint keeps of them, and which ids a
 * starting writer must fence.
 *
 * An id is `<prefix>-<jobId>-<subtask>-<attempt>-<n>`: a writer (one subtask of one attempt of one
 * job) numbers its transactions 0, 1, 2, … and never uses an id for two transactions. That is what
 * makes committing idempotent and honest. The coordinator remembers how each transaction ended under
 * the producer id and epoch that wrote it, so EndTxn(COMMIT) with the committable's id and epoch
 * answers "done" again after a commit, but fails after an abort. Were an id reused (a pool), the
 * epoch would move on (a new producer) and a repeated commit could no longer tell "committed, then
 * reused" from "aborted by the broker" — or, with the epoch kept, it would commit the id's *next*
 * transaction, records written after the checkpoint. Measured on Kafka 3.9.1: see the README.
 *
 * A writer started from a checkpoint must abort what earlier writers left open, so that
 * read_committed readers are not held back until the broker's transaction timeout; and it must never
 * touch a transaction that the checkpoint's committables hold, which another subtask may be
 * committing at that moment. It fences (InitProducerId: abort and bump the epoch) ids from each
 * restored writer's `nextSeq` on — every committable of that checkpoint has a lower n — until an id
 * answers epoch 0, which means nobody had used it (a writer opens its transactions in order, so none
 * is used after the first unused one). Attempts of this job that completed no checkpoint left no
 * state, but their ids are known: this subtask's ids of each attempt after the restored one, from
 * n = 0. After a rescale each old writer's state goes to exactly one new subtask, which fences its
 * ids; a subtask without old state has nothing to fence beyond its own attempts.
 */
import { KafkaSinkError } from './errors.js';

export interface KafkaWriterState {
  /** `<prefix>-<jobId>-<subtask>-<attempt>`: the writer's transactional ids are `<family>-<n>`. */
  readonly family: string;
  readonly jobId: string;
  readonly attempt: number;
  /** Every transaction this writer handed out by the checkpoint has n < nextSeq. */
  readonly nextSeq: number;
}

/** Ids `<family>-<fromSeq>`, `<family>-<fromSeq + 1>`, … to fence until one was never used. */
export interface IdsToFence {
  readonly family: string;
  readonly fromSeq: number;
}

export interface WriterIdentity {
  readonly prefix: string;
  readonly jobId: string;
  readonly subtaskIndex: number;
  readonly attempt: number;
}

export function familyOf({ prefix, jobId, subtaskIndex, attempt }: WriterIdentity): string {
  return `${prefix}-${jobId}-${subtaskIndex}-${attempt}`;
}

export function transactionalId(family: string, seq: number): string {
  return `${family}-${seq}`;
}

/** What a new writer fences before it writes, and the n its own first transaction gets. */
export function fencingPlan(own: WriterIdentity, restored: readonly KafkaWriterState[]): { fence: IdsToFence[]; firstSeq: number } {
  const family = familyOf(own);
  const fence: IdsToFence[] = restored.map((state) => ({ family: state.family, fromSeq: state.nextSeq }));
  const sameJob = restored.filter((state) => state.jobId === own.jobId);
  const firstUnrecorded = sameJob.length === 0 ? 0 : Math.max(...sameJob.map((state) => state.attempt)) + 1;
  for (let attempt = firstUnrecorded; attempt < own.attempt; attempt++) {
    fence.push({ family: familyOf({ ...own, attempt }), fromSeq: 0 });
  }
  // Attempt numbers are unique per job id; should a restored writer still have this writer's very ids
  // (a job id reused on purpose, with attempts counted again), continue after its transactions.
  const continued = restored.filter((state) => state.family === family).map((state) => state.nextSeq);
  return { fence, firstSeq: continued.length === 0 ? 0 : Math.max(...continued) };
}

/** Checks the writer state list a checkpoint gave back; after a rescale it may hold several writers' states. */
export function parseWriterStates(restored: readonly unknown[]): KafkaWriterState[] {
  return restored.map((element) => {
    const { family, jobId, attempt, nextSeq } = (element ?? {}) as Partial<Record<keyof KafkaWriterState, unknown>>;
    if (typeof family !== 'string' || family.length === 0 || typeof jobId !== 'string' || !isCount(attempt) || !isCount(nextSeq)) {
      throw new KafkaSinkError(
        'InvalidWriterState',
        `KafkaSink: the checkpoint holds writer state ${JSON.stringify(element)}, not a KafkaSink writer's { family, jobId, attempt, nextSeq } — was another sink given this operator's uid? Restore with the sink that wrote the checkpoint`,
      );
    }
    return { family, jobId, attempt, nextSeq };
  });
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
