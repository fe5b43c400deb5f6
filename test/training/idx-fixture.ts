// A tiny 10-class 28×28 dataset written in IDX format (the Fashion-MNIST file names) to a temporary folder: class k
// is a bright horizontal band at rows 2k..2k+5 plus seeded noise, learnable in a few steps.
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers/temp-dir';

function idx(magicType: number, dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt8(0, 0);
  head.writeUInt8(0, 1);
  head.writeUInt8(magicType, 2);
  head.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}

function images(perClass: number, seed: number): { pixels: Uint8Array; labels: Uint8Array } {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const n = 10 * perClass;
  const pixels = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 10;
    labels[i] = k;
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        const band = r >= 2 * k && r < 2 * k + 6 ? 150 : 0;
        pixels[i * 784 + r * 28 + c] = Math.min(255, Math.round(band + 100 * rand()));
      }
    }
  }
  return { pixels, labels };
}

/** Writes train (perClass images per class) and t10k (testPerClass) IDX files; returns the folder. */
export function writeTinyIdx(perClass = 40, testPerClass = 10): string {
  const dir = tempDir('cfa-idx-');
  for (const [stem, count, seed] of [['train', perClass, 1], ['t10k', testPerClass, 2]] as const) {
    const { pixels, labels } = images(count, seed);
    fs.writeFileSync(path.join(dir, `${stem}-images-idx3-ubyte`), idx(8, [labels.length, 28, 28], pixels));
    fs.writeFileSync(path.join(dir, `${stem}-labels-idx1-ubyte`), idx(8, [labels.length], labels));
  }
  return dir;
}
