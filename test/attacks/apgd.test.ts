// APGD: the checkpoint schedule and step-size rule of docs/methods.md#apgd-ce (with the D21 wrap-around), and attack behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, liveTensors, manualSeed, noGrad, rand, randint, tensor, tidy } from '../../src/engine';
import { apgd, apgdCheckpoints, apgdReduce, apgdTargeted } from '../../src/attacks/apgd';
import { pgd } from '../../src/attacks/pgd';
import { ConstantNet, TinyConvNet } from './tiny-models';

test('APGD checkpoints fall after iterations 22, 41, 57, 70, 80, 87, 93, 99 for N = 100', () => {
  assert.deepEqual(apgdCheckpoints(100), [22, 41, 57, 70, 80, 87, 93, 99]);
  // w_j = ⌈p_j·N⌉ with p_1 = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06) (the paper's form).
  const p = [0, 0.22];
  while (p[p.length - 1] + Math.max(p[p.length - 1] - p[p.length - 2] - 0.03, 0.06) <= 1) p.push(p[p.length - 1] + Math.max(p[p.length - 1] - p[p.length - 2] - 0.03, 0.06));
  assert.deepEqual(p.slice(1).map((v) => Math.ceil(v * 100 - 1e-9)), [22, 41, 57, 70, 80, 87, 93, 99]);
  assert.deepEqual(apgdCheckpoints(10), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
});

/** Loss table [N, B] from per-sample columns of the first rows (the rest zero). */
function table(n: number, cols: number[][]): Tensor {
  const data = new Array<number>(n * cols.length).fill(0);
  cols.forEach((c, b) => c.forEach((v, i) => (data[i * cols.length + b] = v)));
  return tensor(data, [n, cols.length]);
}

test('step-size rule: oscillation count ≤ k·ρ halves, counting loss_steps[0] against the zero last row (D21)', () =>
  tidy(() => {
    // 22 iterations; among j = 1..21 exactly 16 increases. Sample 0 starts at +1 (> 0: a 17th increase, no halving),
    // sample 1 at −1 (16 increases ≤ 16.5: halve). Sample 2 increases every step: never halves.
    const base = [0, ...Array.from({ length: 21 }, (_, j) => (j < 16 ? 1 : -1))];
    const path = (start: number) => base.reduce<number[]>((acc, d, j) => (acc.push(j === 0 ? start : acc[j - 1] + d), acc), []);
    const steady = Array.from({ length: 22 }, (_, j) => j + 1);
    const steps = table(100, [path(1), path(-1), steady]);
    const best = tensor([100, 100, 100]);
    const r = apgdReduce(steps, 21, 22, 0.75, best, tensor([0, 0, 0]), tensor([1, 1, 1], [3], 'bool'));
    assert.deepEqual(r.toArray(), [0, 1, 0]);
  }));

test('step-size rule: no halving at the previous check and no improvement since → halve (condition 2)', () =>
  tidy(() => {
    const steady = Array.from({ length: 41 }, (_, j) => j + 1);
    const steps = table(100, [steady, steady, steady]);
    // At i = 40 (k = 19) all losses rose: condition 1 is false; condition 2 decides.
    const lossBest = tensor([5, 5, 5]);
    const lastBest = tensor([5, 4, 5]);
    const lastReduced = tensor([0, 0, 1], [3], 'bool');
    assert.deepEqual(apgdReduce(steps, 40, 19, 0.75, lossBest, lastBest, lastReduced).toArray(), [1, 0, 0]);
  }));

test('APGD on a model that ignores its input halves the step at every checkpoint, on schedule', () => {
  const model = new ConstantNet(4, 2);
  const base = liveTensors();
  const seen: { it: number; step: number[] }[] = [];
  tidy(() => {
    const x = rand([3, 1, 4, 4]);
    const y = tensor([2, 2, 2], [3], 'int64');
    const eps = 0.1;
    const out = apgd(model, x, y, { eps, nIter: 100, onCheckpoint: (it, reduced, step) => (assert.ok(reduced.every(Boolean)), seen.push({ it, step })) });
    assert.deepEqual(out.toArray(), x.toArray());
  });
  assert.deepEqual(seen.map((s) => s.it), [22, 41, 57, 70, 80, 87, 93, 99]);
  seen.forEach((s, j) => s.step.forEach((v) => assert.ok(Math.abs(v - (2 * 0.1) / 2 ** (j + 1)) < 1e-7)));
  assert.equal(liveTensors(), base);
  model.dispose();
});

for (const norm of ['Linf', 'L2'] as const) {
  test(`APGD-CE and APGD-T (${norm}) stay in the ball and box and fool at least as many points as PGD`, () => {
    manualSeed(31);
    const model = new TinyConvNet(1, 6, 5).eval();
    const base = liveTensors();
    tidy(() => {
      const x = rand([24, 1, 6, 6]);
      const y = noGrad(() => model.forward(x).argmax(1));
      const eps = norm === 'Linf' ? 0.03 : 0.15;
      const p = pgd(model, x, y, { eps, stepSize: eps / 4, steps: 20, norm });
      const a = apgd(model, x, y, { eps, norm, nIter: 20 });
      const t = apgdTargeted(model, x, y, { eps, norm, nIter: 20 });
      const fooled = (xa: Tensor) => noGrad(() => model.forward(xa).argmax(1).ne(y).sum().item());
      const radius = (xa: Tensor) => xa.sub(x).flatten(1).norm(norm === 'Linf' ? Infinity : 2, 1).amax().item();
      for (const xa of [a, t]) {
        assert.ok(radius(xa) <= eps * (1 + 1e-5), `radius ${radius(xa)}`);
        assert.ok(xa.amin().item() >= 0 && xa.amax().item() <= 1);
      }
      assert.ok(fooled(p) > 0 && fooled(p) < 24, `PGD fooled ${fooled(p)} (the test needs a partial result)`);
      assert.ok(fooled(a) >= fooled(p), `APGD-CE ${fooled(a)} < PGD ${fooled(p)}`);
      assert.ok(fooled(t) >= fooled(p), `APGD-T ${fooled(t)} < PGD ${fooled(p)}`);
      // Points APGD did not fool are returned unchanged.
      const same = noGrad(() => model.forward(a).argmax(1).eq(y));
      assert.equal(a.sub(x).abs().flatten(1).amax(1).index([same]).sum().item(), 0);
    });
    assert.equal(liveTensors(), base);
    model.dispose();
  });
}

test('APGD is reproducible: the same seed gives the same result', () => {
  manualSeed(2);
  const model = new TinyConvNet(1, 5, 4).eval();
  tidy(() => {
    const x = rand([6, 1, 5, 5]);
    const y = randint(0, 4, [6]);
    const a = apgd(model, x, y, { eps: 0.05, nIter: 10, seed: 3 }).toArray();
    rand([5]);
    const b = apgd(model, x, y, { eps: 0.05, nIter: 10, seed: 3 }).toArray();
    assert.deepEqual(a, b);
  });
  model.dispose();
});
