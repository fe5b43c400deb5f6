// Reading the members of a zip archive (as numpy.savez and savez_compressed write them): stored or deflated entries,
// found through the central directory, checked against their CRC-32. ZIP64 archives (members over 4 GiB) are refused.
import * as zlib from 'zlib';
import { UserError } from '../errors';
import { crc32 } from './crc';

interface Member {
  name: string;
  method: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

function centralDirectory(buf: Buffer, file: string): Member[] {
  const bad = (what: string): never => {
    throw new UserError(`${file}: not a readable zip (.npz) archive (${what})`);
  };
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) bad('no end-of-central-directory record');
  const count = buf.readUInt16LE(eocd + 10);
  const size = buf.readUInt32LE(eocd + 12);
  let p = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || p === 0xffffffff) bad('ZIP64 archives are not supported');
  if (p + size > eocd) bad('central directory outside the file');
  const out: Member[] = [];
  for (let k = 0; k < count; k++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== 0x02014b50) bad(`central directory entry ${k} is damaged`);
    const nameLen = buf.readUInt16LE(p + 28);
    const m: Member = {
      method: buf.readUInt16LE(p + 10),
      crc: buf.readUInt32LE(p + 16),
      compressed: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      offset: buf.readUInt32LE(p + 42),
      name: buf.toString('utf8', p + 46, Math.min(p + 46 + nameLen, eocd)),
    };
    if (m.compressed === 0xffffffff || m.size === 0xffffffff || m.offset === 0xffffffff) bad('ZIP64 archives are not supported');
    out.push(m);
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return out;
}

/** The names and contents of every member of the zip archive `buf` (read from `file`, named in every error). */
export function readZip(buf: Buffer, file: string): Map<string, Buffer> {
  const members = new Map<string, Buffer>();
  for (const m of centralDirectory(buf, file)) {
    const where = `${file}: member ${m.name}`;
    const p = m.offset;
    if (p + 30 > buf.length || buf.readUInt32LE(p) !== 0x04034b50) throw new UserError(`${where}: damaged local header; expected a zip (.npz) archive`);
    const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
    if (start + m.compressed > buf.length) throw new UserError(`${where}: truncated (expected ${m.compressed} bytes of data)`);
    const raw = buf.subarray(start, start + m.compressed);
    let data: Buffer;
    if (m.method === 0) data = raw;
    else if (m.method === 8) {
      try {
        data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, m.size) });
      } catch (e) {
        throw new UserError(`${where}: damaged deflate data (${(e as Error).message})`);
      }
    } else throw new UserError(`${where}: compression method ${m.method}; expected stored (0) or deflated (8)`);
    if (data.length !== m.size || crc32(data) !== m.crc) throw new UserError(`${where}: data does not match its size and CRC-32; the archive is damaged`);
    members.set(m.name, data);
  }
  return members;
}
