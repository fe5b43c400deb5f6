// The format readers on small real-format files: pixel layout, labels, class names, gzip/raw IDX, Tiny-ImageNet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import {
  CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES, CIFAR10_CLASSES, classCounts, FASHION_MNIST_CLASSES, loadDataset, readCifar10, readCifar100,
  readTinyImageNet, take,
} from '../../src/data';
import { UserError } from '../../src/errors';
import { cifarLabel, jpegImage, pixel, tempDir, writeCifar10, writeCifar100, writeMnist, writeTinyImageNet } from './formats';

test('CIFAR-10: data_batch_1..5 concatenated in order, CHW planes, labels, built-in names', () => {
  const dir = tempDir();
  writeCifar10(dir, 3);
  const { train, test: te } = readCifar10(dir);
  assert.equal(train.length, 15);
  assert.equal(te.length, 3);
  assert.deepEqual([train.channels, train.height, train.width], [3, 32, 32]);
  assert.deepEqual(train.classNames, CIFAR10_CLASSES);
  // record r of data_batch_(f+1) is train image 3f + r; plane c row i col j sits at c·1024 + i·32 + j
  for (const [f, r] of [[0, 0], [2, 1], [4, 2]]) {
    const k = 3 * f + r;
    assert.equal(train.labels[k], cifarLabel(f, r, 10));
    for (const [c, i, j] of [[0, 0, 0], [1, 5, 7], [2, 31, 30]]) assert.equal(train.images[k * 3072 + c * 1024 + i * 32 + j], pixel(f, r, c, i, j));
  }
  assert.equal(te.images[2 * 3072 + 2 * 1024 + 3 * 32 + 4], pixel(5, 2, 2, 3, 4));
  assert.deepEqual(Array.from(te.labels), [0, 1, 2].map((r) => cifarLabel(5, r, 10)));
});

test('CIFAR-10: class names from batches.meta.txt; a wrong count is a UserError naming it', () => {
  const dir = tempDir();
  const names = CIFAR10_CLASSES.map((n) => n.toUpperCase());
  writeCifar10(dir, 1, names);
  assert.deepEqual(readCifar10(dir).train.classNames, names);
  fs.writeFileSync(path.join(dir, 'batches.meta.txt'), 'a\nb\n');
  assert.throws(() => readCifar10(dir), (e: Error) => e instanceof UserError && e.message.includes('batches.meta.txt') && /expected 10 class names/.test(e.message));
});

test('CIFAR-10: files with different record counts are refused', () => {
  const dir = tempDir();
  writeCifar10(dir, 2);
  const f = path.join(dir, 'data_batch_3.bin');
  fs.writeFileSync(f, fs.readFileSync(f).subarray(0, 3073));
  assert.throws(() => readCifar10(dir), (e: Error) => e instanceof UserError && e.message.includes(f) && /same number/.test(e.message));
});

test('CIFAR-100: fine labels by default, coarse as an option, names built in or from files', () => {
  const dir = tempDir();
  writeCifar100(dir, 4);
  const fine = readCifar100(dir);
  assert.equal(fine.train.length, 20);
  assert.equal(fine.test.length, 4);
  assert.equal(fine.train.numClasses, 100);
  assert.deepEqual(fine.train.classNames, CIFAR100_FINE_CLASSES);
  assert.equal(CIFAR100_FINE_CLASSES.length, 100);
  assert.equal(CIFAR100_COARSE_CLASSES.length, 20);
  assert.deepEqual(Array.from(fine.train.labels.subarray(0, 5)), [0, 1, 2, 3, 4].map((r) => cifarLabel(0, r, 100)));
  assert.equal(fine.test.images[3 * 3072 + 1024 + 33], pixel(1, 3, 1, 1, 1));
  const coarse = readCifar100(dir, 'coarse');
  assert.equal(coarse.train.numClasses, 20);
  assert.deepEqual(Array.from(coarse.test.labels), [0, 1, 2, 3].map((r) => cifarLabel(1, r, 100) % 20));
  assert.deepEqual(coarse.train.images, fine.train.images);

  const own = tempDir();
  const fineNames = CIFAR100_FINE_CLASSES.map((n) => `f_${n}`);
  writeCifar100(own, 1, { fine: fineNames });
  assert.deepEqual(readCifar100(own).train.classNames, fineNames);
  assert.deepEqual(readCifar100(own, 'coarse').train.classNames, CIFAR100_COARSE_CLASSES);
});

test('IDX: gzipped and raw files give the same dataset; computed mean/std match the pixels', () => {
  const gz = tempDir();
  const raw = tempDir();
  writeMnist(gz, 30, 10, true, 6, 5);
  writeMnist(raw, 30, 10, false, 6, 5);
  const a = loadDataset('fashion-mnist', { dataDir: gz });
  const b = loadDataset('fmnist', { dataDir: raw });
  assert.equal(a.name, 'fashion-mnist');
  assert.deepEqual([a.train.length, a.test.length, a.train.channels, a.train.height, a.train.width], [30, 10, 1, 6, 5]);
  assert.deepEqual(a.train.images, b.train.images);
  assert.deepEqual(a.test.labels, b.test.labels);
  assert.deepEqual(a.train.classNames, FASHION_MNIST_CLASSES);
  assert.equal(a.train.images[(7 * 6 + 2) * 5 + 3], pixel(0, 7, 0, 2, 3));
  assert.equal(a.test.labels[9], 9);
  assert.equal(a.augment, 'none');
  let s = 0;
  let q = 0;
  for (const v of a.train.images) s += v / 255;
  const m = s / a.train.images.length;
  for (const v of a.train.images) q += (v / 255 - m) ** 2;
  assert.ok(Math.abs(a.mean[0] - m) < 1e-12);
  assert.ok(Math.abs(a.std[0] - Math.sqrt(q / a.train.images.length)) < 1e-12);
  const mn = loadDataset('mnist', { dataDir: raw });
  assert.equal(mn.train.classNames[3], '3');
});

test('Tiny-ImageNet: sorted-wnid labels, words.txt names, val annotations, decoded pixels', () => {
  const dir = tempDir();
  const wnids = ['n0300', 'n0100', 'n0200'];
  writeTinyImageNet(dir, wnids, 2, 2, 8, { n0100: 'goldfish, Carassius auratus', n0200: 'salamander', n9999: 'unused' });
  const data = loadDataset('tiny-imagenet', { dataDir: dir });
  assert.equal(data.labelOrder, 'sorted-wnid');
  const { train, test: te } = data;
  assert.deepEqual(train.classIds, ['n0100', 'n0200', 'n0300']);
  assert.deepEqual(train.classNames, ['goldfish', 'salamander', 'n0300']);
  assert.deepEqual([train.length, te.length, train.channels, train.height, train.width], [6, 6, 3, 8, 8]);
  assert.deepEqual(Array.from(train.labels), [0, 0, 1, 1, 2, 2]);
  assert.deepEqual(Array.from(te.labels), [0, 1, 2, 0, 1, 2]);
  assert.equal(data.mean.length, 3);
  // image 1 of class 2 (seed 21) is a flat colour; quality-100 JPEG round trip stays within 2 levels
  const want = jpegImage(8, 21).rgb;
  const got = train.images.subarray(5 * 192, 6 * 192);
  for (let p = 0; p < 192; p++) assert.ok(Math.abs(got[p] - want[p]) <= 2, `pixel ${p}: ${got[p]} vs ${want[p]}`);
  assert.equal(got[0], got[63]); // R plane is constant
  assert.notEqual(got[0], got[64]); // G differs from R: planes are in CHW order
});

test('Tiny-ImageNet: a grayscale JPEG becomes three equal channels with the values PIL decodes', () => {
  const dir = tempDir();
  writeTinyImageNet(dir, ['n1', 'n2'], 1, 1, 8);
  const fixture = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'data');
  fs.copyFileSync(path.join(fixture, 'gray-8x8.jpg'), path.join(dir, 'train', 'n2', 'images', 'n2_0.JPEG'));
  const want = JSON.parse(fs.readFileSync(path.join(fixture, 'gray-8x8.json'), 'utf8')) as { pixels: number[] };
  const { train } = readTinyImageNet(dir);
  const img = train.images.subarray(192, 384);
  for (let p = 0; p < 64; p++) {
    assert.ok(Math.abs(img[p] - want.pixels[p]) <= 1, `pixel ${p}: ${img[p]} vs PIL ${want.pixels[p]}`);
    assert.equal(img[64 + p], img[p]);
    assert.equal(img[128 + p], img[p]);
  }
});

test('Tiny-ImageNet: images of another size and unknown wnids are UserErrors naming the file', () => {
  const dir = tempDir();
  writeTinyImageNet(dir, ['n1', 'n2'], 1, 1, 8);
  const odd = path.join(dir, 'train', 'n2', 'images', 'n2_0.JPEG');
  fs.writeFileSync(odd, jpegImage(16, 3).jpg);
  assert.throws(() => readTinyImageNet(dir), (e: Error) => e instanceof UserError && e.message.includes(odd) && /expected 8×8/.test(e.message));
  writeTinyImageNet(dir, ['n1', 'n2'], 1, 1, 8);
  const ann = path.join(dir, 'val', 'val_annotations.txt');
  fs.appendFileSync(ann, 'val_0.JPEG\tn7\t0\t0\t1\t1\n');
  assert.throws(() => readTinyImageNet(dir), (e: Error) => e instanceof UserError && e.message.includes(ann) && /'n7' is not in/.test(e.message));
  writeTinyImageNet(dir, ['n1', 'n2'], 1, 1, 8);
  fs.writeFileSync(path.join(dir, 'val', 'images', 'val_9.JPEG'), jpegImage(8, 1).jpg);
  assert.throws(() => readTinyImageNet(dir), (e: Error) => e instanceof UserError && e.message.includes(ann) && /does not list image val_9.JPEG/.test(e.message));
  fs.rmSync(path.join(dir, 'val', 'images', 'val_9.JPEG'));
  fs.mkdirSync(path.join(dir, 'train', 'n3'));
  assert.throws(() => readTinyImageNet(dir), (e: Error) => e instanceof UserError && e.message.includes('wnids.txt') && /does not list class folder n3/.test(e.message));
});

test('real Fashion-MNIST from /usr/share/datasets/fashion-mnist: 60000/10000, balanced', (t) => {
  const dir = '/usr/share/datasets/fashion-mnist';
  if (!fs.existsSync(dir)) {
    t.skip(`${dir} is absent (apt-get install dataset-fashion-mnist provides it)`);
    return;
  }
  const data = loadDataset('fashion-mnist', { dataDir: dir });
  assert.equal(data.train.length, 60000);
  assert.equal(data.test.length, 10000);
  assert.deepEqual(classCounts(data.train), new Array(10).fill(6000));
  assert.deepEqual(classCounts(data.test), new Array(10).fill(1000));
  assert.deepEqual([data.train.channels, data.train.height, data.train.width], [1, 28, 28]);
  assert.ok(Math.abs(data.mean[0] - 0.2860) < 5e-4 && Math.abs(data.std[0] - 0.3530) < 5e-4, `${data.mean} ${data.std}`);
});

test('readers and subsets keep pixels in shared memory, so the loader worker reads them without a second copy', () => {
  const c10 = tempDir();
  writeCifar10(c10, 2);
  const c100 = tempDir();
  writeCifar100(c100, 5);
  const idx = tempDir();
  writeMnist(idx, 30, 10, true, 6, 5);
  const tiny = tempDir();
  writeTinyImageNet(tiny, ['n0100', 'n0200'], 2, 2, 8, {});
  const sets = [readCifar10(c10), readCifar100(c100), loadDataset('fashion-mnist', { dataDir: idx }), loadDataset('tiny-imagenet', { dataDir: tiny })];
  for (const { train, test: te } of sets) {
    for (const ds of [train, te, take(train, [1, 0])]) {
      assert.ok(ds.images.buffer instanceof SharedArrayBuffer, `${ds.source}: images are not in shared memory`);
      assert.equal(ds.images.byteLength, ds.images.buffer.byteLength);
    }
  }
});

test('Tiny-ImageNet: decoded pixels are cached on disk, decoded again when a file changes, and a damaged cache is ignored', () => {
  const dir = tempDir();
  const cache = tempDir('cfa-cache-');
  writeTinyImageNet(dir, ['n0100', 'n0200'], 2, 1, 8);
  const saved = process.env.CFA_CACHE_DIR;
  process.env.CFA_CACHE_DIR = cache;
  try {
    const first = loadDataset('tiny-imagenet', { dataDir: dir });
    const files = fs.readdirSync(cache).filter((f) => f.endsWith('.bin'));
    assert.equal(files.length, 2, 'one cache file each for train and val');
    const again = loadDataset('tiny-imagenet', { dataDir: dir });
    assert.deepEqual(again.train.images, first.train.images);
    assert.deepEqual(again.test.images, first.test.images);
    assert.ok(again.train.images.buffer instanceof SharedArrayBuffer);

    // Cached bytes are what a second load returns: poison them to prove the cache is read.
    const trainCache = files.map((f) => path.join(cache, f)).find((f) => fs.statSync(f).size === 24 + 4 * 192)!;
    const bytes = fs.readFileSync(trainCache);
    bytes[24] ^= 0xff;
    fs.writeFileSync(trainCache, bytes);
    assert.equal(loadDataset('tiny-imagenet', { dataDir: dir }).train.images[0], first.train.images[0] ^ 0xff);

    // A changed image changes the key: decoded again, the new pixels appear.
    const changed = path.join(dir, 'train', 'n0100', 'images', 'n0100_0.JPEG');
    fs.writeFileSync(changed, jpegImage(8, 77).jpg);
    fs.utimesSync(changed, new Date(), new Date(Date.now() + 5000));
    const fresh = loadDataset('tiny-imagenet', { dataDir: dir });
    const want = jpegImage(8, 77).rgb;
    for (let p = 0; p < 192; p++) assert.ok(Math.abs(fresh.train.images[p] - want[p]) <= 2, `pixel ${p}`);

    // A truncated cache file is ignored and rewritten.
    for (const f of fs.readdirSync(cache)) fs.truncateSync(path.join(cache, f), 10);
    assert.deepEqual(loadDataset('tiny-imagenet', { dataDir: dir }).test.images, first.test.images);
  } finally {
    if (saved === undefined) delete process.env.CFA_CACHE_DIR;
    else process.env.CFA_CACHE_DIR = saved;
  }
});
