// Seeded corruptions of every format: each must give either a correct parse (checked by writing the result back to
// the format and comparing with the bytes on disk) or a UserError naming the damaged file. Never a crash or a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { createRng, DataBundle, ImageDataset, loadDataset, readCifar100, Rng } from '../../src/data';
import { UserError } from '../../src/errors';
import { idxBytes, jpegImage, numpyArrays, tempDir, writeCifar10, writeCifar100, writeImageFolder, writeMnist, writeTinyImageNet, zipBytes } from './formats';

interface Format {
  name: string;
  cases: number;
  build(dir: string): void;
  /** Files that may be damaged. */
  files(dir: string): string[];
  /** Checks a successful parse against the bytes on disk. */
  check(dir: string, data: DataBundle): void;
  /** Damage the decompressed content of .gz files instead of the gzip stream. */
  inner?: boolean;
  /** Whether some damage is expected to leave valid data (not for gzip streams, whose CRC catches nearly every change). */
  someParse: boolean;
}

function invariants(ds: ImageDataset): void {
  assert.equal(ds.images.length, ds.length * ds.channels * ds.height * ds.width);
  assert.equal(ds.labels.length, ds.length);
  assert.equal(ds.classNames.length, ds.numClasses);
  for (const y of ds.labels) assert.ok(y >= 0 && y < ds.numClasses);
}

/** CIFAR records rebuilt from parsed datasets: label bytes then pixels. */
function records(labelSets: Int32Array[], images: Uint8Array, from: number, count: number): Buffer {
  const out = Buffer.alloc(count * (labelSets.length + 3072));
  const rec = labelSets.length + 3072;
  for (let k = 0; k < count; k++) {
    labelSets.forEach((l, j) => (out[k * rec + j] = l[from + k]));
    out.set(images.subarray((from + k) * 3072, (from + k + 1) * 3072), k * rec + labelSets.length);
  }
  return out;
}

function ungz(buf: Buffer): Buffer {
  return buf[0] === 0x1f && buf[1] === 0x8b ? zlib.gunzipSync(buf) : buf;
}

const cifar10: Format = {
  name: 'cifar10',
  cases: 70,
  someParse: true,
  build: (dir) => writeCifar10(dir, 2, ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']),
  files: (dir) => ['data_batch_1.bin', 'data_batch_3.bin', 'data_batch_5.bin', 'test_batch.bin', 'batches.meta.txt'].map((f) => path.join(dir, f)),
  check(dir, data) {
    const per = data.train.length / 5;
    ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'].forEach((f, k) => {
      assert.deepEqual(records([data.train.labels], data.train.images, k * per, per), fs.readFileSync(path.join(dir, f)));
    });
    assert.deepEqual(records([data.test.labels], data.test.images, 0, data.test.length), fs.readFileSync(path.join(dir, 'test_batch.bin')));
  },
};

const cifar100: Format = {
  name: 'cifar100',
  cases: 60,
  someParse: true,
  build: (dir) => writeCifar100(dir, 2),
  files: (dir) => ['train.bin', 'test.bin'].map((f) => path.join(dir, f)),
  check(dir, data) {
    const coarse = readCifar100(dir, 'coarse');
    assert.deepEqual(records([coarse.train.labels, data.train.labels], data.train.images, 0, data.train.length), fs.readFileSync(path.join(dir, 'train.bin')));
    assert.deepEqual(records([coarse.test.labels, data.test.labels], data.test.images, 0, data.test.length), fs.readFileSync(path.join(dir, 'test.bin')));
  },
};

function idxFormat(gzip: boolean, inner: boolean): Format {
  const ext = gzip ? '.gz' : '';
  return {
    name: `fashion-mnist${gzip ? (inner ? ' (gzip, damaged content)' : ' (gzip stream)') : ' (raw)'}`,
    cases: 50,
    inner,
    someParse: !gzip || inner,
    build: (dir) => writeMnist(dir, 6, 4, gzip),
    files: (dir) => ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].map((f) => path.join(dir, f + ext)),
    check(dir, data) {
      for (const [ds, split] of [[data.train, 'train'], [data.test, 't10k']] as const) {
        assert.deepEqual(idxBytes([ds.length, ds.height, ds.width], ds.images), ungz(fs.readFileSync(path.join(dir, `${split}-images-idx3-ubyte${ext}`))));
        assert.deepEqual(idxBytes([ds.length], Uint8Array.from(ds.labels)), ungz(fs.readFileSync(path.join(dir, `${split}-labels-idx1-ubyte${ext}`))));
      }
    },
  };
}

const tiny: Format = {
  name: 'tiny-imagenet',
  cases: 80,
  someParse: true,
  build: (dir) => writeTinyImageNet(dir, ['n02', 'n01'], 2, 1, 8),
  files: (dir) => [
    path.join(dir, 'wnids.txt'),
    path.join(dir, 'val', 'val_annotations.txt'),
    path.join(dir, 'train', 'n01', 'images', 'n01_0.JPEG'),
    path.join(dir, 'train', 'n02', 'images', 'n02_1.JPEG'),
    path.join(dir, 'val', 'images', 'val_1.JPEG'),
  ],
  check(_dir, data) {
    // a damaged JPEG that still decodes is valid data; what must hold is the structure
    assert.deepEqual(data.train.classIds, ['n01', 'n02']);
    assert.ok(data.train.length >= 3 && data.train.length <= 4 && data.test.length === 2);
    assert.deepEqual([data.train.height, data.train.width, data.test.height, data.test.width], [8, 8, 8, 8]);
  },
};

const folder: Format = {
  name: 'folder',
  cases: 60,
  someParse: true,
  build(dir) {
    writeImageFolder(dir, ['b', 'a'], 2, 2);
    fs.writeFileSync(path.join(dir, 'train', 'a', 'img2.jpg'), jpegImage(8, 5).jpg);
  },
  files: (dir) => [path.join(dir, 'train', 'a', 'img0.png'), path.join(dir, 'train', 'a', 'img2.jpg'), path.join(dir, 'train', 'b', 'img1.png'), path.join(dir, 'test', 'b', 'img0.png')],
  check(_dir, data) {
    assert.deepEqual(data.train.classNames, ['a', 'b']);
    assert.ok(data.train.length >= 4 && data.train.length <= 5 && data.test.length >= 3 && data.test.length <= 4);
    assert.deepEqual([data.train.channels, data.train.height, data.train.width, data.test.height], [3, 8, 8, 8]);
  },
};

/** NumPy data: a deflated .npz (whose CRC-32 catches nearly every change) or a folder of .npy files. */
function numpyFormat(archive: boolean): Format {
  return {
    name: archive ? 'npz (deflated archive)' : 'npz (folder of .npy files)',
    cases: 60,
    someParse: !archive,
    build(dir) {
      const members = numpyArrays(6, 4, 3);
      if (archive) fs.writeFileSync(path.join(dir, 'data.npz'), zipBytes(members, true));
      else for (const [n, b] of members) fs.writeFileSync(path.join(dir, n), b);
    },
    files: (dir) => (archive ? [path.join(dir, 'data.npz')] : ['x_train.npy', 'y_train.npy', 'x_test.npy', 'y_test.npy'].map((n) => path.join(dir, n))),
    check(_dir, data) {
      assert.deepEqual([data.train.length, data.test.length, data.train.channels, data.train.height, data.train.width], [6, 4, 3, 4, 4]);
    },
  };
}

/** Applies one seeded damage to `bytes`; undefined means delete the file. */
function damage(rng: Rng, bytes: Buffer, recordSize: number): { kind: string; bytes?: Buffer } {
  const rand = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => rng.int(256)));
  const kind = ['truncate', 'extend', 'extend-record', 'flip', 'flip-many', 'header', 'delete', 'garbage', 'empty'][rng.int(9)];
  const b = Buffer.from(bytes);
  switch (kind) {
    case 'truncate':
      return { kind, bytes: b.subarray(0, rng.int(Math.max(1, b.length))) };
    case 'extend':
      return { kind, bytes: Buffer.concat([b, rand(1 + rng.int(100))]) };
    case 'extend-record':
      return { kind, bytes: Buffer.concat([b, rand(recordSize)]) };
    case 'flip':
      if (b.length) b[rng.int(b.length)] = rng.int(256);
      return { kind, bytes: b };
    case 'flip-many':
      for (let k = 1 + rng.int(8); k > 0 && b.length; k--) b[rng.int(b.length)] = rng.int(256);
      return { kind, bytes: b };
    case 'header':
      rand(Math.min(16, b.length)).copy(b, 0);
      return { kind, bytes: b };
    case 'delete':
      return { kind };
    case 'garbage':
      return { kind, bytes: rand(rng.int(2 * b.length + 1)) };
    default:
      return { kind, bytes: Buffer.alloc(0) };
  }
}

const formats: [Format, string, number][] = [
  [cifar10, 'cifar10', 3073],
  [cifar100, 'cifar100', 3074],
  [idxFormat(true, false), 'fashion-mnist', 784],
  [idxFormat(true, true), 'fashion-mnist', 784],
  [idxFormat(false, false), 'fashion-mnist', 784],
  [tiny, 'tiny-imagenet', 300],
  [folder, 'folder', 200],
  [numpyFormat(true), 'npz', 48],
  [numpyFormat(false), 'npz', 48],
];

/** Where loadDataset reads a format's data: the archive itself for an .npz, else the folder. */
const sourceOf = (fmt: Format, dir: string): string => (fmt.name.startsWith('npz (deflated') ? path.join(dir, 'data.npz') : dir);

for (const [fmt, dataset, recordSize] of formats) {
  test(`fuzz ${fmt.name}: ${fmt.cases} seeded corruptions → correct parse or UserError naming the file`, () => {
    const dir = tempDir();
    fmt.build(dir);
    const pristine = loadDataset(dataset, { dataDir: sourceOf(fmt, dir) });
    fmt.check(dir, pristine);
    const outcomes: Record<string, number> = {};
    for (let c = 0; c < fmt.cases; c++) {
      const rng = createRng(20240, fmt.cases, c, fmt.name.length);
      const files = fmt.files(dir);
      const file = files[rng.int(files.length)];
      const original = fs.readFileSync(file);
      const plain = fmt.inner ? zlib.gunzipSync(original) : original;
      const d = damage(rng, plain, recordSize);
      const label = `case ${c} (${d.kind} ${path.relative(dir, file)})`;
      if (d.bytes) fs.writeFileSync(file, fmt.inner ? zlib.gzipSync(d.bytes) : d.bytes);
      else fs.rmSync(file);
      try {
        let data: DataBundle;
        try {
          data = loadDataset(dataset, { dataDir: sourceOf(fmt, dir) });
        } catch (e) {
          assert.ok(e instanceof UserError, `${label}: expected a UserError, got ${(e as Error).stack}`);
          assert.ok(e.message.includes(file) || (d.kind === 'delete' && e.message.includes(path.basename(file))), `${label}: message does not name the file: ${e.message}`);
          outcomes.error = (outcomes.error ?? 0) + 1;
          continue;
        }
        invariants(data.train);
        invariants(data.test);
        fmt.check(dir, data);
        outcomes.parsed = (outcomes.parsed ?? 0) + 1;
      } finally {
        fs.writeFileSync(file, original);
      }
    }
    assert.ok((outcomes.error ?? 0) > 0, `no damage was rejected: ${JSON.stringify(outcomes)}`);
    if (fmt.someParse) assert.ok((outcomes.parsed ?? 0) > 0, `no damage left valid data: ${JSON.stringify(outcomes)}`);
  });
}
