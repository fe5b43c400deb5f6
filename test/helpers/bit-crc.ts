// Reflected CRC-32 computed bit by bit, for the tests: independent of the table-driven src/data/crc.ts.

/** CRC-32 with the reflected polynomial `poly` (0xEDB88320: zip and PNG; 0x82F63B78: CRC-32C, TFRecord). */
export function bitCrc(bytes: Uint8Array, poly: number): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
