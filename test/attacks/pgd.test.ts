// PGD: per-sample ball and box, closed forms on a linear model, restarts, modes and memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, Tensor, liveTensors, manualSeed, noGrad, rand, randint, randn, tensor, tidy } from '../../src/engine';
import { pgd } from '../../src/attacks/pgd';
import { LinearNet, TinyConvNet } from './tiny-models';

function maxDev(a: Tensor, b: Tensor, norm: 'Linf' | 'L2'): number[] {
  return tidy(() => a.sub(b).flatten(1).norm(norm === 'Linf' ? Infinity : 2, 1).toArray());
}

for (const norm of ['Linf', 'L2'] as const) {
  test(`PGD ${norm} stays in the per-sample ε-ball and in [0,1], and raises the loss`, () => {
    manualSeed(1);
    const model = new TinyConvNet(3, 6, 5).eval();
    const base = liveTensors();
    tidy(() => {
      const x = rand([8, 3, 6, 6]);
      const y = randint(0, 5, [8]);
      const epsList = norm === 'Linf' ? [0, 0.01, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5] : [0, 0.1, 0.3, 0.5, 1, 2, 3, 5];
      const eps = tensor(epsList);
      const xa = pgd(model, x, y, { eps, stepSize: eps.mul(0.25), steps: 10, norm });
      const dev = maxDev(xa, x, norm);
      dev.forEach((d, i) => assert.ok(d <= epsList[i] * (1 + 1e-5) + 1e-6, `sample ${i}: ‖δ‖ = ${d} > ε = ${epsList[i]}`));
      assert.ok(xa.amin().item() >= 0 && xa.amax().item() <= 1);
      assert.equal(dev[0], 0);
      const lossClean = noGrad(() => F.crossEntropy(model.forward(x), y, 'none')).toArray();
      const lossAdv = noGrad(() => F.crossEntropy(model.forward(xa), y, 'none')).toArray();
      for (let i = 3; i < 8; i++) assert.ok(lossAdv[i] > lossClean[i], `sample ${i}: loss ${lossAdv[i]} ≤ clean ${lossClean[i]}`);
      assert.equal(model.training, false);
    });
    assert.equal(liveTensors(), base);
    model.train();
    tidy(() => void pgd(model, rand([2, 3, 6, 6]), tensor([0, 1], [2], 'int64'), { eps: 0.1, stepSize: 0.02, steps: 2, norm }));
    assert.equal(model.training, true, 'PGD must not change the mode');
    model.dispose();
  });
}

// Binary linear model: CE and CW both push along w_other − w_y, so the L∞ optimum is x + ε·sign(w_other − w_y) and
// the L2 optimum is x + ε·(w_other − w_y)/‖w_other − w_y‖₂ (interior points, so the box never binds).
const W = [
  [0.5, -1.0, 0.25, 2.0, -0.75, 0.1],
  [-0.3, 0.4, -0.25, -1.0, 0.5, -0.2],
];
test('L∞ PGD on a linear model reaches the closed-form optimum x + ε·sign(w_other − w_y) (CE and CW)', () => {
  const model = new LinearNet(W, [0.1, -0.1]);
  tidy(() => {
    manualSeed(3);
    const x = rand([4, 6]).mul(0.5).add(0.25);
    const y = tensor([0, 1, 0, 1], [4], 'int64');
    const eps = 0.1;
    for (const loss of ['ce', 'cw'] as const) {
      const xa = pgd(model, x, y, { eps, stepSize: eps / 4, steps: 10, loss }).toArray();
      const xs = x.toArray();
      for (let i = 0; i < 4; i++) {
        const yi = i % 2;
        for (let j = 0; j < 6; j++) {
          const diff = W[1 - yi][j] - W[yi][j];
          const expected = xs[i * 6 + j] + eps * Math.sign(diff);
          assert.ok(Math.abs(xa[i * 6 + j] - expected) < 1e-6, `${loss} sample ${i} coord ${j}: ${xa[i * 6 + j]} vs ${expected}`);
        }
      }
    }
  });
  model.dispose();
});

test("PGD from MART's start x + 0.001·N(0, I): one step lands on start + α·sign(w_other − w_y)", () => {
  const model = new LinearNet(W, [0.1, -0.1]);
  tidy(() => {
    manualSeed(6);
    const x = rand([4, 6]).mul(0.5).add(0.25);
    const y = tensor([0, 1, 0, 1], [4], 'int64');
    manualSeed(7);
    const noise = randn([4, 6]).toArray();
    manualSeed(7);
    const xa = pgd(model, x, y, { eps: 0.1, stepSize: 0.03, steps: 1, randomStart: 'small-normal' }).toArray();
    const xs = x.toArray();
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 6; j++) {
        const expected = xs[i * 6 + j] + 0.001 * noise[i * 6 + j] + 0.03 * Math.sign(W[1 - (i % 2)][j] - W[i % 2][j]);
        assert.ok(Math.abs(xa[i * 6 + j] - expected) < 1e-6, `sample ${i} coord ${j}: ${xa[i * 6 + j]} vs ${expected}`);
      }
    }
    const edge = tensor([0, 1, 0, 1, 0, 1], [1, 6]);
    const start = pgd(model, edge, tensor([0], [1], 'int64'), { eps: 0.1, stepSize: 0.03, steps: 0, randomStart: 'small-normal' }).toArray();
    assert.ok(start.every((v) => v >= 0 && v <= 1), 'with no steps the start itself is projected into the box');
  });
  model.dispose();
});

test('L2 PGD on a linear model reaches x + ε·(w_other − w_y)/‖w_other − w_y‖₂', () => {
  const model = new LinearNet(W, [0, 0]);
  tidy(() => {
    manualSeed(4);
    const x = rand([2, 6]).mul(0.4).add(0.3);
    const y = tensor([0, 1], [2], 'int64');
    const eps = 0.2;
    const xa = pgd(model, x, y, { eps, stepSize: eps / 3, steps: 6, norm: 'L2', randomStart: false }).toArray();
    const xs = x.toArray();
    for (let i = 0; i < 2; i++) {
      const d = W[0].map((_, j) => W[1 - i][j] - W[i][j]);
      const n = Math.hypot(...d);
      for (let j = 0; j < 6; j++) assert.ok(Math.abs(xa[i * 6 + j] - (xs[i * 6 + j] + (eps * d[j]) / n)) < 1e-6);
    }
  });
  model.dispose();
});

test('PGD respects the [0,1] box at the corners: x = 0 or 1 only moves inward', () => {
  const model = new LinearNet(W, [0, 0]);
  tidy(() => {
    const x = tensor([0, 1, 0, 1, 0, 1], [1, 6]);
    const xa = pgd(model, x, tensor([0], [1], 'int64'), { eps: 0.1, stepSize: 0.05, steps: 5 }).toArray();
    // sign(w1 − w0) = [−, +, −, −, +, −]: coordinates pushed out of the box stay at their edge.
    const expected = [0, 1, 0, 0.9, 0.1, 0.9];
    expected.forEach((e, j) => assert.ok(Math.abs(xa[j] - e) < 1e-6, `coord ${j}: ${xa[j]} vs ${e}`));
  });
  model.dispose();
});

test('PGD with restarts keeps, per sample, a misclassifying restart over a robust one', () => {
  manualSeed(5);
  const model = new TinyConvNet(1, 5, 3).eval();
  const base = liveTensors();
  tidy(() => {
    const x = rand([16, 1, 5, 5]);
    const y = noGrad(() => model.forward(x).argmax(1));
    const one = pgd(model, x, y, { eps: 0.05, stepSize: 0.0125, steps: 5, restarts: 1 });
    const many = pgd(model, x, y, { eps: 0.05, stepSize: 0.0125, steps: 5, restarts: 4 });
    const wrongOne = noGrad(() => model.forward(one).argmax(1).ne(y).sum().item());
    const wrongMany = noGrad(() => model.forward(many).argmax(1).ne(y).sum().item());
    assert.ok(wrongMany >= wrongOne, `restarts fooled ${wrongMany} < ${wrongOne}`);
    assert.ok(Math.max(...maxDev(many, x, 'Linf')) <= 0.05 + 1e-6);
  });
  assert.equal(liveTensors(), base);
  model.dispose();
});
