/** Counters of one subtask, read by progress displays and (later) the Prometheus exporter. */
export class TaskMetrics {
  /** Records that entered the chain: read by its source, or received from the network. */
  recordsIn = 0;
  /** Records written by the chain's sinks. */
  recordsWritten = 0;
  private writers: readonly { readonly recordsOut: number }[] = [];
  /** Milliseconds the task spent waiting for room downstream (Flink's backPressuredTime). */
  backpressuredMs = 0;
  /** Milliseconds the task spent waiting for input (Flink's idleTime). */
  idleMs = 0;
  /** Records that window operators dropped as too late for all their windows (Flink's numLateRecordsDropped). */
  lateRecordsDropped = 0;

  /** The record writers of the chain, whose counts add to recordsOut. */
  attachWriters(writers: readonly { readonly recordsOut: number }[]): void {
    this.writers = writers;
  }

  /** Records that left the chain: sent downstream, or written by a sink. */
  get recordsOut(): number {
    let out = this.recordsWritten;
    for (const writer of this.writers) out += writer.recordsOut;
    return out;
  }
}
