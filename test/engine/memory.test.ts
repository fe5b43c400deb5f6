// Deterministic release of native memory: scopes, dispose, and 1,000 training steps with bounded resident memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v8 from 'v8';
import * as vm from 'vm';
import { F, cpuCacheStats, emptyCpuCache, keep, liveTensors, manualSeed, rand, randint, tensor, tidy, dispose, zeros } from '../../src/engine';
import { N } from '../../src/engine/native';
import { SGD, createNetwork } from '../../src/nn';

test('tidy frees everything made inside except its result, which moves to the enclosing scope', () => {
  const base = liveTensors();
  const outer = tidy(() => {
    const inner = tidy(() => {
      const a = rand([4]);
      const b = a.mul(2);
      a.add(1);
      return { b, list: [b.sub(1)] };
    });
    assert.equal(liveTensors(), base + 2);
    return inner.list[0];
  });
  assert.equal(liveTensors(), base + 1);
  outer.dispose();
  outer.dispose();
  assert.equal(liveTensors(), base);
  assert.throws(() => outer.add(1), /after dispose/);
});

test('tidy frees on throw, and keep() exempts a tensor from every scope', () => {
  const base = liveTensors();
  let kept: ReturnType<typeof zeros> | undefined;
  assert.throws(() =>
    tidy(() => {
      rand([3]);
      kept = keep(zeros([2]));
      throw new Error('boom');
    }),
  );
  assert.equal(liveTensors(), base + 1);
  dispose(kept);
  assert.equal(liveTensors(), base);
});

test('1,000 training steps keep live tensors constant and resident memory bounded', () => {
  manualSeed(0);
  const m = createNetwork({ arch: 'smallcnn', numClasses: 10, inChannels: 1, inputSize: 28 });
  const opt = new SGD(m.parameters(), { lr: 0.01, momentum: 0.9, weightDecay: 5e-4 });
  const x = rand([16, 1, 28, 28]);
  const y = randint(0, 10, [16]);
  const step = () => {
    opt.zeroGrad();
    tidy(() => F.crossEntropy(m.forward(x), y).backward());
    opt.step();
  };
  for (let i = 0; i < 50; i++) step(); // warm up allocator and momentum buffers
  const live = liveTensors();
  const rss0 = process.memoryUsage().rss;
  for (let i = 0; i < 1000; i++) step();
  const grown = process.memoryUsage().rss - rss0;
  assert.equal(liveTensors(), live, 'no tensor leaked');
  assert.ok(grown < 64 * 1024 * 1024, `resident memory grew by ${(grown / 2 ** 20).toFixed(1)} MiB`);
  dispose([x, y]);
  m.dispose();
  opt.dispose();
});

test('numbers given to scalar ops keep the tensor dtype (integers stay integers)', () =>
  tidy(() => {
    const i = tensor([1, 2, 3], [3], 'int64');
    assert.equal(i.add(2).dtype, 'int64');
    assert.deepEqual(i.mul(3).toArray(), [3, 6, 9]);
    assert.equal(tensor([1.5]).add(2).dtype, 'float32');
  }));

test('a released handle stays dead when its slot is reused: the generation tells them apart', () => {
  const a = zeros([3]);
  const stale = a.handle;
  a.dispose();
  const b = tensor([1, 2, 3]);
  assert.notEqual(b.handle, stale);
  assert.throws(() => N.shape(stale), /used after dispose/);
  assert.equal(N.isDisposed(stale), true);
  N.dispose(stale); // a second release of the old handle must not touch the new tensor
  assert.deepEqual(b.toArray(), [1, 2, 3]);
  assert.throws(() => N.shape(12345), /not a tensor/);
  b.dispose();
});

test('safety net: a tensor nobody disposes is released once its wrapper is garbage-collected', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const base = liveTensors();
  (() => {
    for (let i = 0; i < 10; i++) rand([1000]);
  })();
  assert.equal(liveTensors(), base + 10);
  for (let i = 0; i < 10 && liveTensors() > base; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(liveTensors(), base);
});

test('CPU block cache: a released block is reused by the next tensor of its size and can be emptied', () => {
  const size = 1 << 20; // 4 MiB of float32
  tidy(() => void zeros([size]));
  const before = cpuCacheStats();
  assert.ok(before.cachedBytes >= 4 * size, `cached ${before.cachedBytes}`);
  const t = zeros([size]);
  const during = cpuCacheStats();
  assert.ok(during.liveBytes >= 4 * size);
  assert.equal(during.cachedBytes, before.cachedBytes - (4 * size + 4096), 'the cached block was taken (size rounded up to pages, header included)');
  assert.deepEqual(t.sum().toArray(), [0], 'a reused block is filled like a new one');
  t.dispose();
  emptyCpuCache();
  assert.equal(cpuCacheStats().cachedBytes, 0);
});
