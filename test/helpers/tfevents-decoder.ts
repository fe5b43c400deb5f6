// An independent reader of TensorBoard event files for the tests: TFRecord framing with CRC-32C computed bit by bit,
// and a generic protobuf wire-format parser (no knowledge of the writer's code).
import { bitCrc } from './bit-crc';

/** CRC-32C (Castagnoli), bit by bit. */
export function bitCrc32c(bytes: Uint8Array): number {
  return bitCrc(bytes, 0x82f63b78);
}

function masked(bytes: Uint8Array): number {
  const c = bitCrc32c(bytes);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}

type Field = { no: number; wire: number; int?: bigint; bytes?: Buffer; fixed?: Buffer };

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let p = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[p++];
      if (b === undefined) throw new Error('truncated varint');
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (p < buf.length) {
    const key = Number(varint());
    const f: Field = { no: key >> 3, wire: key & 7 };
    if (f.wire === 0) f.int = varint();
    else if (f.wire === 1) (f.fixed = buf.subarray(p, p + 8)), (p += 8);
    else if (f.wire === 5) (f.fixed = buf.subarray(p, p + 4)), (p += 4);
    else if (f.wire === 2) {
      const n = Number(varint());
      f.bytes = buf.subarray(p, p + n);
      p += n;
    } else throw new Error(`wire type ${f.wire}`);
    out.push(f);
  }
  return out;
}

export interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  values: Map<string, number>;
}

/** Every Event of an event file; throws on a bad length or data CRC. */
export function decodeEventFile(buf: Buffer): DecodedEvent[] {
  const events: DecodedEvent[] = [];
  let p = 0;
  while (p < buf.length) {
    const lenBytes = buf.subarray(p, p + 8);
    if (buf.readUInt32LE(p + 8) !== masked(lenBytes)) throw new Error(`record at ${p}: length CRC mismatch`);
    const n = Number(buf.readBigUInt64LE(p));
    const data = buf.subarray(p + 12, p + 12 + n);
    if (buf.readUInt32LE(p + 12 + n) !== masked(data)) throw new Error(`record at ${p}: data CRC mismatch`);
    p += 16 + n;
    const ev: DecodedEvent = { wallTime: NaN, step: 0, values: new Map() };
    for (const f of fields(data)) {
      if (f.no === 1 && f.wire === 1) ev.wallTime = f.fixed!.readDoubleLE(0);
      else if (f.no === 2 && f.wire === 0) ev.step = Number(f.int);
      else if (f.no === 3 && f.wire === 2) ev.fileVersion = f.bytes!.toString('utf8');
      else if (f.no === 5 && f.wire === 2) {
        for (const v of fields(f.bytes!)) {
          if (v.no !== 1) continue;
          let tag = '';
          let value = NaN;
          for (const g of fields(v.bytes!)) {
            if (g.no === 1) tag = g.bytes!.toString('utf8');
            if (g.no === 2 && g.wire === 5) value = g.fixed!.readFloatLE(0);
          }
          ev.values.set(tag, value);
        }
      }
    }
    events.push(ev);
  }
  return events;
}
