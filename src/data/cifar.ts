// CIFAR-10 and CIFAR-100 binary versions (docs/methods.md#data): fixed-size records of label byte(s) + 3072 pixels,
// 1024 R then 1024 G then 1024 B, each plane a 32×32 row-major image (already C×H×W).
import * as path from 'path';
import { UserError } from '../errors';
import { CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES, CIFAR10_CLASSES } from './class-names';
import { checkLabels, ImageDataset, imageBuffer } from './dataset';
import { findEntry, readBinary, readNameFile } from './files';

const PIXELS = 3 * 32 * 32;

export const CIFAR10_TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
export const CIFAR10_TEST_FILE = 'test_batch.bin';
export const CIFAR100_TRAIN_FILE = 'train.bin';
export const CIFAR100_TEST_FILE = 'test.bin';

interface Records {
  images: Uint8Array;
  labels: Int32Array[]; // one array per label byte
  count: number;
}

/** Splits a file of records (`labelBytes` label bytes then 3072 pixels each) into pixels and labels. */
function readRecords(file: string, labelBytes: number, expected: string): Records {
  const buf = readBinary(file);
  const rec = labelBytes + PIXELS;
  if (buf.length === 0 || buf.length % rec !== 0) {
    throw new UserError(`${file}: expected a whole number of ${rec}-byte records (${labelBytes} label byte${labelBytes > 1 ? 's' : ''} + ${PIXELS} pixel bytes; ${expected}), got ${buf.length} bytes`);
  }
  const count = buf.length / rec;
  const images = imageBuffer(count * PIXELS);
  const labels = Array.from({ length: labelBytes }, () => new Int32Array(count));
  for (let i = 0; i < count; i++) {
    const o = i * rec;
    for (let k = 0; k < labelBytes; k++) labels[k][i] = buf[o + k];
    images.set(buf.subarray(o + labelBytes, o + rec), i * PIXELS);
  }
  return { images, labels, count };
}

function dataset(name: string, classNames: string[], images: Uint8Array, labels: Int32Array, source: string): ImageDataset {
  return { name, classNames, numClasses: classNames.length, channels: 3, height: 32, width: 32, length: labels.length, images, labels, source };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = imageBuffer(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * CIFAR-10 from a `cifar-10-batches-bin` folder: train = data_batch_1..5.bin concatenated in order, test = test_batch.bin.
 * Class names come from batches.meta.txt when present. All six files must hold the same number of records (10,000 in
 * the official release), which catches files truncated or extended by whole records.
 */
export function readCifar10(dir: string): { train: ImageDataset; test: ImageDataset } {
  const meta = findEntry(dir, ['batches.meta.txt']);
  const classNames = meta ? readNameFile(meta, 10) : CIFAR10_CLASSES.slice();
  const files = [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].map((f) => path.join(dir, f));
  const parts = files.map((f) => {
    const r = readRecords(f, 1, '30,730,000 bytes per file in the official release');
    checkLabels(r.labels[0], 10, f);
    return r;
  });
  parts.forEach((p, k) => {
    if (p.count !== parts[0].count) {
      throw new UserError(`${files[k]}: holds ${p.count} records but ${files[0]} holds ${parts[0].count}; the six CIFAR-10 files must hold the same number (10,000 each)`);
    }
  });
  const tr = parts.slice(0, 5);
  const te = parts[5];
  const trainLabels = new Int32Array(tr.reduce((s, p) => s + p.count, 0));
  let o = 0;
  for (const p of tr) {
    trainLabels.set(p.labels[0], o);
    o += p.count;
  }
  return {
    train: dataset('cifar10', classNames, concat(tr.map((p) => p.images)), trainLabels, dir),
    test: dataset('cifar10', classNames.slice(), te.images, te.labels[0], files[5]),
  };
}

/**
 * CIFAR-100 from a `cifar-100-binary` folder (train.bin, test.bin; records of coarse byte, fine byte, 3072 pixels).
 * `labels` picks the fine (100 classes, default) or coarse (20 superclasses) labels; names come from
 * fine_label_names.txt / coarse_label_names.txt when present. train.bin must hold 5× the records of test.bin
 * (50,000 and 10,000 in the official release).
 */
export function readCifar100(dir: string, labels: 'fine' | 'coarse' = 'fine'): { train: ImageDataset; test: ImageDataset } {
  const k = labels === 'fine' ? 1 : 0;
  const count = labels === 'fine' ? 100 : 20;
  const nameFile = findEntry(dir, [`${labels}_label_names.txt`]);
  const classNames = nameFile ? readNameFile(nameFile, count) : (labels === 'fine' ? CIFAR100_FINE_CLASSES : CIFAR100_COARSE_CLASSES).slice();
  const read = (f: string, size: string): Records => {
    const r = readRecords(f, 2, size);
    checkLabels(r.labels[0], 20, f, 'coarse label');
    checkLabels(r.labels[1], 100, f, 'fine label');
    return r;
  };
  const trainFile = path.join(dir, CIFAR100_TRAIN_FILE);
  const testFile = path.join(dir, CIFAR100_TEST_FILE);
  const tr = read(trainFile, '153,700,000 bytes in the official release');
  const te = read(testFile, '30,740,000 bytes in the official release');
  if (tr.count !== 5 * te.count) {
    throw new UserError(`${trainFile}: holds ${tr.count} records but ${testFile} holds ${te.count}; train.bin must hold 5× as many (50,000 and 10,000)`);
  }
  return {
    train: dataset('cifar100', classNames, tr.images, tr.labels[k], trainFile),
    test: dataset('cifar100', classNames.slice(), te.images, te.labels[k], testFile),
  };
}
