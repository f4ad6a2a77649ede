/** Serves this TaskManager's remote subpartitions to consumers on other TaskManagers. */
import * as grpc from '@grpc/grpc-js';
import type { ExchangeHandlers, ExchangeRequest__Output } from '@sage/rpc';
import type { Logger } from '@sage/observability';
import { channelKey } from './partition-key.js';
import type { PartitionRegistry } from './partition-registry.js';
import type { ExchangeCall } from './remote-subpartition.js';

export function exchangeHandlers(registry: PartitionRegistry, log: Logger, subscribeTimeoutMs: number): ExchangeHandlers {
  return {
    Subscribe(call: ExchangeCall) {
      call.once('data', (request: ExchangeRequest__Output) => {
        const subscribe = request.subscribe;
        if (request.kind !== 'subscribe' || !subscribe) {
          call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'The first exchange message must name a subpartition' });
          return;
        }
        const key = channelKey({
          jobId: subscribe.jobId,
          attempt: subscribe.attempt,
          edgeId: subscribe.edgeId,
          producerSubtask: subscribe.producerSubtask,
          consumerSubtask: subscribe.consumerSubtask,
        });
        registry.awaitRemote(key, subscribeTimeoutMs).then(
          (partition) => partition.attach(call, subscribe.initialCredit),
          (error: Error) => {
            log.warn({ channel: key, consumer: subscribe.consumerTaskManagerId }, error.message);
            call.emit('error', { code: grpc.status.NOT_FOUND, details: error.message });
          },
        );
      });
    },
  };
}
