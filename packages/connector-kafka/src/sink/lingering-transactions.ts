/**
 * Aborts the transactions earlier writers left open (see transactional-ids.ts for which ids, and why
 * never a committable's). InitProducerId on a transactional id fences every producer that used it and
 * aborts its open transaction; its answer's epoch says whether anyone had used the id before.
 */
import type { TransactionCoordinators } from '../common/kafkajs-internals.js';
import { withCoordinatorRetries } from './coordinator-retry.js';
import { transactionalId, type IdsToFence } from './transactional-ids.js';

/** A writer opens a transaction a checkpoint at most, so no honest run gets near this many per writer. */
const MAX_IDS_PER_FAMILY = 100_000;
/** Families fenced at once; each is a sequence of requests. */
const CONCURRENCY = 8;

/** Fences the ids of every family in order from its `fromSeq` until one was never used; returns how many ids were fenced. */
export async function abortLingeringTransactions(coordinators: TransactionCoordinators, plan: readonly IdsToFence[], transactionTimeoutMs: number): Promise<number> {
  let fenced = 0;
  const queue = [...plan];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (let seq = next.fromSeq; seq < next.fromSeq + MAX_IDS_PER_FAMILY; seq++) {
        const id = transactionalId(next.family, seq);
        const { producerEpoch } = await withCoordinatorRetries(() => coordinators.initProducerId(id, transactionTimeoutMs));
        if (producerEpoch === 0) break;
        fenced++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  return fenced;
}
