// Writers of small real-format dataset files for the data tests and the data benchmark (never downloads anything).
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import * as jpeg from 'jpeg-js';
import { bitCrc } from '../helpers/bit-crc';

export { tempDir } from '../helpers/temp-dir';

/** The pixel value the synthetic writers put at (record r, channel c, row i, col j) of file f: deterministic and varied. */
export function pixel(f: number, r: number, c: number, i: number, j: number): number {
  return (f * 71 + r * 37 + c * 101 + i * 7 + j * 3) % 256;
}

/** One CIFAR record: `labels` bytes then 3072 pixels (R, G, B planes of 32×32) made by pixel(). */
function record(labels: number[], f: number, r: number): Uint8Array {
  const out = new Uint8Array(labels.length + 3072);
  out.set(labels);
  for (let c = 0; c < 3; c++) for (let i = 0; i < 32; i++) for (let j = 0; j < 32; j++) out[labels.length + c * 1024 + i * 32 + j] = pixel(f, r, c, i, j);
  return out;
}

/** The label of record r in file f of the synthetic sets (cycles through the classes). */
export function cifarLabel(f: number, r: number, classes: number): number {
  return (f * 3 + r) % classes;
}

/** CIFAR-10 binary folder with `perFile` records in each of the six files (file index f: 0..4 train, 5 test). */
export function writeCifar10(dir: string, perFile: number, meta?: string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  const names = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];
  names.forEach((name, f) => {
    const recs = Array.from({ length: perFile }, (_, r) => record([cifarLabel(f, r, 10)], f, r));
    fs.writeFileSync(path.join(dir, name), Buffer.concat(recs));
  });
  if (meta) fs.writeFileSync(path.join(dir, 'batches.meta.txt'), meta.join('\n') + '\n\n');
}

/** CIFAR-100 binary folder: train.bin with 5·nTest records (f = 0), test.bin with nTest (f = 1); coarse = fine % 20. */
export function writeCifar100(dir: string, nTest: number, names?: { fine?: string[]; coarse?: string[] }): void {
  fs.mkdirSync(dir, { recursive: true });
  const write = (file: string, f: number, n: number): void => {
    const recs = Array.from({ length: n }, (_, r) => {
      const fine = cifarLabel(f, r, 100);
      return record([fine % 20, fine], f, r);
    });
    fs.writeFileSync(path.join(dir, file), Buffer.concat(recs));
  };
  write('train.bin', 0, 5 * nTest);
  write('test.bin', 1, nTest);
  if (names?.fine) fs.writeFileSync(path.join(dir, 'fine_label_names.txt'), names.fine.join('\n') + '\n');
  if (names?.coarse) fs.writeFileSync(path.join(dir, 'coarse_label_names.txt'), names.coarse.join('\n') + '\n');
}

/** An IDX file of unsigned bytes. */
export function idxBytes(dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, k) => head.writeUInt32BE(d, 4 + 4 * k));
  return Buffer.concat([head, data]);
}

/** An MNIST-format folder with nTrain/nTest h×w images; image k of split s has pixels pixel(s,k,0,i,j), label k % 10. */
export function writeMnist(dir: string, nTrain: number, nTest: number, gzip: boolean, h = 28, w = 28): void {
  fs.mkdirSync(dir, { recursive: true });
  const put = (name: string, buf: Buffer): void => fs.writeFileSync(path.join(dir, gzip ? `${name}.gz` : name), gzip ? zlib.gzipSync(buf) : buf);
  [['train', nTrain], ['t10k', nTest]].forEach(([split, n], s) => {
    const count = n as number;
    const images = new Uint8Array(count * h * w);
    for (let k = 0; k < count; k++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) images[(k * h + i) * w + j] = pixel(s, k, 0, i, j);
    put(`${split}-images-idx3-ubyte`, idxBytes([count, h, w], images));
    put(`${split}-labels-idx1-ubyte`, idxBytes([count], Uint8Array.from({ length: count }, (_, k) => k % 10)));
  });
}

/** An RGB JPEG of size×size whose colour depends on (seed): smooth so that decoding stays close to the source. */
export function jpegImage(size: number, seed: number): { jpg: Buffer; rgb: Uint8Array } {
  const rgba = Buffer.alloc(size * size * 4);
  const rgb = new Uint8Array(3 * size * size);
  for (let p = 0; p < size * size; p++) {
    const v = [(seed * 50 + 40) % 256, (seed * 90 + 120) % 256, (seed * 30 + 200) % 256];
    for (let c = 0; c < 3; c++) {
      rgba[4 * p + c] = v[c];
      rgb[c * size * size + p] = v[c];
    }
    rgba[4 * p + 3] = 255;
  }
  return { jpg: jpeg.encode({ width: size, height: size, data: rgba }, 100).data, rgb };
}

/**
 * A Tiny-ImageNet-layout folder: wnids listed in the given (unsorted) order, `perClass` train JPEGs per class and
 * `valPerClass` val JPEGs per class, all size×size. Train image k of wnid w uses seed (index of w in sorted order)·10+k.
 */
export function writeTinyImageNet(dir: string, wnids: string[], perClass: number, valPerClass: number, size = 8, words?: Record<string, string>): void {
  fs.mkdirSync(path.join(dir, 'val', 'images'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'wnids.txt'), wnids.join('\n') + '\n');
  if (words) fs.writeFileSync(path.join(dir, 'words.txt'), Object.entries(words).map(([k, v]) => `${k}\t${v}`).join('\n') + '\n');
  const sorted = wnids.slice().sort();
  sorted.forEach((w, y) => {
    const folder = path.join(dir, 'train', w, 'images');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(dir, 'train', w, `${w}_boxes.txt`), '');
    for (let k = 0; k < perClass; k++) fs.writeFileSync(path.join(folder, `${w}_${k}.JPEG`), jpegImage(size, y * 10 + k).jpg);
  });
  const lines: string[] = [];
  let v = 0;
  for (let k = 0; k < valPerClass; k++) {
    sorted.forEach((w, y) => {
      const name = `val_${v++}.JPEG`;
      fs.writeFileSync(path.join(dir, 'val', 'images', name), jpegImage(size, 100 + y * 10 + k).jpg);
      lines.push(`${name}\t${w}\t0\t0\t${size - 1}\t${size - 1}`);
    });
  }
  fs.writeFileSync(path.join(dir, 'val', 'val_annotations.txt'), lines.join('\n') + '\n');
}

/** CRC-32 (zip/PNG), bit by bit: independent of the table-driven one in src/data/crc.ts. */
export function bitCrc32(bytes: Uint8Array): number {
  return bitCrc(bytes, 0xedb88320);
}

/** A PNG (8-bit gray when channels = 1, RGB when 3, RGBA when 4) of H×W×C interleaved pixels, filter 0 on every row. */
export function pngBytes(width: number, height: number, channels: 1 | 3 | 4, hwc: Uint8Array): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(bitCrc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  const rows = Buffer.alloc(height * (1 + width * channels));
  for (let i = 0; i < height; i++) Buffer.from(hwc.subarray(i * width * channels, (i + 1) * width * channels)).copy(rows, i * (1 + width * channels) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** The H×W×C pixels the folder writers use for image (split s, class y, index k): deterministic and varied. */
export function folderPixels(size: number, channels: number, s: number, y: number, k: number): Uint8Array {
  const out = new Uint8Array(size * size * channels);
  for (let p = 0; p < size * size; p++) for (let c = 0; c < channels; c++) out[p * channels + c] = (40 + 60 * y + 9 * k + 5 * s + 3 * c + 2 * (p % size) + Math.floor(p / size)) % 256;
  return out;
}

/**
 * An image-folder dataset: DIR/train/<class>/ and DIR/<testName>/<class>/ with `perClass` and `testPerClass` images of
 * size×size; class y, image k is a PNG named img<k>.png (RGB, or gray when `gray`), or a JPEG (img<k>.jpg) when `jpeg`.
 */
export function writeImageFolder(dir: string, classes: string[], perClass: number, testPerClass: number, o: { size?: number; gray?: boolean; jpeg?: boolean; testName?: string } = {}): void {
  const size = o.size ?? 8;
  const ch = o.gray ? 1 : 3;
  [['train', perClass], [o.testName ?? 'test', testPerClass]].forEach(([split, n], s) => {
    classes.forEach((c, y) => {
      const folder = path.join(dir, split as string, c);
      fs.mkdirSync(folder, { recursive: true });
      for (let k = 0; k < (n as number); k++) {
        const px = folderPixels(size, ch, s, y, k);
        if (o.jpeg) {
          const rgba = Buffer.alloc(size * size * 4, 255);
          for (let p = 0; p < size * size; p++) for (let c2 = 0; c2 < 3; c2++) rgba[4 * p + c2] = px[p * ch + (ch === 1 ? 0 : c2)];
          fs.writeFileSync(path.join(folder, `img${k}.jpg`), jpeg.encode({ width: size, height: size, data: rgba }, 95).data);
        } else fs.writeFileSync(path.join(folder, `img${k}.png`), pngBytes(size, size, ch as 1 | 3, px));
      }
    });
  });
}

/** A .npy file (format version 1, 2 or 3) of raw little-endian element bytes. */
export function npyBytes(descr: string, shape: number[], data: Uint8Array, version = 1, extraHeader = ''): Buffer {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), ${extraHeader}}`;
  const pre = version === 1 ? 10 : 12;
  const pad = (64 - ((pre + dict.length + 1) % 64)) % 64;
  const header = Buffer.from(dict + ' '.repeat(pad) + '\n', version === 3 ? 'utf8' : 'latin1');
  const head = Buffer.alloc(pre);
  Buffer.from('\x93NUMPY', 'latin1').copy(head);
  head[6] = version;
  head[7] = 0;
  if (version === 1) head.writeUInt16LE(header.length, 8);
  else head.writeUInt32LE(header.length, 8);
  return Buffer.concat([head, header, Buffer.from(data)]);
}

/** A zip archive of the members, stored (method 0) or deflated (method 8). */
export function zipBytes(members: [string, Uint8Array][], deflate: boolean): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of members) {
    const body = deflate ? zlib.deflateRawSync(data) : Buffer.from(data);
    const crc = bitCrc32(data);
    const nameBuf = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt16LE(deflate ? 8 : 0, 10);
    cen.writeUInt32LE(crc, 16);
    cen.writeUInt32LE(body.length, 20);
    cen.writeUInt32LE(data.length, 24);
    cen.writeUInt16LE(nameBuf.length, 28);
    cen.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, body);
    central.push(cen, nameBuf);
    offset += 30 + nameBuf.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/**
 * A NumPy dataset: uint8 images N×H×W×C (C 3, H = W = 4) from pixel(), labels i mod classes as int64; written as
 * FILE.npz (stored or deflated) or as four .npy files in a folder.
 */
export function numpyArrays(nTrain: number, nTest: number, classes: number): [string, Uint8Array][] {
  const x = (n: number, s: number) => Uint8Array.from({ length: n * 48 }, (_, k) => pixel(s, Math.floor(k / 48), k % 3, Math.floor((k % 48) / 12), Math.floor((k % 12) / 3)));
  const y = (n: number) => {
    const b = Buffer.alloc(8 * n);
    for (let i = 0; i < n; i++) b.writeBigInt64LE(BigInt(i % classes), 8 * i);
    return b;
  };
  return [
    ['x_train.npy', npyBytes('|u1', [nTrain, 4, 4, 3], x(nTrain, 0))],
    ['y_train.npy', npyBytes('<i8', [nTrain], y(nTrain))],
    ['x_test.npy', npyBytes('|u1', [nTest, 4, 4, 3], x(nTest, 1))],
    ['y_test.npy', npyBytes('<i8', [nTest], y(nTest))],
  ];
}
