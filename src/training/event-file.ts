// TensorBoard event files: TFRecord framing (uint64 length, masked CRC-32C of the length, an Event protobuf, masked
// CRC-32C of the Event) with a first Event holding file_version "brain.Event:2", then Events with wall_time, step and
// Summary{value{tag, simple_value}}. Written with a small protobuf encoder of the few fields used:
//   Event: wall_time = 1 (double), step = 2 (int64), file_version = 3 (string), summary = 5 (Summary)
//   Summary: value = 1 (repeated Value);  Value: tag = 1 (string), simple_value = 2 (float)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { crc32c } from '../data/crc';
import { writeFileAtomic } from '../formats';

export type Scalars = [tag: string, value: number][];

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(n));
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/** A length-delimited field. */
function bytesField(field: number, data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([...varint((field << 3) | 2), ...varint(data.length)]), data]);
}

function scalarValue(tag: string, value: number): Buffer {
  const f = Buffer.alloc(5);
  f[0] = (2 << 3) | 5;
  f.writeFloatLE(value, 1);
  return Buffer.concat([bytesField(1, Buffer.from(tag, 'utf8')), f]);
}

/** One Event: wall time (s), step, then either the file version or a summary of scalars. */
export function encodeEvent(wallTime: number, step: number, what: { fileVersion: string } | { scalars: Scalars }): Buffer {
  const head = Buffer.alloc(9);
  head[0] = (1 << 3) | 1;
  head.writeDoubleLE(wallTime, 1);
  const parts: Buffer[] = [head, Buffer.from([(2 << 3) | 0, ...varint(step)])];
  if ('fileVersion' in what) parts.push(bytesField(3, Buffer.from(what.fileVersion, 'utf8')));
  else parts.push(bytesField(5, Buffer.concat(what.scalars.map(([t, v]) => bytesField(1, scalarValue(t, v))))));
  return Buffer.concat(parts);
}

function maskedCrc(data: Uint8Array): number {
  const c = crc32c(data);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}

/** One TFRecord: the framing around `data`. */
export function tfRecord(data: Uint8Array): Buffer {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(data.length));
  const crcs = Buffer.alloc(8);
  crcs.writeUInt32LE(maskedCrc(len), 0);
  crcs.writeUInt32LE(maskedCrc(data), 4);
  return Buffer.concat([len, crcs.subarray(0, 4), data, crcs.subarray(4)]);
}

/** A new event file name in `dir`, as TensorBoard expects: events.out.tfevents.<seconds>.<host>[.<n> when taken]. */
export function eventFileName(dir: string, now = Date.now() / 1000): string {
  const base = path.join(dir, `events.out.tfevents.${Math.floor(now)}.${os.hostname().replace(/[^A-Za-z0-9._-]/g, '_')}`);
  let file = base;
  for (let n = 1; fs.existsSync(file); n++) file = `${base}.${n}`;
  return file;
}

/** The version record and one summary Event per entry, as one file written atomically (replacing `file`). */
export function writeEventFile(file: string, entries: { step: number; wallTime: number; scalars: Scalars }[], now = Date.now() / 1000): void {
  const records = [tfRecord(encodeEvent(now, 0, { fileVersion: 'brain.Event:2' })), ...entries.map((e) => tfRecord(encodeEvent(e.wallTime, e.step, { scalars: e.scalars })))];
  writeFileAtomic(file, Buffer.concat(records));
}

/** Appends one summary Event to an event file (made by writeEventFile), synced to disk. */
export function appendEvent(file: string, step: number, scalars: Scalars, wallTime = Date.now() / 1000): void {
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeSync(fd, tfRecord(encodeEvent(wallTime, step, { scalars })));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Removes the event files directly in `dir` (not in its sub-folders). */
export function removeEventFiles(dir: string): void {
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith('events.out.tfevents.')) fs.rmSync(path.join(dir, n), { force: true });
}
