/**
 * Loads proto/sage/v1 at run time with @grpc/proto-loader. The options must match the ones the types
 * in src/generated were generated with (see the `generate` script): longs as numbers, enums as
 * strings, defaults filled in, oneofs named.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as ExchangeProto } from './generated/exchange.js';
import type { ProtoGrpcType as JobManagerProto } from './generated/jobmanager.js';
import type { ProtoGrpcType as TaskManagerProto } from './generated/taskmanager.js';

export type SageProtos = JobManagerProto & TaskManagerProto & ExchangeProto;

let loaded: SageProtos | undefined;

/** The repository's proto/ directory: the only definition of what crosses processes. */
export function protoDirectory(): string {
  const dir = fileURLToPath(new URL('../../../proto', import.meta.url));
  if (!existsSync(`${dir}/sage/v1/jobmanager.proto`)) {
    throw new Error(`Sage's protocol definitions are missing from ${dir}: reinstall Sage`);
  }
  return dir;
}

export function sageProtos(): SageProtos {
  if (loaded === undefined) {
    const definition = protoLoader.loadSync(
      ['sage/v1/jobmanager.proto', 'sage/v1/taskmanager.proto', 'sage/v1/exchange.proto'],
      { includeDirs: [protoDirectory()], longs: Number, enums: String, defaults: true, oneofs: true },
    );
    loaded = grpc.loadPackageDefinition(definition) as unknown as SageProtos;
  }
  return loaded;
}
