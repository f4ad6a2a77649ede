import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.js';

const kafkajsCrc32c = createRequire(import.meta.url)('kafkajs/src/protocol/recordBatch/crc32C') as (buffer: Buffer) => number;

describe('crc32c', () => {
  it('gives the CRC-32C check value and the RFC 3720 (iSCSI) test vectors', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
    expect(crc32c(Buffer.alloc(32, 0x00))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
  });

  it("agrees with kafkajs's CRC-32C on every length and alignment, over a range of a buffer", () => {
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 2654435761) >>> 24));
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= bytes.length; end += 7) {
        expect(crc32c(bytes, start, end)).toBe(kafkajsCrc32c(bytes.subarray(start, end)));
      }
    }
  });
});
