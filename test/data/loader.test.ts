// The batch loader: tensors, determinism by (seed, epoch), resume, worker = in-thread, close(), no leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dispose, liveTensors } from '../../src/engine';
import { Batch, batches, ImageDataset, LoaderOptions, numBatches } from '../../src/data';
import { epochPlan } from '../../src/data/epoch-plan';
import { EpochPlan, fillBatch } from '../../src/data/augment';
import { UserError } from '../../src/errors';
import { allocateRing, produce, ringError } from '../../src/data/ring';

/** n random-looking 3×6×6 images with labels i % 4. */
function synthetic(n: number): ImageDataset {
  const images = Uint8Array.from({ length: n * 108 }, (_, k) => (k * 2654435761) >>> 24);
  return { name: 'synthetic', classNames: ['a', 'b', 'c', 'd'], numClasses: 4, channels: 3, height: 6, width: 6, length: n, images, labels: Int32Array.from({ length: n }, (_, i) => i % 4), source: 'memory' };
}

interface Plain {
  x: number[];
  y: number[];
  indices: number[];
  batch: number;
}
function collect(ds: ImageDataset, epoch: number, opts: LoaderOptions, start = 0): Plain[] {
  const out: Plain[] = [];
  for (const b of batches(ds, epoch, opts, start)) {
    out.push({ x: b.x.toArray(), y: b.y.toArray(), indices: Array.from(b.indices), batch: b.batch });
    dispose(b);
  }
  return out;
}

const base: LoaderOptions = { batchSize: 16, shuffle: true, seed: 11, augment: 'crop-flip', pad: 2 };

test('x is float32 [B,C,H,W] = uint8/255 of the augmented images, y int64 labels of the indices', () => {
  const ds = synthetic(40);
  const plan: EpochPlan = epochPlan(40, 11, 0, { shuffle: true, augment: 'crop-flip', pad: 2, padMode: 'reflect' });
  const it = batches(ds, 0, base);
  assert.equal(it.numBatches, 3);
  const b: Batch = it.next().value;
  assert.deepEqual(b.x.shape, [16, 3, 6, 6]);
  assert.equal(b.x.dtype, 'float32');
  assert.equal(b.y.dtype, 'int64');
  const want = new Uint8Array(16 * 108);
  fillBatch(ds.images, ds, plan, 0, 16, want, new Int32Array(16));
  const x = b.x.data() as Float32Array;
  for (let k = 0; k < want.length; k++) assert.equal(x[k], Math.fround(want[k] / 255));
  assert.deepEqual(Array.from(b.indices), Array.from(plan.order.subarray(0, 16)));
  assert.deepEqual(b.y.toArray(), Array.from(b.indices, (i) => i % 4));
  dispose(b);
  it.close();
  assert.equal(it.next().done, true);
});

test('each epoch visits every sample once; last batch partial, or dropped with dropLast', () => {
  const ds = synthetic(40);
  const all = collect(ds, 3, base);
  assert.deepEqual(all.map((b) => b.indices.length), [16, 16, 8]);
  assert.deepEqual(all.flatMap((b) => b.indices).sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i));
  const dropped = collect(ds, 3, { ...base, dropLast: true });
  assert.deepEqual(dropped.map((b) => b.indices.length), [16, 16]);
  assert.deepEqual(dropped, all.slice(0, 2));
  assert.equal(numBatches(ds, { batchSize: 16, dropLast: true }), 2);
  const ordered = collect(ds, 5, { ...base, shuffle: false, augment: 'none' });
  assert.deepEqual(ordered.flatMap((b) => b.indices), Array.from({ length: 40 }, (_, i) => i));
  assert.deepEqual(ordered[0].x.slice(0, 108), Array.from(ds.images.subarray(0, 108), (v) => Math.fround(v / 255)));
});

test('same (seed, epoch) gives identical batches; another epoch or seed gives others; worker = in-thread', () => {
  const ds = synthetic(50);
  const a = collect(ds, 2, base);
  assert.deepEqual(collect(ds, 2, base), a);
  assert.deepEqual(collect(ds, 2, { ...base, prefetch: 0 }), a);
  assert.deepEqual(collect(ds, 2, { ...base, prefetch: 1 }), a);
  assert.notDeepEqual(collect(ds, 3, base)[0].indices, a[0].indices);
  assert.notDeepEqual(collect(ds, 2, { ...base, seed: 12 })[0].indices, a[0].indices);
  // same order, different augmentation with zero padding
  const zero = collect(ds, 2, { ...base, padMode: 'zero' });
  assert.deepEqual(zero.map((b) => b.indices), a.map((b) => b.indices));
  assert.notDeepEqual(zero.map((b) => b.x), a.map((b) => b.x));
});

test('resuming at (epoch, batch) reproduces the remaining batches exactly', () => {
  const ds = synthetic(70);
  const full = collect(ds, 4, base);
  assert.equal(full.length, 5);
  for (const start of [1, 3, 4]) {
    assert.deepEqual(collect(ds, 4, base, start), full.slice(start));
    assert.deepEqual(collect(ds, 4, { ...base, prefetch: 0 }, start), full.slice(start));
  }
  assert.deepEqual(collect(ds, 4, base, 5), []);
  assert.throws(() => batches(ds, 4, base, 6), UserError);
});

test('breaking out early or close() stops the worker; finishing ends it too; no tensor leaks', async () => {
  const ds = synthetic(200);
  const before = liveTensors();
  const exits: Promise<void>[] = [];
  for (let round = 0; round < 3; round++) {
    const broken = batches(ds, round, { ...base, batchSize: 8 });
    for (const b of broken) {
      dispose(b);
      if (b.batch === 2) break;
    }
    const it = batches(ds, round, base);
    dispose(it.next().value);
    it.close();
    it.close();
    assert.equal(it.next().done, true);
    const done = batches(ds, round, { ...base, batchSize: 64 });
    for (const b of done) dispose(b);
    exits.push(broken.exited, it.exited, done.exited);
  }
  assert.equal(liveTensors(), before);
  const timeout = new Promise<string>((r) => setTimeout(() => r('timeout'), 5000).unref());
  assert.equal(await Promise.race([Promise.all(exits).then(() => 'exited'), timeout]), 'exited');
});

test('bad options are UserErrors naming the option', () => {
  const ds = synthetic(10);
  assert.throws(() => batches(ds, 0, { ...base, batchSize: 0 }), /batchSize/);
  assert.throws(() => batches(ds, 0, { ...base, pad: 6 }), /pad to be an integer in 0..5/);
  assert.throws(() => batches(ds, -1, base), /epoch/);
  assert.throws(() => batches(ds, 0, { ...base, augment: 'flip' as 'none' }), UserError);
});

test('a failure inside the producer is reported through the ring instead of leaving the consumer waiting', () => {
  const ring = allocateRing(2, 4, 108);
  const plan = epochPlan(8, 0, 0, { shuffle: false, augment: 'none', pad: 0, padMode: 'reflect' });
  const images = new SharedArrayBuffer(8 * 108);
  const input = { images, geometry: null as unknown as { channels: number; height: number; width: number }, plan, batchSize: 4, used: 8, startBatch: 0, endBatch: 2, slots: 2, ...ring };
  assert.equal(ringError(input), undefined);
  produce(input);
  assert.match(ringError(input) ?? '', /TypeError/);
});
