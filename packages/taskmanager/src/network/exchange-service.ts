/** Serves this TaskManager's remote subpartitions to consumers on other TaskManagers. */
import * as grpc from '@grpc/grpc-js';
import { sageProtos, type ExchangeHandlers, type ExchangeRequest__Output } from '@sage/rpc';
import type { Logger } from '@sage/observability';
import { channelKey } from './partition-key.js';
import type { PartitionRegistry } from './partition-registry.js';
import type { ExchangeCall } from './remote-subpartition.js';

/**
 * The Exchange service as proto/ defines it, except that a response which is already bytes goes out
 * as it is: RemoteSubpartition frames each network buffer as an ExchangeBuffer itself
 * (RecordBufferBuilder.finishMessage), which spares protobufjs a copy of every buffer.
 */
export function exchangeService(): grpc.ServiceDefinition {
  const service = sageProtos().sage.v1.Exchange.service;
  const subscribe = service.Subscribe;
  return {
    ...service,
    Subscribe: {
      ...subscribe,
      responseSerialize: (value: unknown) => (value instanceof Uint8Array ? (value as Buffer) : subscribe.responseSerialize(value as never)),
    },
  };
}

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
