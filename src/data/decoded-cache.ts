// A disk cache of decoded pixels for datasets stored as compressed images (Tiny-ImageNet's JPEGs take about a minute
// to decode). The key hashes every source file's path, size and modification time, so changed files are decoded
// again. Folder: $CFA_CACHE_DIR, else ~/.cache/cfa/decoded; CFA_CACHE_DIR=off turns it off. Best effort: a cache that
// cannot be read or written is ignored, never an error.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../formats';
import { imageBuffer } from './dataset';

const MAGIC = 'CFAPIX01';
const HEADER = 24; // magic, then uint32 count, width, height, channels

export interface DecodedImages {
  images: Uint8Array;
  count: number;
  width: number;
  height: number;
  channels: number;
}

function cacheDir(): string | undefined {
  const env = process.env.CFA_CACHE_DIR;
  if (env === 'off') return undefined;
  return env || path.join(os.homedir(), '.cache', 'cfa', 'decoded');
}

function keyOf(files: readonly string[], variant: string): string {
  const h = createHash('sha256').update(MAGIC).update(`${variant}\n`);
  for (const f of files) {
    const st = fs.statSync(f);
    h.update(`${path.resolve(f)}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return h.digest('hex').slice(0, 32);
}

function read(file: string, count: number): DecodedImages | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(HEADER);
    if (fs.readSync(fd, head, 0, HEADER, 0) !== HEADER || head.toString('latin1', 0, 8) !== MAGIC) return undefined;
    const [n, width, height, channels] = [8, 12, 16, 20].map((o) => head.readUInt32LE(o));
    const bytes = n * width * height * channels;
    if (n !== count || fs.fstatSync(fd).size !== HEADER + bytes) return undefined;
    const images = imageBuffer(bytes);
    for (let done = 0; done < bytes; ) {
      const got = fs.readSync(fd, images, done, Math.min(bytes - done, 1 << 30), HEADER + done);
      if (got <= 0) return undefined;
      done += got;
    }
    return { images, count: n, width, height, channels };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * The decoded pixels of `files` from the cache, else from decode() (then stored for next time). `variant` names
 * everything else the pixels depend on (decoder, resizing, channel rule) and is part of the key.
 */
export function cachedDecode(files: readonly string[], decode: () => DecodedImages, variant = ''): DecodedImages {
  const dir = cacheDir();
  if (!dir || files.length === 0) return decode();
  const file = path.join(dir, `${keyOf(files, variant)}.bin`);
  const hit = read(file, files.length);
  if (hit) return hit;
  const out = decode();
  try {
    const head = Buffer.alloc(HEADER);
    head.write(MAGIC, 0, 'latin1');
    [out.count, out.width, out.height, out.channels].forEach((v, k) => head.writeUInt32LE(v, 8 + 4 * k));
    writeFileAtomic(file, [head, out.images]);
  } catch {
    // A read-only or full disk only costs the next load its decoding time.
  }
  return out;
}
