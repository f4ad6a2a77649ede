/**
 * The channels of the tasks on this TaskManager. Local channels are created by whichever of the two
 * tasks is deployed first; remote subpartitions are registered by their producer and looked up by the
 * exchange service when a consumer subscribes, possibly before the producer is deployed.
 */
import { LocalChannel } from '@sage/runtime';
import type { RemoteSubpartition } from './remote-subpartition.js';

export class PartitionRegistry {
  private readonly localChannels = new Map<string, LocalChannel>();
  private readonly remote = new Map<string, RemoteSubpartition>();
  private readonly waiting = new Map<string, ((partition: RemoteSubpartition) => void)[]>();

  localChannel(key: string, capacity: number): LocalChannel {
    let channel = this.localChannels.get(key);
    if (channel === undefined) {
      channel = new LocalChannel(capacity);
      this.localChannels.set(key, channel);
    }
    return channel;
  }

  registerRemote(partition: RemoteSubpartition): void {
    this.remote.set(partition.key, partition);
    for (const resolve of this.waiting.get(partition.key) ?? []) resolve(partition);
    this.waiting.delete(partition.key);
  }

  /** The subpartition `key`, waiting up to `timeoutMs` for its producer to be deployed. */
  awaitRemote(key: string, timeoutMs: number): Promise<RemoteSubpartition> {
    const existing = this.remote.get(key);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const list = this.waiting.get(key)?.filter((r) => r !== onRegistered);
        if (list?.length) this.waiting.set(key, list);
        else this.waiting.delete(key);
        reject(new Error(`No producer for channel ${key} was deployed on this TaskManager within ${timeoutMs} ms`));
      }, timeoutMs);
      const onRegistered = (partition: RemoteSubpartition) => {
        clearTimeout(timer);
        resolve(partition);
      };
      this.waiting.set(key, [...(this.waiting.get(key) ?? []), onRegistered]);
    });
  }

  /** Forgets every channel of a job attempt. */
  release(prefix: string, reason: string): void {
    for (const key of [...this.localChannels.keys()]) if (key.startsWith(prefix)) this.localChannels.delete(key);
    for (const [key, partition] of [...this.remote]) {
      if (key.startsWith(prefix)) {
        partition.release(reason);
        this.remote.delete(key);
      }
    }
  }
}
