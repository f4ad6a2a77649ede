/** Names one channel of a job attempt: an edge, the producing subtask and the consuming subtask. */
export interface ChannelId {
  readonly jobId: string;
  readonly attempt: number;
  readonly edgeId: number;
  readonly producerSubtask: number;
  readonly consumerSubtask: number;
}

export function channelKey(id: ChannelId): string {
  return `${id.jobId}/${id.attempt}/${id.edgeId}/${id.producerSubtask}/${id.consumerSubtask}`;
}

export function jobAttemptPrefix(jobId: string, attempt: number): string {
  return `${jobId}/${attempt}/`;
}
