// TRADES KL maximiser: per-sample ball and box; on a binary linear model it runs to a corner ±ε·sign(w1 − w0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { F, liveTensors, manualSeed, noGrad, rand, randnLike, tensor, tidy } from '../../src/engine';
import { tradesKL } from '../../src/attacks/trades-kl';
import { LinearNet, TinyConvNet } from './tiny-models';

test('tradesKL stays in the per-sample ε-ball and [0,1], raises the KL, keeps the mode, frees its tensors', () => {
  manualSeed(11);
  const model = new TinyConvNet(3, 5, 4).eval();
  const base = liveTensors();
  tidy(() => {
    const x = rand([6, 3, 5, 5]);
    const epsList = [0.01, 0.02, 0.03, 0.05, 0.1, 0.2];
    const xa = tradesKL(model, x, { eps: tensor(epsList), stepSize: 0.01, steps: 10 });
    const dev = xa.sub(x).flatten(1).abs().amax(1).toArray();
    dev.forEach((d, i) => assert.ok(d <= epsList[i] + 1e-6, `sample ${i}: ${d} > ${epsList[i]}`));
    assert.ok(xa.amin().item() >= 0 && xa.amax().item() <= 1);
    const kl = noGrad(() => F.klDiv(F.logSoftmax(model.forward(xa), 1), F.softmax(model.forward(x), 1), 'none').sum(1)).toArray();
    kl.forEach((v, i) => assert.ok(v > 1e-6, `sample ${i}: KL ${v}`));
  });
  assert.equal(liveTensors(), base);
  assert.equal(model.training, false);
  model.dispose();
});

test('tradesKL with 0 steps returns clip(x + 0.001·N(0,1)) with the seeded noise', () => {
  const model = new LinearNet([[1, 2], [0, 1]], [0, 0]);
  tidy(() => {
    const x = tensor([0, 0.5, 1, 0.25], [2, 2]);
    manualSeed(2);
    const xa = tradesKL(model, x, { eps: 0.1, stepSize: 0.01, steps: 0 }).toArray();
    manualSeed(2);
    const expected = x.add(randnLike(x).mul(0.001)).clamp(0, 1).toArray();
    assert.deepEqual(xa, expected);
  });
  model.dispose();
});

test('tradesKL on a binary linear model ends at x ± ε·sign(w1 − w0) (KL grows with |logit shift|)', () => {
  const w = [
    [0.5, -1, 0.3, 2],
    [-0.5, 0.2, 0.6, -1],
  ];
  const model = new LinearNet(w, [0, 0]);
  tidy(() => {
    manualSeed(8);
    const x = rand([5, 4]).mul(0.5).add(0.25);
    const eps = 0.05;
    const xa = tradesKL(model, x, { eps, stepSize: 0.02, steps: 10 }).toArray();
    const xs = x.toArray();
    const s = w[0].map((_, j) => Math.sign(w[1][j] - w[0][j]));
    for (let i = 0; i < 5; i++) {
      const d = s.map((sj, j) => (xa[i * 4 + j] - xs[i * 4 + j]) / (eps * sj));
      const side = Math.sign(d[0]);
      d.forEach((v, j) => assert.ok(Math.abs(v - side) < 1e-4, `sample ${i} coord ${j}: ${v} vs ${side}`));
    }
  });
  model.dispose();
});
