import type { FailureCause } from '@sage/rpc';
import { RemoteChannelLost } from './network/remote-input-channel.js';

/** An error as the wire carries it: its code, message and the user's stack trace, plus where it happened. */
export function failureCauseOf(error: unknown, location: string): FailureCause {
  if (error instanceof Error) {
    return {
      code: (error as { code?: unknown }).code !== undefined ? String((error as { code?: unknown }).code) : error.name,
      message: error.message,
      stack: error.stack ?? `${error.name}: ${error.message}`,
      location,
      unreachableTaskManagerId: error instanceof RemoteChannelLost ? (error.unreachableTaskManagerId ?? '') : '',
    };
  }
  return { code: 'Error', message: String(error), stack: String(error), location };
}
