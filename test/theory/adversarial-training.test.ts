// Adversarial training of the toy linear model with the engine: the learned w = w₁/w₂ grows with ε and lands near the
// closed-form optimum of the robust 0-1 accuracy; no native tensor is left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveTensors } from '../../src/engine';
import { ToyOptions } from '../../src/data/toy';
import { trainLinearAdversarial } from '../../src/theory/adversarial-training';
import { optimalOverallW } from '../../src/theory/toy-model';

const O: ToyOptions = { d: 1, eta: 0.4, pPos: 0.9, pNeg: 0.7, sigma2: 1 };

test('learned w increases with ε and tracks w*(ε) within 20%', () => {
  const before = liveTensors();
  const results = [0, 0.15, 0.3].map((eps) => trainLinearAdversarial(O, { eps, seed: 1 }));
  assert.equal(liveTensors(), before);
  for (let i = 1; i < results.length; i++) assert.ok(results[i].w > results[i - 1].w, `w(${results[i].eps}) = ${results[i].w} ≤ w(${results[i - 1].eps}) = ${results[i - 1].w}`);
  for (const r of results) {
    const want = optimalOverallW(r.eps, O);
    assert.ok(Math.abs(r.w / want - 1) < 0.2, `ε=${r.eps}: learned ${r.w}, w* ${want}`);
    assert.ok(r.w1 > 0 && r.w2 > 0);
    assert.ok(r.robustTrain[0] > r.robustTrain[1], 'the easy class is more robust');
  }
});

test('PGD attacks only the non-robust features: at ε > η training drives w₂ towards 0', () => {
  const r = trainLinearAdversarial(O, { eps: 0.6, n: 1000, epochs: 10, seed: 2 });
  assert.ok(Math.abs(r.w2) < 0.2 * Math.abs(r.w1), `w1=${r.w1} w2=${r.w2}`);
});
