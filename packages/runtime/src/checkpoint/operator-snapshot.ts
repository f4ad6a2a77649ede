/**
 * The state one operator of one subtask puts into a checkpoint: its keyed state by key group, and its
 * operator state as a list (source split positions, a sink's pending committables and writer state).
 * Lists are what operator state is in Flink: on restore at another parallelism their elements are
 * dealt out again among the new subtasks, while keyed state follows its key groups.
 *
 * Stored layout: 'S', format version, a 4-byte big-endian header length, the msgpack header
 * (operator state as packed bytes, the keyed snapshot's states, key groups and chunk lengths), then
 * the key groups' chunks one after the other. A restore slices the chunks without copying them and
 * decodes only the key groups it owns.
 */
import { Packr, Unpackr } from 'msgpackr';
import { SageError } from '@sage/core';
import type { KeyedStateSnapshot, StateSnapshotInfo } from '../state/keyed-state-snapshot.js';
import type { PendingKeyedSnapshot } from '../state/pending-keyed-snapshot.js';

export interface OperatorSnapshot {
  readonly keyed?: KeyedStateSnapshot;
  readonly operatorState?: readonly unknown[];
}

/** What an operator hands over at a barrier: its operator state as it is, its keyed state still to serialize. */
export interface OperatorSnapshotInProgress {
  readonly keyed?: PendingKeyedSnapshot;
  readonly operatorState?: readonly unknown[];
}

interface Header {
  readonly operatorState?: Uint8Array;
  readonly keyed?: {
    readonly maxParallelism: number;
    readonly states: readonly StateSnapshotInfo[];
    readonly keyGroups: readonly number[];
    readonly lengths: readonly number[];
  };
}

/** A state blob this version of Sage cannot read (written by an older one, or not a state blob). */
export class UnreadableStateBlob extends SageError {
  constructor(detail: string) {
    super('UnreadableStateBlob', `Operator state cannot be read: ${detail}; restore from a checkpoint taken by this version of Sage`);
  }
}

const MAGIC = 0x53;
const VERSION = 2;
const PREFIX = 6;

// Same options as the network exchange: state keeps Dates, Maps, Sets, bigints and undefined.
const options = { useBigIntExtension: true, moreTypes: true, useRecords: false } as const;
const packr = new Packr(options);
const unpackr = new Unpackr(options);

/**
 * Operator state in bytes, taken at the barrier: it is small, and a sink may change the objects in
 * its list as soon as records flow again.
 */
export function serializeOperatorState(list: readonly unknown[]): Uint8Array {
  return packr.pack(list);
}

/** One blob from operator state already in bytes and a keyed snapshot whose key groups are serialized. */
export function serializeOperatorSnapshot(operatorState: Uint8Array | undefined, keyed: KeyedStateSnapshot | undefined): Uint8Array {
  return Buffer.concat(operatorSnapshotPieces(operatorState, keyed));
}

/**
 * The same blob as pieces to store one after the other: the prefix and header, then the key groups'
 * chunks as they are. Storage takes the pieces (see StateBytes) rather than one buffer: copying a
 * hundred megabytes of chunks into one at every checkpoint cost as much CPU as writing them, and
 * allocated the state's size again each time.
 */
export function operatorSnapshotPieces(operatorState: Uint8Array | undefined, keyed: KeyedStateSnapshot | undefined): Uint8Array[] {
  const header: Header = {
    ...(operatorState !== undefined ? { operatorState } : {}),
    ...(keyed !== undefined
      ? {
          keyed: {
            maxParallelism: keyed.maxParallelism,
            states: keyed.states,
            keyGroups: keyed.keyGroups.map(([keyGroup]) => keyGroup),
            lengths: keyed.keyGroups.map(([, chunk]) => chunk.length),
          },
        }
      : {}),
  };
  const headerBytes = packr.pack(header);
  const head = Buffer.allocUnsafe(PREFIX + headerBytes.length);
  head[0] = MAGIC;
  head[1] = VERSION;
  head.writeUInt32BE(headerBytes.length, 2);
  head.set(headerBytes, PREFIX);
  const pieces: Uint8Array[] = [head];
  for (const [, chunk] of keyed?.keyGroups ?? []) pieces.push(chunk);
  return pieces;
}

export function deserializeOperatorSnapshot(bytes: Uint8Array): OperatorSnapshot {
  if (bytes.length < PREFIX || bytes[0] !== MAGIC) throw new UnreadableStateBlob('it is not in the format Sage writes');
  if (bytes[1] !== VERSION) throw new UnreadableStateBlob(`it has format version ${bytes[1]}, this version of Sage reads ${VERSION}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(2);
  const header = unpackr.unpack(bytes.subarray(PREFIX, PREFIX + headerLength)) as Header;
  const snapshot: { keyed?: KeyedStateSnapshot; operatorState?: readonly unknown[] } = {};
  if (header.operatorState !== undefined) snapshot.operatorState = unpackr.unpack(header.operatorState) as unknown[];
  if (header.keyed !== undefined) {
    const { maxParallelism, states, keyGroups, lengths } = header.keyed;
    const chunks: [number, Uint8Array][] = [];
    let position = PREFIX + headerLength;
    for (let i = 0; i < keyGroups.length; i++) {
      chunks.push([keyGroups[i]!, bytes.subarray(position, position + lengths[i]!)]);
      position += lengths[i]!;
    }
    if (position !== bytes.length) throw new UnreadableStateBlob(`its key groups end at byte ${position} of ${bytes.length}`);
    snapshot.keyed = { maxParallelism, states, keyGroups: chunks };
  }
  return snapshot;
}
