// `using` declarations and update(): block-scoped tensors and loop state without dispose lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveTensors, rand, tensor, tidy, update } from '../../src/engine';

test('using frees a tensor when its block ends, also on break and throw', () => {
  const base = liveTensors();
  {
    using t = rand([3]);
    assert.equal(liveTensors(), base + 1);
    assert.equal(t.shape[0], 3);
  }
  assert.equal(liveTensors(), base);
  for (let i = 0; i < 5; i++) {
    using t = tensor([i]);
    if (t.item() === 2) break;
  }
  assert.equal(liveTensors(), base);
  assert.throws(() => {
    using t = rand([2]);
    throw new Error(`boom ${t.shape}`);
  }, /boom 2/);
  assert.equal(liveTensors(), base);
});

test('update carries loop state: one copy at a time, reused tensors kept, the final state owned by the scope', () => {
  const base = liveTensors();
  const result = tidy(() => {
    const fixed = tensor([10]);
    let s = { x: tensor([1, 2]), fixed, count: 0 };
    for (let i = 0; i < 20; i++) {
      s = update(s, () => ({ x: s.x.mul(2).add(s.fixed).sub(s.fixed), fixed: s.fixed, count: s.count + 1 }));
      assert.equal(liveTensors(), base + 2, 'the previous x is freed, fixed is kept');
    }
    assert.equal(s.count, 20);
    return s.x;
  });
  assert.deepEqual(result.toArray(), [2 ** 20, 2 ** 21]);
  assert.equal(liveTensors(), base + 1);
  result.dispose();
});
