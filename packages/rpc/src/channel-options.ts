import type { ChannelOptions } from '@grpc/grpc-js';

/** Job artifacts (a bundled job module) and record buffers can exceed gRPC's 4 MiB default. */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  // Detect a dead peer on an idle connection within seconds, not at the OS's TCP timeout.
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
};

/**
 * The record exchange does its own flow control: a consumer grants credit for the bytes it has room
 * for (see exchange.proto). HTTP/2's window (64 KiB by default, refilled only when the receiving
 * process turns its event loop) would otherwise cap every channel below its credit and stall
 * producers; it is opened far beyond what credit ever lets into flight.
 */
export const EXCHANGE_CHANNEL_OPTIONS: ChannelOptions = {
  ...CHANNEL_OPTIONS,
  'grpc-node.flow_control_window': MAX_MESSAGE_BYTES,
};
