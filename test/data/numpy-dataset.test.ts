// NumPy datasets: .npy versions 1-3, stored and deflated .npz (ours and one written by NumPy), uint8 and float32,
// NHWC and NCHW, integer label types, and every kind of bad input as a UserError naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { loadDataset, readNumpyDataset } from '../../src/data';
import { crc32 } from '../../src/data/crc';
import { UserError } from '../../src/errors';
import { bitCrc32, npyBytes, numpyArrays, pixel, tempDir, zipBytes } from './formats';

const userError = (re: RegExp) => (e: unknown) => e instanceof UserError && re.test(e.message);
const FIXTURE = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'data', 'numpy-dataset.npz');

/** Image i of our writer's split s in C×H×W order. */
function expectedChw(s: number, i: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < 3; c++) for (let h = 0; h < 4; h++) for (let w = 0; w < 4; w++) out.push(pixel(s, i, c, h, w));
  return out;
}

test('npz (stored and deflated) and a folder of .npy files give the same NHWC dataset in C×H×W planes', () => {
  const dir = tempDir();
  const members = numpyArrays(7, 4, 3);
  const stored = path.join(dir, 'stored.npz');
  const deflated = path.join(dir, 'deflated.npz');
  fs.writeFileSync(stored, zipBytes(members, false));
  fs.writeFileSync(deflated, zipBytes(members, true));
  const folder = path.join(dir, 'arrays');
  fs.mkdirSync(folder);
  for (const [n, b] of members) fs.writeFileSync(path.join(folder, n), b);
  for (const source of [stored, deflated, folder]) {
    const data = loadDataset('npz', { dataDir: source });
    const { train, test: te } = data;
    assert.deepEqual([train.length, te.length, train.numClasses, train.channels, train.height, train.width], [7, 4, 3, 3, 4, 4]);
    assert.deepEqual(train.classNames, ['0', '1', '2']);
    assert.deepEqual(Array.from(train.labels), [0, 1, 2, 0, 1, 2, 0]);
    assert.deepEqual(Array.from(train.images.subarray(5 * 48, 6 * 48)), expectedChw(0, 5));
    assert.deepEqual(Array.from(te.images.subarray(2 * 48, 3 * 48)), expectedChw(1, 2));
    assert.equal(data.augment, 'crop-flip');
  }
});

test('the .npz written by numpy.savez_compressed: float32 NHWC in [0,1], int64 and int32 labels, uint8 NCHW', () => {
  const { train, test: te } = readNumpyDataset(FIXTURE);
  const px = (n: number, i: number, j: number, c: number) => (37 * n + 11 * i + 5 * j + 3 * c) % 256;
  assert.deepEqual([train.length, te.length, train.channels, train.height, train.width, train.numClasses], [6, 3, 3, 5, 5, 3]);
  assert.deepEqual(Array.from(train.labels), [0, 1, 2, 0, 1, 2]);
  assert.deepEqual(Array.from(te.labels), [2, 1, 0]);
  for (const [ds, offset] of [[train, 0], [te, 100]] as const) {
    for (let n = 0; n < ds.length; n++) {
      for (let c = 0; c < 3; c++) for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) assert.equal(ds.images[((n * 3 + c) * 5 + i) * 5 + j], px(n + offset, i, j, c));
    }
  }
});

test('.npy versions 2 and 3, grayscale N×H×W, NCHW detection, --layout, N×1 labels and uint8/int32 label types', () => {
  const dir = tempDir();
  const x = Uint8Array.from({ length: 4 * 9 }, (_, k) => k);
  fs.writeFileSync(path.join(dir, 'x_train.npy'), npyBytes('|u1', [4, 3, 3], x, 2));
  fs.writeFileSync(path.join(dir, 'y_train.npy'), npyBytes('|u1', [4, 1], Uint8Array.from([1, 0, 1, 0]), 3));
  fs.writeFileSync(path.join(dir, 'x_test.npy'), npyBytes('|u1', [1, 3, 3], x.subarray(0, 9)));
  fs.writeFileSync(path.join(dir, 'y_test.npy'), npyBytes('<i4', [1], new Uint8Array(Int32Array.from([1]).buffer)));
  const gray = readNumpyDataset(dir);
  assert.deepEqual([gray.train.channels, gray.train.height, gray.train.numClasses, ...gray.train.labels], [1, 3, 2, 1, 0, 1, 0]);
  assert.deepEqual(Array.from(gray.train.images), Array.from(x));
  // N×C×H×W with C = 3 is detected; 3×3×3 images are ambiguous until --layout says which
  const chw = Uint8Array.from({ length: 4 * 27 }, (_, k) => k % 251);
  fs.writeFileSync(path.join(dir, 'x_train.npy'), npyBytes('|u1', [4, 3, 5, 5].slice(0, 2).concat([3, 3]), chw));
  fs.writeFileSync(path.join(dir, 'x_test.npy'), npyBytes('|u1', [1, 3, 3, 3], chw.subarray(0, 27)));
  assert.throws(() => readNumpyDataset(dir), userError(/x_train\.npy: shape \(4, 3, 3, 3\) could be N×H×W×C or N×C×H×W; pass --layout nhwc or nchw/));
  const nchw = readNumpyDataset(dir, { layout: 'nchw' }).train;
  assert.deepEqual(Array.from(nchw.images), Array.from(chw));
  const nhwc = readNumpyDataset(dir, { layout: 'nhwc' }).train;
  assert.equal(nhwc.images[1 * 9 + 0], chw[1]); // channel 1 of pixel 0 comes from element 1
});

test('float32 images outside [0,1] are refused, not clipped', () => {
  const dir = tempDir();
  const f = Float32Array.from({ length: 2 * 16 * 3 }, (_, k) => k / 255);
  f[7] = 1.5;
  fs.writeFileSync(path.join(dir, 'x_train.npy'), npyBytes('<f4', [2, 4, 4, 3], new Uint8Array(f.buffer)));
  fs.writeFileSync(path.join(dir, 'y_train.npy'), npyBytes('<i8', [2], new Uint8Array(BigInt64Array.from([0n, 1n]).buffer)));
  fs.writeFileSync(path.join(dir, 'x_test.npy'), npyBytes('|u1', [1, 4, 4, 3], new Uint8Array(48)));
  fs.writeFileSync(path.join(dir, 'y_test.npy'), npyBytes('<i8', [1], new Uint8Array(8)));
  assert.throws(() => readNumpyDataset(dir), userError(new RegExp(`${path.join(dir, 'x_train.npy')}: float32 element 7 is 1\\.5; expected pixel values in \\[0,1\\]`)));
  f[7] = 7 / 255;
  fs.writeFileSync(path.join(dir, 'x_train.npy'), npyBytes('<f4', [2, 4, 4, 3], new Uint8Array(f.buffer)));
  const img = readNumpyDataset(dir).train.images;
  for (let p = 0; p < 16; p++) for (let c = 0; c < 3; c++) assert.equal(img[c * 16 + p], 3 * p + c); // v/255 → v
});

test('bad arrays are one-line UserErrors naming the file and what was expected', () => {
  const dir = tempDir();
  const members = numpyArrays(4, 2, 2);
  const write = (over: Record<string, Uint8Array>) => {
    for (const [n, b] of members) fs.writeFileSync(path.join(dir, n), over[n] ?? b);
  };
  const f = (n: string) => path.join(dir, n).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const cases: [Record<string, Uint8Array>, RegExp][] = [
    [{ 'x_train.npy': Buffer.from('hello world') }, new RegExp(`${f('x_train.npy')}: not a \\.npy file`)],
    [{ 'x_train.npy': npyBytes('>f4', [4, 4, 4, 3], new Uint8Array(4 * 192)) }, new RegExp(`${f('x_train.npy')}: dtype '>f4'; expected a little-endian`)],
    [{ 'x_train.npy': npyBytes('<i8', [4, 4, 4, 3], new Uint8Array(8 * 192)) }, new RegExp(`${f('x_train.npy')}: dtype i8; expected uint8 \\(0–255\\) or float32`)],
    [{ 'x_train.npy': npyBytes('|u1', [4, 4, 4, 3], new Uint8Array(100)) }, new RegExp(`${f('x_train.npy')}: holds 100 bytes of data; shape \\(4, 4, 4, 3\\) of \\|u1 needs 192`)],
    [{ 'x_train.npy': npyBytes('|u1', [4, 4, 4, 2], new Uint8Array(128)) }, new RegExp(`${f('x_train.npy')}: shape \\(4, 4, 4, 2\\) has no channel axis of size 1 or 3`)],
    [{ 'x_test.npy': npyBytes('|u1', [2, 5, 5, 3], new Uint8Array(150)) }, new RegExp(`${f('x_test.npy')}: images are 3×5×5; expected 3×4×4 like x_train`)],
    [{ 'y_train.npy': npyBytes('<f4', [4], new Uint8Array(16)) }, new RegExp(`${f('y_train.npy')}: dtype f4; expected integer labels`)],
    [{ 'y_train.npy': npyBytes('|u1', [3], Uint8Array.from([0, 1, 0])) }, new RegExp(`${f('y_train.npy')}: shape \\(3\\); expected \\(4\\) or \\(4, 1\\)`)],
    [{ 'y_train.npy': npyBytes('|u1', [4], Uint8Array.from([0, 2, 0, 2])) }, new RegExp(`${f('y_train.npy')}: no training image has label 1; expected labels 0–2, each present`)],
    [{ 'y_test.npy': npyBytes('|u1', [2], Uint8Array.from([0, 5])) }, new RegExp(`${f('y_test.npy')}: label 1 is 5; expected 0–1`)],
    [{ 'y_test.npy': npyBytes('<i4', [2], new Uint8Array(Int32Array.from([0, -1]).buffer)) }, new RegExp(`${f('y_test.npy')}: label 1 is -1; expected a class index ≥ 0`)],
    [{ 'y_train.npy': npyBytes('|u1', [4], new Uint8Array(4)) }, new RegExp(`${f('y_train.npy')}: every label is 0; expected at least 2 classes`)],
    [{ 'x_train.npy': Buffer.from(npyBytes('|u1', [4, 4, 4, 3], new Uint8Array(192)).toString('latin1').replace("'fortran_order': False", "'fortran_order': True "), 'latin1') }, new RegExp(`${f('x_train.npy')}: array is in Fortran order`)],
  ];
  for (const [over, re] of cases) {
    write(over);
    assert.throws(() => readNumpyDataset(dir), userError(re), re.source);
  }
  write({});
  fs.rmSync(path.join(dir, 'y_test.npy'));
  assert.throws(() => readNumpyDataset(dir), userError(new RegExp(`${f('y_test.npy')}: file not found`)));
});

test('npz: missing members, damaged members (CRC-32) and non-zip files are UserErrors naming the archive', () => {
  const dir = tempDir();
  const file = path.join(dir, 'data.npz');
  const members = numpyArrays(4, 2, 2);
  fs.writeFileSync(file, zipBytes(members.slice(0, 3), true));
  assert.throws(() => readNumpyDataset(file), userError(/data\.npz: no array y_test; expected x_train, y_train, x_test and y_test/));
  const good = zipBytes(members, false);
  const bad = Buffer.from(good);
  bad[100] ^= 0xff; // inside x_train's pixels
  fs.writeFileSync(file, bad);
  assert.throws(() => readNumpyDataset(file), userError(/data\.npz: member x_train\.npy: data does not match its size and CRC-32/));
  fs.writeFileSync(file, 'PK not really');
  assert.throws(() => readNumpyDataset(file), userError(/data\.npz: not a readable zip \(\.npz\) archive/));
  assert.throws(() => loadDataset('npz', {}), userError(/--data npz: --data-dir is required/));
});

test('CRC-32 of the zip reader: the check value and agreement with a bitwise CRC', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  const b = Buffer.from(Array.from({ length: 1000 }, (_, k) => (k * 31) & 255));
  assert.equal(crc32(b), bitCrc32(b));
});
