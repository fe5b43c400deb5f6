// Image-folder datasets: class folders in sorted order, PNG pixels exactly, JPEG pixels close to the source, gray and
// mixed folders, --resize against the bilinear closed form, sharp against jpeg-js, and bad folders as UserErrors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as jpeg from 'jpeg-js';
import { loadDataset, readImageFolder } from '../../src/data';
import { decodeImages } from '../../src/data/image-decode';
import { resizeBilinear } from '../../src/data/resize';
import { UserError } from '../../src/errors';
import { folderPixels, pngBytes, tempDir, writeImageFolder } from './formats';

function chw(hwc: Uint8Array, size: number, ch: number): Uint8Array {
  const out = new Uint8Array(hwc.length);
  for (let p = 0; p < size * size; p++) for (let c = 0; c < ch; c++) out[c * size * size + p] = hwc[p * ch + c];
  return out;
}

const userError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);

test('folder: sorted class folders, labels in folder order, PNG pixels exact, stats and augmentation for colour', () => {
  const dir = tempDir();
  writeImageFolder(dir, ['zebra', 'cat', 'dog'], 3, 2);
  const data = loadDataset('folder', { dataDir: dir });
  const { train, test: te } = data;
  assert.deepEqual(train.classNames, ['cat', 'dog', 'zebra']);
  assert.deepEqual([train.numClasses, train.length, te.length, train.channels, train.height, train.width], [3, 9, 6, 3, 8, 8]);
  assert.deepEqual(Array.from(train.labels), [0, 0, 0, 1, 1, 1, 2, 2, 2]);
  assert.equal(data.labelOrder, 'sorted-folder');
  assert.equal(data.augment, 'crop-flip');
  // train image 1 of 'dog' (written as class index 2 of the unsorted list) and test image 1 of 'cat'
  assert.deepEqual(train.images.subarray(4 * 192, 5 * 192), chw(folderPixels(8, 3, 0, 2, 1), 8, 3));
  assert.deepEqual(te.images.subarray(1 * 192, 2 * 192), chw(folderPixels(8, 3, 1, 1, 1), 8, 3));
  let sum = 0;
  for (let i = 0; i < train.images.length; i += 3 * 64) for (let p = 0; p < 64; p++) sum += train.images[i + p];
  assert.ok(Math.abs(data.mean[0] - sum / (9 * 64) / 255) < 1e-9);
});

test('folder: val/ serves as the test split; JPEGs decode within 3 levels of their source', () => {
  const dir = tempDir();
  writeImageFolder(dir, ['a', 'b'], 2, 1, { jpeg: true, size: 16, testName: 'val' });
  const { train, test: te } = readImageFolder(dir);
  assert.equal(te.source, path.join(dir, 'val'));
  assert.equal(te.length, 2);
  const want = chw(folderPixels(16, 3, 0, 1, 1), 16, 3);
  const got = train.images.subarray(3 * 768, 4 * 768);
  let worst = 0;
  for (let p = 0; p < 768; p++) worst = Math.max(worst, Math.abs(got[p] - want[p]));
  assert.ok(worst <= 3, `max deviation ${worst}`); // a quality-95 JPEG of smooth ramps
});

test('folder: all-gray PNGs give one channel; a gray PNG among RGB ones is repeated into three', () => {
  const dir = tempDir();
  writeImageFolder(dir, ['a', 'b'], 2, 1, { gray: true });
  const gray = loadDataset('folder', { dataDir: dir });
  assert.equal(gray.train.channels, 1);
  assert.equal(gray.augment, 'none');
  assert.deepEqual(gray.train.images.subarray(64, 128), folderPixels(8, 1, 0, 0, 1));
  // replace one image by an RGB PNG: the dataset turns RGB, gray images repeat their plane
  fs.writeFileSync(path.join(dir, 'train', 'b', 'img0.png'), pngBytes(8, 8, 3, folderPixels(8, 3, 0, 1, 0)));
  const mixed = readImageFolder(dir).train;
  assert.equal(mixed.channels, 3);
  const first = mixed.images.subarray(0, 192);
  const g = folderPixels(8, 1, 0, 0, 0);
  for (let c = 0; c < 3; c++) assert.deepEqual(first.subarray(c * 64, (c + 1) * 64), g);
  assert.deepEqual(mixed.images.subarray(2 * 192, 3 * 192), chw(folderPixels(8, 3, 0, 1, 0), 8, 3));
  // an RGB test image with an all-gray training split: both splits become RGB
  const other = tempDir();
  writeImageFolder(other, ['a', 'b'], 2, 1, { gray: true });
  fs.writeFileSync(path.join(other, 'test', 'a', 'img0.png'), pngBytes(8, 8, 3, folderPixels(8, 3, 1, 0, 0)));
  const both = readImageFolder(other);
  assert.deepEqual([both.train.channels, both.test.channels], [3, 3]);
  for (let c = 0; c < 3; c++) assert.deepEqual(both.train.images.subarray(192 + c * 64, 192 + (c + 1) * 64), folderPixels(8, 1, 0, 0, 1));
  assert.deepEqual(both.test.images.subarray(0, 192), chw(folderPixels(8, 3, 1, 0, 0), 8, 3));
  // test images of another size than the training images
  fs.writeFileSync(path.join(other, 'test', 'a', 'img0.png'), pngBytes(4, 4, 1, folderPixels(4, 1, 1, 0, 0)));
  fs.writeFileSync(path.join(other, 'test', 'b', 'img0.png'), pngBytes(4, 4, 1, folderPixels(4, 1, 1, 1, 0)));
  assert.throws(() => readImageFolder(other), userError(/test\/a\/img0\.png: image is 4×4, expected 8×8 like .*train\/a\/img0\.png/));
});

test('folder: an RGBA PNG loses its alpha channel', () => {
  const dir = tempDir();
  writeImageFolder(dir, ['a', 'b'], 1, 1);
  const rgba = new Uint8Array(64 * 4);
  const rgb = folderPixels(8, 3, 0, 0, 0);
  for (let p = 0; p < 64; p++) {
    for (let c = 0; c < 3; c++) rgba[4 * p + c] = rgb[3 * p + c];
    rgba[4 * p + 3] = 255;
  }
  fs.writeFileSync(path.join(dir, 'train', 'a', 'img0.png'), pngBytes(8, 8, 4, rgba));
  assert.deepEqual(readImageFolder(dir).train.images.subarray(0, 192), chw(rgb, 8, 3));
});

test('resize: bilinear with half-pixel centres (2×2 → 4×4 and 4 → 2 closed forms); --resize fixes mixed sizes', () => {
  const up = resizeBilinear(Uint8Array.from([0, 100, 200, 40]), 2, 2, 1, 4, 4);
  // 1-D taps at output positions −0.25→0, 0.25, 0.75, 1.25→1: weights of the second pixel 0, ¼, ¾, 1
  const w = [0, 0.25, 0.75, 1];
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const top = 0 * (1 - w[j]) + 100 * w[j];
      const bottom = 200 * (1 - w[j]) + 40 * w[j];
      assert.equal(up[i * 4 + j], Math.round(top * (1 - w[i]) + bottom * w[i]), `(${i},${j})`);
    }
  }
  // halving: output centres at input 0.5 and 2.5, the means of pixel pairs
  assert.deepEqual(Array.from(resizeBilinear(Uint8Array.from([10, 20, 30, 50]), 1, 4, 1, 1, 2)), [15, 40]);

  const dir = tempDir();
  writeImageFolder(dir, ['a', 'b'], 2, 1);
  const odd = path.join(dir, 'train', 'b', 'img1.png');
  fs.writeFileSync(odd, pngBytes(4, 4, 3, folderPixels(4, 3, 0, 1, 1)));
  assert.throws(() => readImageFolder(dir), userError(new RegExp(`^${odd.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: image is 4×4, expected 8×8 like .*img0\\.png .*--resize`)));
  const resized = readImageFolder(dir, { resize: [4, 4] }).train;
  assert.deepEqual([resized.height, resized.width], [4, 4]);
  assert.deepEqual(resized.images.subarray(3 * 48, 4 * 48), chw(folderPixels(4, 3, 0, 1, 1), 4, 3)); // already 4×4: unchanged
  const small = resizeBilinear(folderPixels(8, 3, 0, 0, 0), 8, 8, 3, 4, 4);
  assert.deepEqual(resized.images.subarray(0, 48), chw(small, 4, 3));
});

test('folder: bad folders and files are one-line UserErrors naming the path', () => {
  const dir = tempDir();
  writeImageFolder(dir, ['a', 'b', 'c'], 1, 1);
  assert.throws(() => loadDataset('folder', {}), userError(/--data folder: --data-dir is required/));
  fs.mkdirSync(path.join(dir, 'train', 'd'));
  assert.throws(() => readImageFolder(dir), userError(new RegExp(`${path.join(dir, 'test', 'd')}: folder not found; expected the same class folders`)));
  fs.mkdirSync(path.join(dir, 'test', 'd'));
  fs.writeFileSync(path.join(dir, 'train', 'd', 'notes.txt'), 'x');
  assert.throws(() => readImageFolder(dir), userError(new RegExp(`${path.join(dir, 'train', 'd')}: expected PNG or JPEG images of class d, found none`)));
  fs.rmSync(path.join(dir, 'train', 'd'), { recursive: true });
  fs.rmSync(path.join(dir, 'test', 'd'), { recursive: true });
  const bad = path.join(dir, 'test', 'b', 'img0.png');
  const good = fs.readFileSync(bad);
  fs.writeFileSync(bad, good.subarray(0, 40));
  assert.throws(() => readImageFolder(dir), userError(new RegExp(`^${bad}: not a readable JPEG or PNG image`)));
  fs.writeFileSync(bad, 'not an image');
  assert.throws(() => readImageFolder(dir), userError(new RegExp(`^${bad}: not a readable JPEG or PNG image`)));
  fs.writeFileSync(bad, good);
  const cut = path.join(dir, 'train', 'c', 'img0.jpg');
  const rgba = Buffer.alloc(32 * 32 * 4, 255);
  folderPixels(32, 3, 0, 2, 0).forEach((v, k) => (rgba[4 * Math.floor(k / 3) + (k % 3)] = v));
  const whole = jpeg.encode({ width: 32, height: 32, data: rgba }, 95).data;
  assert.ok(whole.indexOf(Buffer.from([0xff, 0xda])) < whole.length - 40, 'the scan holds more than the bytes cut');
  fs.writeFileSync(cut, whole.subarray(0, whole.length - 20)); // cut inside the scan data
  assert.throws(() => readImageFolder(dir, { resize: [8, 8] }), userError(new RegExp(`^${cut}: not a readable JPEG or PNG image`)));
  fs.rmSync(cut);
  const one = tempDir();
  writeImageFolder(one, ['only'], 1, 1);
  assert.throws(() => readImageFolder(one), userError(/expected at least 2 class folders, found 1/));
  const noTest = tempDir();
  fs.mkdirSync(path.join(noTest, 'train'));
  assert.throws(() => readImageFolder(noTest), userError(/expected a test\/ \(or val\/\) folder/));
});

test('sharp decodes JPEGs within 3 levels of jpeg-js (different IDCTs), 99% of values within 2', () => {
  const dir = tempDir();
  const files: string[] = [];
  const want: Uint8Array[] = [];
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 12; i++) {
    const size = 32;
    const rgba = Buffer.alloc(size * size * 4, 255);
    const a = 6 * rnd();
    for (let p = 0; p < size * size; p++) {
      const x = p % size;
      const y = Math.floor(p / size);
      rgba[4 * p] = 128 + 100 * Math.sin(a + x / 5);
      rgba[4 * p + 1] = 128 + 100 * Math.cos(a + y / 4);
      rgba[4 * p + 2] = (x * y + 40 * rnd()) & 255;
    }
    const jpg = jpeg.encode({ width: size, height: size, data: rgba }, [75, 90, 100][i % 3]).data;
    const file = path.join(dir, `t${i}.jpg`);
    fs.writeFileSync(file, jpg);
    files.push(file);
    want.push(chw(jpeg.decode(jpg, { useTArray: true, formatAsRGBA: false }).data, size, 3));
  }
  const got = decodeImages(files, { channels: 'rgb' });
  let worst = 0;
  let within2 = 0;
  want.forEach((w, i) => {
    for (let p = 0; p < w.length; p++) {
      const d = Math.abs(got.images[i * w.length + p] - w[p]);
      worst = Math.max(worst, d);
      if (d <= 2) within2++;
    }
  });
  assert.ok(worst <= 3, `max difference ${worst}`);
  assert.ok(within2 >= 0.99 * want.length * want[0].length, `${within2} values within 2`);
});
