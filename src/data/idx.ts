// The IDX format of MNIST and Fashion-MNIST (docs/methods.md#data), raw or gzipped: magic 0,0,type,ndim, then one
// big-endian uint32 per dimension, then the data in C order. Only unsigned bytes (type 0x08) are used here.
import * as zlib from 'zlib';
import { UserError } from '../errors';
import { readBinary } from './files';

/** Largest decompressed size accepted (guards against corrupt or hostile gzip streams). */
const MAX_BYTES = 1 << 30;

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses an IDX buffer of unsigned bytes; every inconsistency is a UserError naming `file`. */
export function parseIdx(buf: Uint8Array, file: string): IdxArray {
  if (buf.length < 4) throw new UserError(`${file}: expected an IDX header (4-byte magic number), got ${buf.length} bytes`);
  if (buf[0] !== 0 || buf[1] !== 0) {
    throw new UserError(`${file}: not an IDX file (magic number starts with 0x${hex(buf[0])}${hex(buf[1])}, expected 0x0000)`);
  }
  if (buf[2] !== 0x08) throw new UserError(`${file}: IDX data type 0x${hex(buf[2])}; expected 0x08 (unsigned byte)`);
  const ndim = buf[3];
  if (ndim < 1) throw new UserError(`${file}: IDX header declares 0 dimensions`);
  const start = 4 + 4 * ndim;
  if (buf.length < start) throw new UserError(`${file}: truncated IDX header (${ndim} dimensions need ${start} bytes, file has ${buf.length})`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims: number[] = [];
  for (let k = 0; k < ndim; k++) dims.push(view.getUint32(4 + 4 * k, false));
  const need = dims.reduce((a, b) => a * b, 1);
  const have = buf.length - start;
  if (have !== need) {
    throw new UserError(`${file}: header declares dimensions [${dims.join(', ')}] = ${need} bytes of data, but the file holds ${have} (${have < need ? 'truncated' : 'oversized'})`);
  }
  return { dims, data: buf.subarray(start) };
}

/** Reads an IDX file; a gzip stream (magic 1f 8b) is decompressed first. */
export function readIdx(file: string): IdxArray {
  let buf: Uint8Array = readBinary(file);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = zlib.gunzipSync(buf, { maxOutputLength: MAX_BYTES });
    } catch (e) {
      throw new UserError(`${file}: not a valid gzip file (${(e as Error).message})`);
    }
  }
  return parseIdx(buf, file);
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
