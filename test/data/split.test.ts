// Validation splits and subsets (docs/methods.md#split): sizes, class balance, no overlap, determinism.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classCounts, ImageDataset, splitValidation, subsetPerClass, take } from '../../src/data';
import { UserError } from '../../src/errors';

/** n images of 1×1×2 pixels; image i has pixels (i % 256, i >> 8) and label labelOf(i). */
function synthetic(n: number, numClasses: number, labelOf: (i: number) => number, name = 'cifar10'): ImageDataset {
  const images = new Uint8Array(2 * n);
  for (let i = 0; i < n; i++) {
    images[2 * i] = i % 256;
    images[2 * i + 1] = i >> 8;
  }
  return {
    name, classNames: Array.from({ length: numClasses }, (_, c) => `c${c}`), numClasses, channels: 1, height: 1, width: 2, length: n, images,
    labels: Int32Array.from({ length: n }, (_, i) => labelOf(i)), source: 'memory',
  };
}
const idOf = (ds: ImageDataset, k: number): number => ds.images[2 * k] + 256 * ds.images[2 * k + 1];

test("'first' rule: the first 100 of each class in dataset order (CIFAR-10), the rest for training", () => {
  const ds = synthetic(3000, 10, (i) => (i * 7) % 10); // 300 per class, interleaved
  const { train, valid } = splitValidation(ds, { rule: 'first' });
  assert.deepEqual(classCounts(valid), new Array(10).fill(100));
  assert.deepEqual(classCounts(train), new Array(10).fill(200));
  const wantValid = Array.from({ length: 3000 }, (_, i) => i).filter((i) => Math.floor(i / 10) < 100); // label cycles every 10
  assert.deepEqual(Array.from(valid.origin!), wantValid);
  for (let k = 0; k < valid.length; k++) assert.equal(idOf(valid, k), valid.origin![k]);
  const all = [...train.origin!, ...valid.origin!].sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: 3000 }, (_, i) => i));
  const c100 = synthetic(100 * 30, 100, (i) => i % 100, 'cifar100');
  assert.deepEqual(classCounts(splitValidation(c100, { rule: 'first' }).valid), new Array(100).fill(25));
  assert.equal(splitValidation(ds, { rule: 'first', perClass: 3 }).valid.length, 30);
});

test("'random' rule: a seeded 2% per class, disjoint from training, reproducible by seed", () => {
  const ds = synthetic(5000, 5, (i) => i % 5, 'fashion-mnist'); // 1000 per class
  const a = splitValidation(ds, { rule: 'random', seed: 1 });
  assert.deepEqual(classCounts(a.valid), new Array(5).fill(20));
  assert.deepEqual(classCounts(a.train), new Array(5).fill(980));
  const v = new Set(a.valid.origin);
  for (const i of a.train.origin!) assert.ok(!v.has(i));
  assert.deepEqual(a.valid.origin, splitValidation(ds, { rule: 'random', seed: 1 }).valid.origin);
  assert.notDeepEqual(a.valid.origin, splitValidation(ds, { rule: 'random', seed: 2 }).valid.origin);
  assert.notDeepEqual(Array.from(a.valid.origin!.subarray(0, 20)), Array.from({ length: 20 }, (_, k) => 5 * k)); // not the first ones
  assert.equal(splitValidation(ds, { rule: 'random', fraction: 0.1 }).valid.length, 500);
});

test('splits refuse to empty a class; the default for unknown datasets is 2% of the smallest class', () => {
  const ds = synthetic(50, 10, (i) => i % 10, 'other');
  assert.equal(splitValidation(ds, { rule: 'first' }).valid.length, 10); // max(1, round(0.02·5))
  assert.throws(() => splitValidation(ds, { rule: 'first', perClass: 5 }), (e: Error) => e instanceof UserError && /class 'c0' has 5/.test(e.message));
  assert.throws(() => splitValidation(ds, { rule: 'random', fraction: 1.5 }), UserError);
});

test('subsetPerClass: perClass of each class, in dataset order, seeded; take composes origins', () => {
  const ds = synthetic(1000, 4, (i) => (i < 100 ? 0 : 1 + (i % 3)));
  const s = subsetPerClass(ds, 50, 9);
  assert.deepEqual(classCounts(s), [50, 50, 50, 50]);
  assert.deepEqual(Array.from(s.origin!), Array.from(s.origin!).sort((a, b) => a - b));
  assert.deepEqual(s.origin, subsetPerClass(ds, 50, 9).origin);
  assert.notDeepEqual(s.origin, subsetPerClass(ds, 50, 10).origin);
  assert.deepEqual(classCounts(subsetPerClass(ds, 200, 0)), [100, 200, 200, 200]); // class 0 has only 100 (ids 0..99)
  const t = take(s, [3, 1]);
  assert.deepEqual(Array.from(t.origin!), [s.origin![3], s.origin![1]]);
  assert.equal(idOf(t, 0), s.origin![3]);
  assert.equal(t.labels[1], ds.labels[s.origin![1]]);
  assert.throws(() => take(ds, [1000]), RangeError);
});
