// safetensors files (https://huggingface.co/docs/safetensors): an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}, then the raw little-endian data.
// Nothing in the file is executed. Every field is checked before anything is allocated; writes are atomic.
import * as fs from 'fs';
import { DType, Tensor, tensor } from '../engine';
import { UserError } from '../errors';
import { writeFileAtomic } from '../formats';

const CODE: Record<DType, string> = { float32: 'F32', float64: 'F64', int64: 'I64', int32: 'I32', uint8: 'U8', bool: 'BOOL' };
const DTYPE: Record<string, DType> = Object.fromEntries(Object.entries(CODE).map(([k, v]) => [v, k as DType]));
const SIZE: Record<DType, number> = { float32: 4, float64: 8, int64: 8, int32: 4, uint8: 1, bool: 1 };
const MAX_HEADER = 100 * 1024 * 1024;

export interface SafetensorsFile {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/** Reads every tensor of a safetensors file (on the CPU). Errors name the file and what is wrong. */
export function readSafetensors(file: string): SafetensorsFile {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new UserError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseSafetensors(buf, file);
}

export function parseSafetensors(buf: Buffer, file = 'safetensors data'): SafetensorsFile {
  const bad = (why: string) => new UserError(`${file}: not a valid safetensors file (${why})`);
  if (buf.length < 8) throw bad(`${buf.length} bytes, too short for the 8-byte header length`);
  const n = buf.readBigUInt64LE(0);
  if (n > BigInt(buf.length - 8) || n > BigInt(MAX_HEADER)) throw bad(`header length ${n} exceeds the file's ${buf.length - 8} remaining bytes`);
  const headerLen = Number(n);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8'));
  } catch (e) {
    throw bad(`header is not JSON: ${(e as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw bad('header is not a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = buf.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: DType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (v === null || typeof v !== 'object') throw bad('__metadata__ is not an object');
      for (const [k, s] of Object.entries(v as object)) {
        if (typeof s !== 'string') throw bad(`__metadata__.${k} is not a string`);
        metadata[k] = s;
      }
      continue;
    }
    const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e === null || typeof e !== 'object') throw bad(`entry '${name}' is not an object`);
    if (typeof e.dtype !== 'string' || !(e.dtype in DTYPE)) throw bad(`'${name}' has unsupported dtype ${JSON.stringify(e.dtype)} (supported: ${Object.keys(DTYPE).join(', ')})`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw bad(`'${name}' has an invalid shape ${JSON.stringify(e.shape)}`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[0] > off[1]) {
      throw bad(`'${name}' has invalid data_offsets ${JSON.stringify(off)}`);
    }
    if (off[1] > dataLen) throw bad(`'${name}' ends at byte ${off[1]} of the data, which holds only ${dataLen} bytes (truncated file?)`);
    const dtype = DTYPE[e.dtype];
    const numel = (e.shape as number[]).reduce((a, b) => a * b, 1);
    if (numel * SIZE[dtype] !== off[1] - off[0]) {
      throw bad(`'${name}': shape [${e.shape}] of ${e.dtype} needs ${numel * SIZE[dtype]} bytes, data_offsets give ${off[1] - off[0]}`);
    }
    entries.push({ name, dtype, shape: e.shape as number[], begin: off[0], end: off[1] });
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].begin < sorted[i - 1].end) throw bad(`'${sorted[i].name}' overlaps '${sorted[i - 1].name}'`);
  }
  const tensors = new Map<string, Tensor>();
  for (const e of entries) {
    // Copy into an aligned buffer: typed arrays need element alignment and the file offsets give none.
    const bytes = new Uint8Array(e.end - e.begin);
    bytes.set(buf.subarray(dataStart + e.begin, dataStart + e.end));
    tensors.set(e.name, fromBytes(bytes, e));
  }
  return { tensors, metadata };
}

function fromBytes(bytes: Uint8Array, e: { dtype: DType; shape: number[] }): Tensor {
  const b = bytes.buffer as ArrayBuffer;
  const view =
    e.dtype === 'float32' ? new Float32Array(b) : e.dtype === 'float64' ? new Float64Array(b) : e.dtype === 'int64' ? new BigInt64Array(b) : e.dtype === 'int32' ? new Int32Array(b) : bytes;
  return tensor(view, e.shape, e.dtype);
}

/** Serialises tensors (any device) with optional string metadata. Keys keep their order. */
export function serializeSafetensors(tensors: Map<string, Tensor>, metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const data = t.data();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    header[name] = { dtype: CODE[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([head, Buffer.from(json, 'utf8'), ...chunks]);
}

/** Writes a safetensors file atomically (temporary file, fsync, rename). */
export function writeSafetensors(file: string, tensors: Map<string, Tensor>, metadata?: Record<string, string>): void {
  writeFileAtomic(file, serializeSafetensors(tensors, metadata));
}
