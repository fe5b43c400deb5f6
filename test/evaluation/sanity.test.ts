// Sanity flags: each fires on a model built to trigger it and stays silent on an ordinary one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, manualSeed, rand, randint, randnLike, tidy } from '../../src/engine';
import { Module } from '../../src/nn';
import { checkEpsMonotone, checkNumClasses, checkProbabilities, checkRandomized, checkSquare, checkZeroGradients } from '../../src/evaluation/sanity';
import { ConstantNet, ProbabilityNet, TinyConvNet } from '../attacks/tiny-models';

class NoisyNet extends Module {
  constructor(readonly inner: Module) {
    super();
    this.child('inner', inner);
  }
  forward(x: Tensor): Tensor {
    return tidy(() => {
      const z = this.inner.forward(x);
      return z.add(randnLike(z).mul(0.1));
    });
  }
}

test('model flags: probabilities, randomized outputs and zero gradients', () => {
  manualSeed(4);
  const net = new TinyConvNet(1, 5, 4).eval();
  const probs = new ProbabilityNet(net);
  const noisy = new NoisyNet(net);
  const constant = new ConstantNet(4, 0);
  tidy(() => {
    const x = rand([6, 1, 5, 5]);
    const y = randint(0, 4, [6]);
    assert.equal(checkProbabilities(net, x), undefined);
    assert.match(checkProbabilities(probs, x) ?? '', /^probabilities:/);
    assert.equal(checkRandomized(net, x), undefined);
    assert.match(checkRandomized(noisy, x) ?? '', /^randomized:/);
    assert.equal(checkZeroGradients(net, x, y), undefined);
    assert.match(checkZeroGradients(constant, x, y) ?? '', /^zero-gradients: 6 of 6/);
  });
  constant.dispose();
  net.dispose();
});

test('ensemble flags: Square beating the white-box attacks, robust accuracy rising with ε, too few classes', () => {
  const runs = [
    { attack: 'apgd-ce', robustAccuracy: 0.5 },
    { attack: 'apgd-t', robustAccuracy: 0.48 },
    { attack: 'fab-t', robustAccuracy: 0.48 },
  ];
  assert.equal(checkSquare([...runs, { attack: 'square', robustAccuracy: 0.479 }], 0.9), undefined);
  assert.match(checkSquare([...runs, { attack: 'square', robustAccuracy: 0.45 }], 0.9) ?? '', /^square: .* 3\.00 points/);
  assert.equal(checkEpsMonotone([{ eps: 8 / 255, robustAccuracy: 0.4 }, { eps: 4 / 255, robustAccuracy: 0.6 }]), undefined);
  assert.match(checkEpsMonotone([{ eps: 8 / 255, robustAccuracy: 0.45 }, { eps: 4 / 255, robustAccuracy: 0.4 }]) ?? '', /^eps-monotonic:/);
  assert.match(checkNumClasses(3, ['apgd-ce', 'apgd-t']) ?? '', /need at least 4 classes/);
  assert.match(checkNumClasses(5, ['apgd-t']) ?? '', /only 4 target classes/);
  assert.equal(checkNumClasses(10, ['apgd-ce', 'apgd-t', 'fab-t', 'square']), undefined);
});
