// Table-driven CRC-32 checksums of file formats: CRC-32 (zip, polynomial 0xEDB88320 reflected) and CRC-32C
// (Castagnoli, 0x82F63B78 reflected; TFRecord framing of TensorBoard event files).

function table(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

const CRC32 = table(0xedb88320);
const CRC32C = table(0x82f63b78);

function run(t: Uint32Array, bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 as zip and gzip use it. */
export function crc32(bytes: Uint8Array): number {
  return run(CRC32, bytes);
}

/** CRC-32C (Castagnoli); crc32c("123456789") = 0xE3069283. */
export function crc32c(bytes: Uint8Array): number {
  return run(CRC32C, bytes);
}
