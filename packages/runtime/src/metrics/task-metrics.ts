/** Counters of one subtask, read by progress displays and (later) the Prometheus exporter. */
export class TaskMetrics {
  /** Records that entered the chain: read by its source, or received from the network. */
  recordsIn = 0;
  /** Records that left the chain: written by its sinks (writers to the network count their own). */
  recordsOut = 0;
  /** Milliseconds the task spent waiting for room downstream (Flink's backPressuredTime). */
  backpressuredMs = 0;
  /** Milliseconds the task spent waiting for input (Flink's idleTime). */
  idleMs = 0;
}
