/**
 * Retrying a request to a transaction coordinator. CONCURRENT_TRANSACTIONS is the normal answer while
 * the coordinator is still finishing an earlier commit or abort of the same transactional id (it
 * writes markers to every partition first); a coordinator that moved or is loading, and a broken
 * connection, are worth another try too. Bounded: after about a minute the error goes up, and the
 * job's restart strategy takes over (a commit that failed is tried again on recovery).
 */
import { isCoordinatorRetriable, kafkaFailure } from './errors.js';

const MAX_ATTEMPTS = 60;
const FIRST_DELAY_MS = 20;
const MAX_DELAY_MS = 2000;

export async function withCoordinatorRetries<R>(request: () => Promise<R>): Promise<R> {
  let delay = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isCoordinatorRetriable(kafkaFailure(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}
